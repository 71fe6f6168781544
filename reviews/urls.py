from django.urls import path  # noqa: F401  (the pages come with the feature)

app_name = "reviews"

urlpatterns: list = []
