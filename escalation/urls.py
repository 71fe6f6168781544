from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("ticket/<int:pk>/", views.ticket, name="ticket"),
    path("ticket/<int:pk>/act/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("ticket/<int:pk>/verify/", views.verification_start_view, name="verification_start"),
    path("ticket/<int:pk>/verify/<int:request_id>/", views.verification_view, name="verification"),
]
