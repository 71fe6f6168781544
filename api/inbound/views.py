"""`POST /api/v1/inbound/<slug>/`: where a helpdesk source delivers its webhooks.

No session, CSRF or token: the source's signature (or shared secret) over the exact
bytes received is the authentication, so the body is read raw and parsed only after it
is verified. Every answer other than success is problem details (api.problems), and no
input, however broken, is a 500: junk is a 422 naming the bad fields.
"""

from django.core.exceptions import RequestDataTooBig
from django.http.request import RawPostDataException
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import DeliveryOutcome, HelpdeskKind, HelpdeskSource
from ..problems import PROBLEM, PROBLEM_RESPONSES, problem
from .payloads import read
from .reading import PayloadRejected, parse_object
from .services import delivery_key, delivery_reject, inbound_receive
from .verify import refusal

MAX_BODY = 1024 * 1024  # Zendesk caps webhook bodies at 256 KB; nobody needs more than 1 MB


def _printable(value: str) -> str:
    return "".join(c for c in value if c.isprintable())[:200]


def _sender_id(source: HelpdeskSource, headers, data: dict | None) -> str:
    """The id the sender gives this delivery (kept in the log, and the retry key)."""
    if source.kind == HelpdeskKind.GENERIC:
        return _printable(headers.get("webhook-id", ""))
    if source.kind == HelpdeskKind.ZENDESK:
        event_id = data.get("id") if data and "detail" in data else None
        if isinstance(event_id, str | int) and not isinstance(event_id, bool):
            return _printable(f"event {event_id}")
        return _printable(headers.get("X-Zendesk-Webhook-Invocation-Id", ""))
    return ""  # Freshdesk sends none: its retries are recognised by their body


class InboundView(APIView):
    """Tickets and customer messages from one configured helpdesk source."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes: list = []  # read raw: the signature covers the exact bytes

    @extend_schema(
        operation_id="inbound_receive",
        auth=[],
        request=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={
            200: OpenApiTypes.OBJECT,
            201: OpenApiTypes.OBJECT,
            **PROBLEM_RESPONSES,
            (413, PROBLEM): {"type": "object", "additionalProperties": True},
        },
        description=(
            "A webhook from a helpdesk source (Zendesk, Freshdesk or generic JSON signed "
            "with Standard Webhooks): opens or updates the ticket and its customer, and "
            "appends the customer's message once. A retry of a delivery is answered 200 "
            "with outcome `duplicate`; a refusal by the rules 200 with outcome `refused`."
        ),
    )
    def post(self, request, slug: str):
        source = (
            HelpdeskSource.objects.select_related("account", "default_category", "default_owner")
            .filter(slug=slug, is_active=True)
            .first()
        )
        if source is None:
            raise NotFound("No active helpdesk source has this address.")
        body = self._body(request)
        if isinstance(body, Response):
            return body
        headers = request.headers
        refused = refusal(source, headers, body)
        if refused:
            delivery_reject(
                source=source, external_id=_sender_id(source, headers, None), detail=refused
            )
            return problem(
                status.HTTP_401_UNAUTHORIZED, "bad-signature", "Signature refused", refused
            )
        data: dict | None = None
        try:
            data = parse_object(body)
            external_id = _sender_id(source, headers, data)
            incoming = read(source.kind, data)
            delivery = inbound_receive(
                source=source,
                incoming=incoming,
                key=delivery_key(external_id, body),
                external_id=external_id,
            )
        except PayloadRejected as exc:
            delivery_reject(
                source=source, external_id=_sender_id(source, headers, data), detail=exc.message
            )
            return problem(
                status.HTTP_422_UNPROCESSABLE_ENTITY,
                "invalid-input",
                "Invalid input",
                exc.message,
                exc.field_errors or None,
            )
        created = delivery.outcome == DeliveryOutcome.CREATED
        return Response(
            {
                "outcome": delivery.outcome,
                "detail": delivery.detail,
                "ticket": delivery.ticket.reference if delivery.ticket else None,
                "delivery": delivery.pk,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @staticmethod
    def _body(request) -> bytes | Response:
        too_big = problem(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            "too-large",
            "Payload too large",
            f"Send at most {MAX_BODY // 1024} KB.",
        )
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
                return too_big
            body = request.body
        except ValueError:
            return problem(400, "parse-error", "Malformed request", "Bad Content-Length.")
        except RequestDataTooBig:
            return too_big
        except RawPostDataException:  # a form or multipart body, already parsed away
            return problem(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "Send the webhook as application/json.",
            )
        return too_big if len(body) > MAX_BODY else body
