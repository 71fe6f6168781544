"""Major incidents over the API (003 "In Case of Major Incident"): read them, and, as a
lead, declare one, link the tickets it explains and move it to identified, monitoring or
resolved. The same services as the admin, so customers hear of it exactly once."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.errors import InvalidInput
from escalation.models import MajorIncident, Ticket
from escalation.services import incident_advance, incident_declare, incident_link_tickets

from .idempotency import once
from .problems import PROBLEM_RESPONSES

STEPS = ["identify", "monitor", "resolve"]
MAX_LINKED = 500


class IncidentSerializer(serializers.ModelSerializer):
    declared_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    tickets = serializers.IntegerField(
        source="ticket_count", read_only=True, help_text="How many tickets are linked."
    )

    class Meta:
        model = MajorIncident
        fields = [
            "id",
            "title",
            "affected_service",
            "state",
            "holding_message",
            "resolution_message",
            "declared_by",
            "declared_at",
            "resolved_at",
            "tickets",
        ]
        read_only_fields = fields


class DeclareSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    affected_service = serializers.CharField(max_length=200)
    holding_message = serializers.CharField(
        max_length=5000,
        help_text="Sent once to every linked customer; may use {customer_name} and "
        "{ticket_reference}.",
    )


class LinkSerializer(serializers.Serializer):
    tickets = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=MAX_LINKED,
        help_text="Ticket references, e.g. ESC-000123.",
    )


class LinkedSerializer(serializers.Serializer):
    linked = serializers.IntegerField(help_text="Tickets newly linked by this call.")
    incident = IncidentSerializer()


class StepSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="For resolve: the message every linked customer gets once.",
    )


class ReadsIncidents(BasePermission):
    """Reading is for roles that see incidents; writing for those that run them (leads).
    Checked on every request, a replayed `Idempotency-Key` answer included."""

    message = "This account's role may not do this with major incidents."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return request.user.has_perm("escalation.view_majorincident")
        return request.user.has_perm("escalation.change_majorincident")


class NewestFirst(CursorPagination):
    ordering = "-pk"
    page_size = 50


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Incidents, newest first. Declaring and running them is for leads: every other role
    gets 403, here and again in the services."""

    serializer_class = IncidentSerializer
    permission_classes = [IsAuthenticated, ReadsIncidents]
    pagination_class = NewestFirst
    lookup_value_regex = "[0-9]{1,12}"

    def get_queryset(self):
        return MajorIncident.objects.select_related("declared_by").annotate(
            ticket_count=Count("tickets")
        )

    def _fresh(self, pk: int) -> MajorIncident:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(
        operation_id="incidents_list",
        responses={200: IncidentSerializer(many=True), **PROBLEM_RESPONSES},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        operation_id="incidents_retrieve",
        responses={200: IncidentSerializer, **PROBLEM_RESPONSES},
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        operation_id="incidents_declare",
        request=DeclareSerializer,
        responses={201: IncidentSerializer, **PROBLEM_RESPONSES},
    )
    def create(self, request):
        """Declare a major incident (leads); the incidents team is alerted."""
        return once(request, lambda: self._declare(request))

    def _declare(self, request) -> Response:
        data = DeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = incident_declare(actor=request.user, **data.validated_data)
        return Response(
            IncidentSerializer(self._fresh(incident.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        operation_id="incidents_link_tickets",
        request=LinkSerializer,
        responses={200: LinkedSerializer, **PROBLEM_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="tickets")
    def link(self, request, pk=None):
        """Link active tickets; each newly linked customer gets the holding message once."""
        incident = self.get_object()
        return once(request, lambda: self._link(request, incident))

    def _link(self, request, incident: MajorIncident) -> Response:
        data = LinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        references = data.validated_data["tickets"]
        ids = {ref: Ticket.pk_from_reference(ref) for ref in references}
        unknown = [ref for ref, pk in ids.items() if pk is None]
        found = set(Ticket.objects.filter(pk__in=ids.values()).values_list("pk", flat=True))
        unknown += [ref for ref, pk in ids.items() if pk is not None and pk not in found]
        if unknown:
            message = "No such tickets: " + ", ".join(sorted(unknown)[:20])
            raise InvalidInput(message, field_errors={"tickets": [message]})
        linked = incident_link_tickets(
            incident=incident, actor=request.user, tickets=Ticket.objects.filter(pk__in=found)
        )
        body = {"linked": linked, "incident": IncidentSerializer(self._fresh(incident.pk)).data}
        return Response(body)

    @extend_schema(
        operation_id="incidents_step",
        request=StepSerializer,
        parameters=[OpenApiParameter("step", OpenApiTypes.STR, OpenApiParameter.PATH, enum=STEPS)],
        responses={200: IncidentSerializer, **PROBLEM_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="actions/(?P<step>[a-z]{1,20})")
    def step(self, request, pk=None, step=None):
        """Move the incident on: identify, monitor, or resolve (with the message)."""
        if step not in STEPS:
            raise NotFound(f"No incident step is called {step!r}.")
        incident = self.get_object()
        return once(request, lambda: self._step(request, incident, step))

    def _step(self, request, incident: MajorIncident, step: str) -> Response:
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident_advance(
            incident=incident,
            actor=request.user,
            step=step,
            message=data.validated_data.get("message", ""),
        )
        return Response(IncidentSerializer(self._fresh(incident.pk)).data)
