"""The REST API's views: thin, as the desk's are. Each write runs one service, the same
the desk and the admin call, so an integration is refused exactly where a person of its
role would be, and its changes are in the history under its own account."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.errors import InvalidInput
from escalation.actions import ticket_action_service
from escalation.forms import ACTION_FORMS
from escalation.holds import Held
from escalation.models import Ticket
from escalation.policies import TICKET_ACTIONS, opened_by, tickets_visible_to
from escalation.selectors import ticket_route, with_sla_status
from escalation.services import customer_find_or_create, ticket_create, ticket_update

from .casework import CaseworkActions, bind, form_errors
from .directory import RouteSerializer, route_data
from .idempotency import HEADER, once
from .problems import PROBLEM_RESPONSES
from .serializers import (
    HeldSerializer,
    TicketCreateSerializer,
    TicketFilterSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)

IDEMPOTENCY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Send the same key again to get the first answer instead of a second write.",
)


class WritesNeedTheRole(BasePermission):
    """Read-only roles (auditors) read; their writes are refused before any input is
    looked at, as the admin and the desk refuse them. The services decide the rest."""

    message = "This account's role reads only; it may not change tickets."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or request.user.has_perm("escalation.change_ticket")


class NewestFirst(CursorPagination):
    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class TicketViewSet(
    CaseworkActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets this account may see, as on the desk: its tier's and its own; leads all; the
    helpdesk the tickets it opened; roles without a tier (auditors) none."""

    serializer_class = TicketSerializer
    permission_classes = [IsAuthenticated, WritesNeedTheRole]
    pagination_class = NewestFirst
    lookup_field = "reference"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"

    def get_queryset(self):
        tickets = tickets_visible_to(self.request.user).select_related(
            "customer", "category", "owner"
        )
        return with_sla_status(tickets)

    @staticmethod
    def fresh():
        """The ticket as written, read back after a write this account made (it may not
        see it any more: a returned hand-off goes back to the tier below)."""
        return with_sla_status(Ticket.objects.select_related("customer", "category", "owner"))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_object(self) -> Ticket:
        pk = Ticket.pk_from_reference(self.kwargs["reference"])
        if pk is None:
            raise NotFound("A ticket reference looks like ESC-000123.")
        return get_object_or_404(self.get_queryset(), pk=pk)

    def filter_queryset(self, queryset):
        filters = TicketFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return queryset.filter(**filters.validated_data)

    @extend_schema(
        operation_id="tickets_list",
        parameters=[TicketFilterSerializer],
        responses={200: TicketSerializer(many=True), **PROBLEM_RESPONSES},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        operation_id="tickets_retrieve", responses={200: TicketSerializer, **PROBLEM_RESPONSES}
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        operation_id="tickets_create",
        request=TicketCreateSerializer,
        parameters=[IDEMPOTENCY],
        responses={200: TicketSerializer, 201: TicketSerializer, **PROBLEM_RESPONSES},
    )
    def create(self, request):
        """Open a ticket (and its customer, found by external user ID or email, or added).
        Sent again with the same `external_reference`: the ticket made the first time."""
        return once(request, lambda: self._create(request))

    def _create(self, request) -> Response:
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        with transaction.atomic():
            reference = fields.get("external_reference", "")
            # Sent again: the ticket this account opened with that reference, even if it
            # has since moved to a tier this account does not see.
            existing = (
                self.fresh().filter(opened_by(request.user), external_reference=reference).first()
                if reference
                else None
            )
            if existing is not None:
                return Response(self.get_serializer(existing).data, status=status.HTTP_200_OK)
            customer = customer_find_or_create(actor=request.user, **fields["customer"])
            ticket = ticket_create(
                actor=request.user,
                customer=customer,
                category=fields["category"],
                subject=fields["subject"],
                description=fields.get("description", ""),
                priority=fields.get("priority") or None,
                external_reference=reference,
                owner=fields.get("owner"),
                **({"sentiment": fields["sentiment"]} if fields.get("sentiment") else {}),
            )
        ticket = self.fresh().get(pk=ticket.pk)
        return Response(self.get_serializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="tickets_update",
        request=TicketUpdateSerializer,
        parameters=[IDEMPOTENCY],
        responses={200: TicketSerializer, 202: HeldSerializer, **PROBLEM_RESPONSES},
    )
    def partial_update(self, request, reference=None):
        """Change the subject, description, priority or category (the owner or a lead; a
        new priority or category re-targets the SLA, as in the admin)."""
        return once(request, lambda: self._update(request))

    def _update(self, request) -> Response:
        ticket = self.get_object()
        data = TicketUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = ticket_update(
            ticket=ticket, actor=request.user, changes=dict(data.validated_data)
        )
        if isinstance(outcome, Held):  # a lower priority waits for a second person (issue 17)
            return Response({"held": True, "detail": outcome.message}, status=202)
        return Response(self.get_serializer(self.fresh().get(pk=ticket.pk)).data)

    @extend_schema(
        operation_id="tickets_act",
        request=OpenApiTypes.OBJECT,
        parameters=[
            IDEMPOTENCY,
            OpenApiParameter(
                "code", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(TICKET_ACTIONS)
            ),
        ],
        responses={200: TicketSerializer, 202: HeldSerializer, **PROBLEM_RESPONSES},
        description=(
            "Run one of the ticket's actions, with the fields of the desk's form for it: "
            "escalate (to_tier, reason, summary, impact, troubleshooting, questions, "
            "customer_expectation, ...), accept_escalation, return_escalation (reason), "
            "log_contact (direction, channel, body), resolve, wait_on_customer, ... A customer "
            "message (log_contact, direction inbound) counts toward the 3+ contacts rule and "
            "resumes a clock paused while waiting on the customer. An action that waits for a "
            "second person (a four-eyes approval, a trainee's mentor) answers 202 and changes "
            "nothing yet."
        ),
    )
    @action(detail=True, methods=["post"], url_path="actions/(?P<code>[a-z_]{1,40})")
    def act(self, request, reference=None, code=None):
        if code not in TICKET_ACTIONS:
            raise NotFound(f"No ticket action is called {code!r}.")
        return once(request, lambda: self._act(request, code))

    def _act(self, request, code: str) -> Response:
        ticket = self.get_object()
        if not isinstance(request.data, dict):
            raise InvalidInput("Send a JSON object with the action's fields.")
        data = {k: v for k, v in request.data.items() if isinstance(k, str)}
        form = bind(ACTION_FORMS[code], data, ticket=ticket)
        if not form.is_valid():
            raise InvalidInput(
                "Some fields are missing or wrong; nothing was changed.",
                field_errors=form_errors(form),
            )
        outcome = ticket_action_service(code)(
            ticket=ticket, actor=request.user, **form.service_kwargs()
        )
        if isinstance(outcome, Held):  # a trainee's: waits for the mentor, nothing changed
            return Response({"held": True, "detail": outcome.message}, status=202)
        # As it is now, even if the action moved it out of this account's sight (a return).
        return Response(self.get_serializer(self.fresh().get(pk=ticket.pk)).data)

    @extend_schema(
        operation_id="tickets_route", responses={200: RouteSerializer, **PROBLEM_RESPONSES}
    )
    @action(detail=True, methods=["get"])
    def route(self, request, reference=None):
        """Whom to reach for this ticket right now: the contact directory's answer."""
        return Response(RouteSerializer(route_data(ticket_route(self.get_object()))).data)
