"""`Idempotency-Key` on writes: a retried request (within a day) gets the first answer,
not a second ticket or a second hand-off. The key, a fingerprint of the request and the answer are
stored in the same transaction as the write, so either both exist or neither does."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import ConcurrentChange, InvalidInput

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
# How long a key answers retries. Older keys are forgotten (`api.tasks`), and a key that
# comes back after that is a new request.
KEEP = timedelta(hours=24)


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def once(request: Request, write: Callable[[], Response]) -> Response:
    """Run `write` once per key and account; replay its answer for the same request.

    A replay is given only after the view's permission checks ran again for this request,
    so an account whose role no longer writes (or whose token was revoked) gets 403/401,
    not the stored answer. The answer itself is the one this account already received."""
    key = request.headers.get(HEADER, "")
    if not key:
        return write()
    if len(key) > 200 or not key.isprintable():
        raise InvalidInput(
            f"{HEADER} must be printable and at most 200 characters.",
            field_errors={HEADER: ["Use a UUID or another printable key up to 200 characters."]},
        )
    fingerprint = _fingerprint(request)
    IdempotentRequest.objects.filter(
        account=request.user, key=key, created_at__lt=timezone.now() - KEEP
    ).delete()
    seen = IdempotentRequest.objects.filter(account=request.user, key=key).first()
    if seen is not None:
        if seen.fingerprint != fingerprint:
            raise InvalidInput(
                f"This {HEADER} was used for a different request; use a new key.",
                field_errors={HEADER: ["Already used for a different request."]},
            )
        replay = Response(seen.body, status=seen.status)
        replay["Idempotent-Replayed"] = "true"
        return replay
    with transaction.atomic():
        response = write()
        if response.status_code < status.HTTP_400_BAD_REQUEST:
            try:
                with transaction.atomic():
                    IdempotentRequest.objects.create(
                        account=request.user,
                        key=key,
                        fingerprint=fingerprint,
                        status=response.status_code,
                        body=response.data,
                    )
            except IntegrityError as exc:  # the same key committed meanwhile: undo ours
                raise ConcurrentChange(
                    f"Another request with this {HEADER} ran at the same time; retry it."
                ) from exc
    return response
