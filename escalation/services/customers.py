"""Writes on customer records: what verifications and automatic rules learn about them.

Kept apart from tickets because a customer outlives each ticket, and every write of
theirs must land in the customer's own history (003 "Document verification results").
"""

from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from core.history import save_audited
from verification.models import USABLE_STATES, VerificationRequest, VerificationState

from ..models import Customer


@transaction.atomic
def customer_document_verification(
    *, request: VerificationRequest, actor: Actor
) -> Customer | None:
    """Write a verification's outcome on the customer's record, so it shows in its history."""
    customer = Customer.objects.select_for_update().filter(pk=request.subject_id).first()
    if customer is None:
        return None
    reason = (
        f"identity {request.get_state_display().lower()}: {request.risk_level} risk, "
        f"verification #{request.pk} ({request.action.name})"
    )
    fields: list[str] | None = None
    if request.state in USABLE_STATES:
        customer.identity_verified_level = request.risk_level
        customer.identity_verified_at = timezone.now()
        fields = ["identity_verified_level", "identity_verified_at"]
    elif request.state not in (VerificationState.LOCKED, VerificationState.REJECTED):
        return customer  # expiry of an unused request changes nothing on the record
    save_audited(customer, actor=actor, reason=reason, update_fields=fields)
    return customer


def customer_mark_churn_risk(*, customer_id: int, actor: Actor, reason: str) -> bool:
    """003 Churn Risk: flag the customer once, with the reason; False when already flagged.
    Caller holds a transaction."""
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if customer.churn_risk:
        return False
    customer.churn_risk, customer.churn_risk_reason = True, reason[:300]
    save_audited(
        customer,
        actor=actor,
        reason=f"churn risk: {reason}",
        update_fields=["churn_risk", "churn_risk_reason"],
    )
    return True
