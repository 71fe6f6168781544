from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/schedules/<int:pk>.ics", views.schedule_ics, name="schedule_ics"),
]
