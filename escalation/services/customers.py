"""Writes on customer records: what verifications and automatic rules learn about them.

Kept apart from tickets because a customer outlives each ticket, and every write of
theirs must land in the customer's own history (003 "Document verification results").
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from core.errors import InvalidInput, PermissionRefused
from core.history import save_audited
from core.validators import validate_single_line
from verification.models import USABLE_STATES, VerificationRequest, VerificationState

from ..models import Customer

ADD_CUSTOMERS = "escalation.add_customer"


def _customer_errors(email: str, name: str, company: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter the customer's email address."]
    for field, value, required in (("name", name, True), ("company", company, False)):
        if required and not value:
            errors[field] = ["Enter the customer's name."]
        try:
            validate_single_line(value)
        except ValidationError as exc:
            errors[field] = list(exc.messages)
    return errors


@transaction.atomic
def customer_find_or_create(
    *, actor: Actor, email: str, name: str = "", company: str = "", external_user_id: str = ""
) -> Customer:
    """The customer with this external user ID (else this email), or a new one; a new
    customer needs a name. Existing records are not overwritten from here."""
    email, name, company = (email or "").strip(), (name or "").strip(), (company or "").strip()
    external_user_id = (external_user_id or "").strip()[:100]
    match = Customer.objects.select_for_update()
    found = (
        match.filter(external_user_id=external_user_id).first() if external_user_id else None
    ) or match.filter(email__iexact=email).order_by("pk").first()
    if found is not None:
        return found
    if not actor.has_perm(ADD_CUSTOMERS):
        raise PermissionRefused("Your role may not add customers.")
    errors = _customer_errors(email, name, company)
    if errors:
        raise InvalidInput(" ".join(m for ms in errors.values() for m in ms), field_errors=errors)
    customer = Customer(
        email=email, name=name[:200], company=company[:200], external_user_id=external_user_id
    )
    save_audited(customer, actor=actor, reason="create")
    return customer


CHANGE_CUSTOMERS = "escalation.change_customer"


@transaction.atomic
def customer_update_from_helpdesk(
    *,
    customer: Customer,
    actor: Actor,
    name: str = "",
    company: str = "",
    external_user_id: str = "",
) -> Customer:
    """Keep a customer's name and company as the upstream helpdesk now has them, and link
    its user ID to a record found by email. Blank values change nothing (a helpdesk
    placeholder can render empty); an external user ID already on another customer is left
    alone. One history row, by the integration's account, when anything changed.
    Raises PermissionRefused without the change-customer permission, InvalidInput for a
    name or company on several lines."""
    if not actor.has_perm(CHANGE_CUSTOMERS):
        raise PermissionRefused("Your role may not change customers.")
    name, company = (name or "").strip()[:200], (company or "").strip()[:200]
    external_user_id = (external_user_id or "").strip()[:100]
    errors = _customer_errors(customer.email, name or "-", company)
    errors.pop("email", None)  # the address is not changed here
    if errors:
        raise InvalidInput(" ".join(m for ms in errors.values() for m in ms), field_errors=errors)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    changes = {}
    if name and name != locked.name:
        changes["name"] = name
    if company and company != locked.company:
        changes["company"] = company
    if (
        external_user_id
        and not locked.external_user_id
        and not Customer.objects.filter(external_user_id=external_user_id).exists()
    ):
        changes["external_user_id"] = external_user_id
    if not changes:
        return locked
    for field, value in changes.items():
        setattr(locked, field, value)
    reason = "updated from the helpdesk: " + ", ".join(sorted(changes))
    save_audited(locked, actor=actor, reason=reason, update_fields=list(changes))
    return locked


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
