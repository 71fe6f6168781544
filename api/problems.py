"""Every error as RFC 9457 problem details: `application/problem+json` with a type, a
title, the status, a detail a person can act on and, for bad input, the errors by field.

Domain refusals (`core.errors`) keep their own words, the same the desk shows: a refused
transition is a 409, a role that may not act a 403, bad input a 422. Nothing has changed
when any of them is returned.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import (
    ApplicationError,
    ConcurrentChange,
    InvalidInput,
    PermissionRefused,
    TransitionRefused,
)

PROBLEM = "application/problem+json"
# What the schema says every operation may answer besides success (for OpenAPI and
# schemathesis): a problem details object.
PROBLEM_RESPONSES = {
    (code, PROBLEM): {"type": "object", "additionalProperties": True}
    for code in (400, 401, 403, 404, 409, 422, 429)
}
BASE = "https://escalation.invalid/problems/"

_DOMAIN = [
    (InvalidInput, status.HTTP_422_UNPROCESSABLE_ENTITY, "invalid-input", "Invalid input"),
    (PermissionRefused, status.HTTP_403_FORBIDDEN, "forbidden", "Not allowed"),
    (TransitionRefused, status.HTTP_409_CONFLICT, "conflict", "Not possible now"),
    (ConcurrentChange, status.HTTP_409_CONFLICT, "conflict", "Changed meanwhile"),
    (ApplicationError, status.HTTP_409_CONFLICT, "refused", "Refused"),
]


TITLES = {
    "not_authenticated": "Not signed in",
    "authentication_failed": "Token refused",
    "permission_denied": "Not allowed",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "throttled": "Too many requests",
    "parse_error": "Malformed request",
    "unsupported_media_type": "Unsupported media type",
    "not_acceptable": "Not acceptable",
}


def problem(
    status_code: int, kind: str, title: str, detail: str, errors: dict | None = None
) -> Response:
    body: dict = {"type": BASE + kind, "title": title, "status": status_code, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM)


def _field_errors(data) -> dict[str, list[str]]:
    """DRF's nested error data as {"field": ["message", ...]} ("a.b" for nested fields)."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not isinstance(value[0], str | bytes):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            items = value if isinstance(value, list) else [value]
            flat.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in items)

    walk("", data)
    return flat


def handle(exc, context):
    """DRF's exception handler, answering in problem details."""
    for cls, code, kind, title in _DOMAIN:
        if isinstance(exc, cls):
            return problem(code, kind, title, exc.message, exc.field_errors or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("No such record, or it is not visible to this account.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            "invalid-input",
            "Invalid input",
            "Some fields are missing or wrong; nothing was changed.",
            _field_errors(exc.detail),
        )
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    out = problem(
        response.status_code, code.replace("_", "-"), TITLES.get(code, "Error"), str(detail)
    )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            out[header] = response[header]
    return out
