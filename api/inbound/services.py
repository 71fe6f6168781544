"""Applying a helpdesk's delivery: find or open the ticket and its customer, carry over
changes, append the customer's message; and the delivery log that drops retries.

Everything runs as the source's service account, through the escalation services, so a
webhook is refused exactly where that account would be and the history names it. Two
kinds of "no": a payload we cannot use (PayloadRejected: 422, nothing changed, logged as
rejected) and a service's refusal (a closed ticket, an edit only the owner may make):
logged as refused and answered 200 with the reason, because the helpdesk would retry a
4xx/5xx for a day and get the same answer. Each step runs in its own savepoint, so a
refused edit does not lose the customer's message that came with it.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from escalation.models import Category, Customer, Direction, Ticket
from escalation.policies import opened_by
from escalation.selectors import support_staff
from escalation.services import communication_log, customer_find_or_create, ticket_create
from escalation.services import ticket_update as ticket_edit
from escalation.services.customers import customer_update_from_helpdesk

from ..models import DeliveryOutcome, HelpdeskSource, InboundDelivery
from .reading import Incoming, PayloadRejected, Person


def delivery_key(delivery_id: str, body: bytes, now: datetime | None = None) -> str:
    """What identifies a delivery and its retries: the sender's id, else the body within
    the hour (Freshdesk sends no id). Its retries come within minutes; a customer who
    writes the same words again later ("Any update?") is a new message, not a retry."""
    if delivery_id:
        return hashlib.sha256(delivery_id.encode()).hexdigest()
    hour = (now or timezone.now()).strftime("%Y%m%d%H")
    return hashlib.sha256(hour.encode() + b"\n" + body).hexdigest()


def delivery_reject(*, source: HelpdeskSource, external_id: str, detail: str) -> InboundDelivery:
    """Log a call that was not processed (bad signature, unusable payload). No delivery
    key: the corrected retry must still go through."""
    return InboundDelivery.objects.create(
        source=source,
        external_id=external_id[:200],
        outcome=DeliveryOutcome.REJECTED,
        detail=detail[:500],
    )


@dataclass
class _Run:
    """What one delivery did and what the services refused, for its log row."""

    done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def attempt(self, what: str, call: Callable[[], Any]) -> Any:
        """`call()` in a savepoint; a service's refusal is noted and None returned."""
        try:
            with transaction.atomic():
                return call()
        except PayloadRejected:
            raise
        except ApplicationError as exc:
            self.refused.append(f"{what} refused: {exc.message}")
            return None


def inbound_receive(
    *, source: HelpdeskSource, incoming: Incoming, key: str, external_id: str
) -> InboundDelivery:
    """Apply one verified delivery once; a retry (same key) is logged as a duplicate.

    Raises PayloadRejected (nothing changed) for a payload that names an unknown category,
    a customer we cannot identify, or a ticket we do not have and cannot open from it.
    """
    with transaction.atomic():
        # One delivery of a source at a time: two calls about a new ticket open one ticket.
        HelpdeskSource.objects.select_for_update().filter(pk=source.pk).first()
        try:
            with transaction.atomic():
                delivery = InboundDelivery.objects.create(
                    source=source,
                    delivery_key=key,
                    external_id=external_id[:200],
                    outcome=DeliveryOutcome.UNCHANGED,
                )
        except IntegrityError:
            first = InboundDelivery.objects.filter(source=source, delivery_key=key).first()
            return InboundDelivery.objects.create(
                source=source,
                external_id=external_id[:200],
                outcome=DeliveryOutcome.DUPLICATE,
                detail=f"Already received (delivery #{first.pk if first else '?'}).",
                ticket=first.ticket if first else None,
            )
        run = _Run()
        ticket = _apply(source, incoming, run)
        delivery.ticket = ticket
        delivery.outcome, delivery.detail = _outcome(run, incoming)
        delivery.save(update_fields=["ticket", "outcome", "detail"])
    return delivery


def _outcome(run: _Run, incoming: Incoming) -> tuple[str, str]:
    detail = "; ".join(run.done + run.refused) or incoming.skipped or "nothing changed"
    if incoming.skipped and run.done:
        detail += f"; {incoming.skipped}"
    if run.refused:
        return DeliveryOutcome.REFUSED, detail[:500]
    for word, outcome in (
        ("ticket created", DeliveryOutcome.CREATED),
        ("message appended", DeliveryOutcome.MESSAGE),
    ):
        if word in run.done:
            return outcome, detail[:500]
    return (DeliveryOutcome.UPDATED if run.done else DeliveryOutcome.UNCHANGED), detail[:500]


def _apply(source: HelpdeskSource, incoming: Incoming, run: _Run) -> Ticket | None:
    account = source.account
    reference = f"{source.kind}:{incoming.ticket_id}"
    ticket = (
        Ticket.objects.filter(opened_by(account), external_reference=reference)
        .select_related("customer")
        .order_by("pk")
        .first()
    )
    created = ticket is None
    if ticket is None:
        if not incoming.creates:
            raise PayloadRejected(
                f"Ticket {incoming.ticket_id} was never received here; send its creation "
                "first (or use the trigger body from our README, which creates it).",
                field_errors={"ticket.id": ["Unknown ticket."]},
            )
        ticket = _open(source, incoming, reference, run)
        if ticket is None:
            return None
    else:
        _customer(source, incoming.person, run, required=False)
        _carry_over(ticket, incoming, account, run)
    _append(ticket, incoming, account, run, created=created)
    return ticket


def _customer(source: HelpdeskSource, person: Person, run: _Run, *, required: bool):
    """Find (or add, with an email) the customer and bring their name and company up to
    date; external user ID "<kind>-<source id>:<requester id>" first, else the email.
    The source's id is in it because two sources of a kind (two Zendesk accounts) number
    their users independently: user 42 of one is not user 42 of the other."""
    account = source.account
    external = f"{source.kind}-{source.pk}:{person.external_id}" if person.external_id else ""
    if not person.email:
        found = Customer.objects.filter(external_user_id=external).first() if external else None
        if found is None and required:
            raise PayloadRejected(
                "This payload names the customer only by id, and no customer here has it: "
                "send their email so they can be added. From Zendesk, use the trigger body "
                "from our README (it carries {{ticket.requester.email}}).",
                field_errors={"requester": ["Unknown requester; send their email."]},
            )
    else:
        found = run.attempt(
            "adding the customer",
            lambda: customer_find_or_create(
                actor=account,
                email=person.email,
                name=person.name or person.email,
                company=person.company,
                external_user_id=external,
            ),
        )
    if found is None:
        return None
    before = (found.name, found.company, found.external_user_id)
    updated = run.attempt(
        "updating the customer",
        lambda: customer_update_from_helpdesk(
            customer=found,
            actor=account,
            name=person.name,
            company=person.company,
            external_user_id=external,
        ),
    )
    if updated is not None and (updated.name, updated.company, updated.external_user_id) != before:
        run.done.append("customer updated")
    return updated or found


def _open(source: HelpdeskSource, incoming: Incoming, reference: str, run: _Run):
    category: Category | None = source.default_category
    if incoming.category:
        category = Category.objects.filter(code=incoming.category, is_active=True).first()
        if category is None:
            raise PayloadRejected(
                f"No active category has the code {incoming.category!r}.",
                field_errors={"category": ["Unknown category code."]},
            )
    customer = _customer(source, incoming.person, run, required=incoming.requires_known_customer)
    if customer is None:
        return None
    owner = None
    if incoming.assignee_email:
        owner = support_staff().filter(email__iexact=incoming.assignee_email).first()
    ticket = run.attempt(
        "opening the ticket",
        lambda: ticket_create(
            actor=source.account,
            customer=customer,
            category=category,
            subject=incoming.subject or f"{source.name} ticket {incoming.ticket_id}",
            description=incoming.description,
            priority=incoming.priority,
            external_reference=reference,
            owner=owner or source.default_owner,
        ),
    )
    if ticket is not None:
        run.done.append("ticket created")
    return ticket


def _carry_over(ticket: Ticket, incoming: Incoming, account, run: _Run) -> None:
    """Subject and priority as the helpdesk now has them (its agents change them there)."""
    changes: dict[str, str] = {}
    if incoming.subject and incoming.subject != ticket.subject:
        changes["subject"] = incoming.subject
    if incoming.priority and incoming.priority != ticket.priority:
        changes["priority"] = incoming.priority
    if not changes:
        return
    what = "changing the " + " and ".join(sorted(changes))
    if run.attempt(what, lambda: ticket_edit(ticket=ticket, actor=account, changes=changes)):
        run.done.append(", ".join(sorted(changes)) + " updated")


def _append(ticket: Ticket, incoming: Incoming, account, run: _Run, *, created: bool) -> None:
    """The customer's message, unless it is the opening message (the description: a
    trigger on ticket creation and the first comment event both carry it)."""
    body = incoming.message
    if not body or incoming.skipped:
        return
    opening = " ".join(ticket.description.split())
    said = " ".join(body.split())
    if said == opening or (created and opening and (opening in said or said in opening)):
        return
    logged = run.attempt(
        "appending the message",
        lambda: communication_log(
            ticket=ticket,
            actor=account,
            direction=Direction.INBOUND,
            channel=incoming.channel,
            body=body,
        ),
    )
    if logged is not None:
        run.done.append("message appended")
