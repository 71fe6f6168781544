from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .customers import CustomerUpsertView
from .directory import DirectoryView
from .incidents import IncidentViewSet
from .views import TicketViewSet

app_name = "api"

v1 = DefaultRouter(trailing_slash=True)
v1.register("tickets", TicketViewSet, basename="ticket")
v1.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/inbound/", include("api.inbound.urls")),
    path("v1/customers/", CustomerUpsertView.as_view(), name="customers"),
    path("v1/directory/", DirectoryView.as_view(), name="directory"),
    path("v1/", include(v1.urls)),
]
