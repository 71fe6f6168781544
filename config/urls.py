from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/metrics/", include("escalation.metrics.urls")),
    path("admin/", admin.site.urls),
    path("desk/", include("escalation.urls")),
    path("desk/", include("contacts.urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
