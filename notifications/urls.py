from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/read/", views.read, name="read"),
]
