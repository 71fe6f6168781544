"""Tickets and customer messages pushed in by the upstream helpdesk (Zendesk, Freshdesk, any)."""

from django.urls import path

from .views import InboundView

app_name = "inbound"

urlpatterns = [
    path("<slug:slug>/", InboundView.as_view(), name="receive"),
]
