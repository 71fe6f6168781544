from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.last_month_pack, name="current"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/<slug:step>/", views.action_step, name="action_step"),
    path("<str:month>/", views.pack, name="pack"),
    path("<str:month>/csv/<slug:table>/", views.export, name="export"),
]
