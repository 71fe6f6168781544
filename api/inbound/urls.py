from django.urls import path

app_name = "inbound"

urlpatterns: list = []
