"""Every write of identity verification: start, record a factor, approve, reject, expire, use.

Each locks the request, runs the FSM transition, records who and why in the history,
and sends notifications through the outbox only after commit.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from core.actors import Actor, system_user
from core.choices import RiskLevel
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited
from outbox.services import outbox_enqueue
from sla import services as sla

from .alerts import department_address
from .models import (
    RISK_ORDER,
    USABLE_STATES,
    CheckMethod,
    FactorCheck,
    FactorKind,
    SensitiveAction,
    SensitiveActionRecord,
    VerificationRequest,
    VerificationState,
)
from .rules import RULES, MethodDoesNotFit, is_satisfied, method_refusal
from .signals import verification_decided

EXPIRE_TIMER = "verification.expire"
CHANGED_MEANWHILE = "This verification changed meanwhile; reload and try again."


def _lock(request: VerificationRequest) -> VerificationRequest:
    return (
        VerificationRequest.objects.select_for_update().select_related("action").get(pk=request.pk)
    )


def _save_transition(request: VerificationRequest, actor: Actor, reason: str) -> None:
    """Save the state a transition set; a writer that moved the request first is refused."""
    save_audited(
        request, actor=actor, reason=reason, update_fields=["state"], conflict=CHANGED_MEANWHILE
    )


def _alert(department_code: str, event: str, subject: str, body: str) -> None:
    address = department_address(department_code)
    if address:
        outbox_enqueue(event_key=event, recipient=address, subject=subject, body=body)


def _expire_if_due(request: VerificationRequest, now: datetime) -> bool:
    if now >= request.expires_at and can_proceed(request.expire):
        request.expire()
        _save_transition(request, system_user(), "expire: validity window ended")
        verification_decided.send(VerificationRequest, request=request, actor=None)
        return True
    return False


@transaction.atomic
def verification_start(
    *, subject: models.Model, action: SensitiveAction, actor: Actor, ticket_id: int | None = None
) -> VerificationRequest:
    """Open a request for `subject` (a customer) before `action`; it expires after the window."""
    if not actor.has_perm("verification.add_verificationrequest"):
        raise PermissionRefused("You may not start identity verifications.")
    if action is None or not action.is_active:
        raise InvalidInput(
            "Choose the sensitive action the customer asked for.",
            field_errors={"action": ["Choose an active action."]},
        )
    request = VerificationRequest(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        ticket_id=ticket_id,
        action=action,
        risk_level=action.risk_level,
        requested_by=actor,
    )
    save_audited(request, actor=actor, reason=f"start: {action.code} ({action.risk_level} risk)")
    sla.timer_set(subject=request, kind=EXPIRE_TIMER, due_at=request.expires_at)
    return request


@transaction.atomic
def verification_record_factor(
    *, request: VerificationRequest, actor: Actor, kind: str, matched: bool, method: str
) -> VerificationRequest:
    """Record one checked factor. Enough matches verify (or ask approval for high risk);
    too many failures lock the request and alert security (possible account takeover).

    Refuses (InvalidInput, writing nothing) a factor this risk level does not accept, and
    (MethodDoesNotFit) a method that cannot prove the factor, e.g. an email code for a
    photo ID: otherwise a factor would count as checked without having been.
    """
    request = _lock(request)
    if not actor.has_perm("verification.change_verificationrequest"):
        raise PermissionRefused("You may not record verification factors.")
    if _expire_if_due(request, timezone.now()):
        return request
    if request.state != VerificationState.COLLECTING:
        raise TransitionRefused(
            f"This verification is {request.get_state_display().lower()}: no more factors."
        )
    rule = RULES[RiskLevel(request.risk_level)]
    errors = {}
    if kind not in FactorKind.values:
        errors["kind"] = ["Choose a factor from the list."]
    elif kind not in rule.accepted:
        errors["kind"] = [
            f"{FactorKind(kind).label} does not count for "
            f"{request.risk_level}-risk requests: verify {rule.describe()}."
        ]
    if method not in CheckMethod.values:
        errors["method"] = ["Choose how the factor was checked."]
    if errors:
        raise InvalidInput(" ".join(m for ms in errors.values() for m in ms), field_errors=errors)
    unfit = method_refusal(kind, method)
    if unfit:
        raise MethodDoesNotFit(unfit, field_errors={"method": [unfit]})
    matched_kinds = set(request.factors.filter(matched=True).values_list("kind", flat=True))
    if matched and kind in matched_kinds:
        raise InvalidInput(
            f"{FactorKind(kind).label} already matched; check another factor.",
            field_errors={"kind": ["Already matched."]},
        )
    check = FactorCheck(
        request=request, kind=kind, matched=matched, method=method, checked_by=actor
    )
    save_audited(check, actor=actor)
    label = f"{FactorKind(kind).label} {'matched' if matched else 'failed'}"
    failed = request.factors.filter(matched=False).count()
    if not matched and failed >= settings.VERIFICATION_MAX_FAILED_FACTORS:
        request.lock()
        _save_transition(request, actor, f"lock: {failed} failed factors")
        _alert(
            "security",
            f"verification:{request.pk}:locked",
            f"Possible account takeover: verification #{request.pk} locked",
            f"{failed} identity factors failed on verification #{request.pk} "
            f"({request.action.name}). The request is locked; review the account.",
        )
        verification_decided.send(VerificationRequest, request=request, actor=actor)
        return request
    if matched:
        matched_kinds.add(kind)
    if is_satisfied(request.risk_level, matched_kinds):
        if rule.approval:
            request.ask_approval()
            _save_transition(request, actor, f"ask_approval: {label}")
            _alert(
                "identity-verification",
                f"verification:{request.pk}:approval",
                f"Approval needed: verification #{request.pk} ({request.action.name})",
                f"High-risk request '{request.action.name}' has all factors verified and "
                "waits for management approval in the admin approval queue.",
            )
        else:
            request.verify()
            _save_transition(request, actor, f"verify: {label}")
            verification_decided.send(VerificationRequest, request=request, actor=actor)
    return request


def _decide(
    request: VerificationRequest, actor: Actor, method: str, reason: str
) -> VerificationRequest:
    request = _lock(request)
    if _expire_if_due(request, timezone.now()):
        raise TransitionRefused("This verification expired before a decision.")
    transition = getattr(request, method)
    if not can_proceed(transition):
        raise TransitionRefused(
            f"This verification is {request.get_state_display().lower()}: it cannot be {method}d."
        )
    if not has_transition_perm(transition, actor):
        raise PermissionRefused("Only leads with the approval permission decide verifications.")
    if actor.pk == request.requested_by_id:
        raise PermissionRefused("Four eyes: someone other than the requester must decide.")
    transition()
    request.decided_by, request.decided_at = actor, timezone.now()
    request.decision_reason = reason[:300]
    save_audited(
        request,
        actor=actor,
        reason=f"{method}: {reason}",
        update_fields=["state", "decided_by", "decided_at", "decision_reason"],
        conflict=CHANGED_MEANWHILE,
    )
    verification_decided.send(VerificationRequest, request=request, actor=actor)
    return request


@transaction.atomic
def verification_approve(
    *, request: VerificationRequest, actor: Actor, reason: str = ""
) -> VerificationRequest:
    """A lead (never the requester) approves a high-risk request."""
    return _decide(request, actor, "approve", reason.strip() or "approved")


@transaction.atomic
def verification_reject(
    *, request: VerificationRequest, actor: Actor, reason: str
) -> VerificationRequest:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "Say why the request is rejected.", field_errors={"reason": ["A reason is required."]}
        )
    return _decide(request, actor, "reject", reason)


@transaction.atomic
def verification_expire(*, request: VerificationRequest) -> VerificationRequest:
    """The validity window ended (the timer's handler)."""
    request = _lock(request)
    _expire_if_due(request, timezone.now())
    return request


def valid_verification(
    subject: models.Model, level: str, at: datetime | None = None
) -> VerificationRequest | None:
    """The newest usable request for `subject` of at least `level`, or None."""
    at = at or timezone.now()
    levels = [lvl for lvl, rank in RISK_ORDER.items() if rank >= RISK_ORDER[RiskLevel(level)]]
    return (
        VerificationRequest.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            state__in=USABLE_STATES,
            risk_level__in=levels,
            expires_at__gt=at,
        )
        .order_by("-created_at")
        .first()
    )


def missing_verification(subject: models.Model, level: str) -> str | None:
    """Why `subject` cannot yet do something needing `level`, or None if it can."""
    if level == RiskLevel.NONE or valid_verification(subject, level):
        return None
    return (
        f"Verify the customer's identity first: this needs a {level}-risk verification "
        f"({RULES[RiskLevel(level)].describe()}); none is valid for this customer."
    )


@transaction.atomic
def sensitive_action_record(
    *, subject: models.Model, action: SensitiveAction, actor: Actor
) -> SensitiveActionRecord:
    """Record that a sensitive action was done: only with a valid verification of its level."""
    if not actor.has_perm("verification.add_sensitiveactionrecord"):
        raise PermissionRefused("You may not record sensitive actions.")
    missing = missing_verification(subject, action.risk_level)
    if missing:
        raise InvalidInput(f"{action.name} cannot be recorded as done. {missing}")
    request = valid_verification(subject, action.risk_level)
    record = SensitiveActionRecord(request=request, action=action, done_by=actor)
    save_audited(
        record, actor=actor, reason=f"done: {action.code} under verification #{record.request_id}"
    )
    return record
