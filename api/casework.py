"""A ticket's department requests and identity verification over the API: the requests
with their steps (the desk's forms and services, `escalation.actions.REQUEST_STEPS`), and
the verification status, read only. Factors are never exposed: only whether the customer
is verified, at which level, and the requests' states."""

from collections.abc import Callable

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.errors import InvalidInput, PermissionRefused
from escalation.actions import REQUEST_STEPS
from escalation.models import DepartmentRequest, Ticket
from escalation.policies import department_request_refusal
from verification.selectors import verification_requests_for

from .idempotency import once
from .problems import PROBLEM_RESPONSES


class DepartmentRequestSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DepartmentRequest
        fields = [
            "id",
            "department",
            "state",
            "needed",
            "external_reference",
            "created_at",
            "acknowledged_at",
            "answered_at",
            "answer",
            "closed_at",
        ]
        read_only_fields = fields


class VerificationRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField(source="action.name")
    risk_level = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class VerificationStatusSerializer(serializers.Serializer):
    verified_level = serializers.CharField(help_text="Empty when not verified.")
    verified_at = serializers.DateTimeField(allow_null=True)
    requests = VerificationRequestSerializer(many=True)


def bind(form_class, data, **kwargs):
    """The desk's form bound to JSON as a person would fill it: a field left out takes the
    value the desk pre-fills (e.g. the category's department), and a record chosen from a
    list may be named by its code (`"department": "billing"`) instead of its id."""
    shown = form_class(**kwargs)
    filled = dict(data)
    for name, field in shown.fields.items():
        initial = shown.get_initial_for_field(field, name)
        if name not in filled and initial not in (None, ""):
            filled[name] = getattr(initial, "pk", initial)
        queryset = getattr(field, "queryset", None)
        value = filled.get(name)
        if queryset is not None and isinstance(value, str) and not value.isdigit():
            if any(f.name == "code" for f in queryset.model._meta.fields):
                found = queryset.filter(code=value).first()
                filled[name] = found.pk if found else value
    return form_class(filled, **kwargs)


def form_errors(form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


class CaseworkActions:
    """Mixed into the ticket view set: `/tickets/{ref}/department-requests/...` and
    `/tickets/{ref}/verification/`."""

    get_object: Callable[[], Ticket]  # the view set's: a ticket this account may see

    @extend_schema(
        operation_id="tickets_department_requests",
        responses={200: DepartmentRequestSerializer(many=True), **PROBLEM_RESPONSES},
    )
    @action(detail=True, methods=["get"], url_path="department-requests", pagination_class=None)
    def department_requests(self, request, reference=None):
        """The ticket's requests to departments, newest first (open one with the
        `request_department` action)."""
        ticket = self.get_object()
        asked = ticket.department_requests.select_related("department").order_by("-pk")[:50]
        return Response(DepartmentRequestSerializer(asked, many=True).data)

    @extend_schema(
        operation_id="tickets_department_request_step",
        request=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("request_id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter(
                "step", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(REQUEST_STEPS)
            ),
        ],
        responses={200: DepartmentRequestSerializer, **PROBLEM_RESPONSES},
        description="Record a department's step: acknowledge (external_reference), answer "
        "(answer), close, or cancel (reason), as on the desk.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"department-requests/(?P<request_id>[0-9]{1,12})/(?P<step>[a-z]{1,20})",
    )
    def department_request_step(self, request, reference=None, request_id=None, step=None):
        spec = REQUEST_STEPS.get(step or "")
        if spec is None:
            raise NotFound(f"No department-request step is called {step!r}.")
        return once(request, lambda: self._request_step(request, int(request_id), spec, step))

    def _request_step(self, request, request_id: int, spec, step: str) -> Response:
        ticket = self.get_object()
        asked = get_object_or_404(
            ticket.department_requests.select_related("department", "ticket"), pk=request_id
        )
        refused = department_request_refusal(asked, request.user, step)
        if refused:
            raise PermissionRefused(refused)
        if not isinstance(request.data, dict):
            raise InvalidInput("Send a JSON object with the step's fields.")
        form = bind(spec.form_class, request.data)
        if not form.is_valid():
            raise InvalidInput(
                "Some fields are missing or wrong; nothing was changed.",
                field_errors=form_errors(form),
            )
        spec.service(request=asked, actor=request.user, **form.cleaned_data)
        asked.refresh_from_db()
        return Response(DepartmentRequestSerializer(asked).data)

    @extend_schema(
        operation_id="tickets_verification",
        responses={200: VerificationStatusSerializer, **PROBLEM_RESPONSES},
    )
    @action(detail=True, methods=["get"])
    def verification(self, request, reference=None):
        """Whether the ticket's customer is verified, and the recent requests' states."""
        customer = self.get_object().customer
        return Response(
            VerificationStatusSerializer(
                {
                    "verified_level": customer.identity_verified_level or "",
                    "verified_at": customer.identity_verified_at,
                    "requests": list(verification_requests_for(customer)[:10]),
                }
            ).data
        )
