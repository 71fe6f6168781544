"""Major incidents over the API (003 "In Case of Major Incident"): read them, and, as a
lead, declare one, link (and unlink) the tickets it explains, post status updates at the
cadence of its priority and move it to identified, monitoring or resolved. The same
services as the admin, so customers hear of it exactly once per update."""

from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.choices import Priority
from core.errors import InvalidInput
from escalation.models import IncidentUpdate, MajorIncident, Ticket
from escalation.services import (
    incident_advance,
    incident_declare,
    incident_link_tickets,
    incident_post_update,
    incident_unlink_tickets,
)

from .idempotency import once
from .problems import PROBLEM_RESPONSES

STEPS = ["identify", "monitor", "resolve"]
MAX_LINKED = 500


class IncidentSerializer(serializers.ModelSerializer):
    declared_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    tickets = serializers.IntegerField(
        source="ticket_count", read_only=True, help_text="How many tickets are linked."
    )
    next_update_due = serializers.SerializerMethodField(
        help_text="When the next status update may be posted (empty once resolved)."
    )

    class Meta:
        model = MajorIncident
        fields = [
            "id",
            "title",
            "affected_service",
            "priority",
            "state",
            "next_update_due",
            "holding_message",
            "resolution_message",
            "declared_by",
            "declared_at",
            "resolved_at",
            "tickets",
        ]
        read_only_fields = fields

    def get_next_update_due(self, obj) -> str | None:
        """From the annotated last update (no query per row); the service's rule."""
        if not obj.is_running:
            return None
        due = (obj.last_update_at or obj.declared_at) + obj.update_every
        return serializers.DateTimeField().to_representation(due)


class DeclareSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    affected_service = serializers.CharField(max_length=200)
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        default=Priority.CRITICAL,
        help_text="Status-update cadence: critical hourly, high every 4 hours, medium and "
        "low daily.",
    )
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


class UpdateSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = IncidentUpdate
        fields = ["id", "text", "author", "posted_at", "customers_told"]
        read_only_fields = ["id", "author", "posted_at", "customers_told"]
        extra_kwargs = {"text": {"max_length": 5000}}


class UnlinkedSerializer(serializers.Serializer):
    unlinked = serializers.IntegerField(help_text="Tickets unlinked by this call.")
    incident = IncidentSerializer()


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
            ticket_count=Count("tickets", distinct=True),
            last_update_at=Max("updates__posted_at"),
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
        found = self._tickets(request)
        linked = incident_link_tickets(
            incident=incident, actor=request.user, tickets=Ticket.objects.filter(pk__in=found)
        )
        body = {"linked": linked, "incident": IncidentSerializer(self._fresh(incident.pk)).data}
        return Response(body)

    @extend_schema(
        operation_id="incidents_unlink_tickets",
        request=LinkSerializer,
        responses={200: UnlinkedSerializer, **PROBLEM_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="tickets/unlink")
    def unlink(self, request, pk=None):
        """Unlink tickets the incident does not explain: their clocks run again, the time
        suspended not counted. Tickets not linked to it are left alone."""
        incident = self.get_object()
        return once(request, lambda: self._unlink(request, incident))

    def _unlink(self, request, incident: MajorIncident) -> Response:
        found = self._tickets(request)
        unlinked = incident_unlink_tickets(
            incident=incident, actor=request.user, tickets=Ticket.objects.filter(pk__in=found)
        )
        body = {"unlinked": unlinked, "incident": IncidentSerializer(self._fresh(incident.pk)).data}
        return Response(body)

    @extend_schema(
        operation_id="incidents_post_update",
        request=UpdateSerializer,
        responses={201: UpdateSerializer, **PROBLEM_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="updates")
    def post_update(self, request, pk=None):
        """Post a status update: each linked customer gets it once. Sooner than the cadence
        of the incident's priority is a 409 naming when the next one is due."""
        incident = self.get_object()
        return once(request, lambda: self._post_update(request, incident))

    def _post_update(self, request, incident: MajorIncident) -> Response:
        data = UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        update = incident_post_update(
            incident=incident, actor=request.user, text=data.validated_data["text"]
        )
        return Response(UpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    def _tickets(self, request) -> set[int]:
        """The posted references as ticket ids; an unknown one refuses the whole call."""
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
        return found

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
