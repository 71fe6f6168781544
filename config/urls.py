from django.contrib import admin
from django.urls import include, path

from escalation.desk import home

urlpatterns = [
    path("admin/metrics/", include("escalation.metrics.urls")),
    # The admin's sign-in page, landing each role on its own start page afterwards.
    path("admin/login/", home.sign_in),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("inbox/", include("inbox.urls")),
    path("chat/", include("chatops.urls")),
    path("jira/", include("jiraops.urls")),
    path("desk/notifications/", include("notifications.urls")),
    path("desk/training/", include("training.urls")),
    path("desk/reviews/", include("reviews.urls")),
    path("desk/", include("escalation.urls")),
    path("desk/", include("contacts.urls")),
    path("", home.landing, name="landing"),
]
