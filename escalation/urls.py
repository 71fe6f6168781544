from django.urls import path

from .desk import approvals, department_requests, home, tickets, verification

app_name = "desk"
urlpatterns = [
    path("", tickets.queue, name="queue"),
    path("home/", home.lead_home, name="home"),
    path("approval/<int:pk>/decide/", approvals.approval_decide_view, name="approval_decide"),
    path("search/", tickets.search, name="search"),
    path("ticket/new/", tickets.ticket_new, name="ticket_new"),
    path("ticket/<int:pk>/", tickets.ticket, name="ticket"),
    path("ticket/<int:pk>/act/<slug:action>/", tickets.ticket_action, name="ticket_action"),
    path(
        "ticket/<int:pk>/department-request/<int:request_id>/<slug:step>/",
        department_requests.department_request_step,
        name="department_request_step",
    ),
    path(
        "ticket/<int:pk>/verify/",
        verification.verification_start_view,
        name="verification_start",
    ),
    path(
        "ticket/<int:pk>/verify/<int:request_id>/",
        verification.verification_view,
        name="verification",
    ),
]
