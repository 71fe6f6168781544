from django.contrib import admin
from django.urls import path

from . import tiers, views

app_name = "metrics"
urlpatterns = [
    path("", admin.site.admin_view(views.dashboard), name="dashboard"),
    path("customers/", admin.site.admin_view(views.customers), name="customers"),
    path("tiers/", admin.site.admin_view(tiers.tier_clocks), name="tiers"),
]
