"""Writes of the inbox: file an email as it arrives, and a lead's review of a held one.

An email lands on its ticket as the customer's message (escalation's `communication_log`,
inbound, by email), so it counts toward the 3+ contacts rule and resumes a ticket that
waits on the customer, exactly as a message an agent records. Anything the inbox cannot
place with confidence is held for a lead, never dropped.
"""

from anymail.inbound import AnymailInboundMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from core.actors import Actor, system_user
from core.errors import ApplicationError, InvalidInput, PermissionRefused, TransitionRefused
from core.history import save_audited
from escalation.models import Channel, Communication, Direction, Ticket, TicketState
from escalation.services.communications import communication_log

from .models import InboundEmail
from .parsing import ReadEmail, clean, read

Reason = InboundEmail.Reason


def _hold_reason(email: ReadEmail, ticket: Ticket | None) -> tuple[str, str] | None:
    """Why this email cannot go on a ticket by itself (reason, detail), or None."""
    if email.spam:
        return Reason.SPAM, ""
    if email.automatic:
        return Reason.AUTOMATIC, ""
    if ticket is None:
        return Reason.NO_TICKET, ""
    customer = (ticket.customer.email or "").strip().lower()
    if not customer or email.sender.lower() != customer:
        return Reason.WRONG_SENDER, f"{ticket.reference} belongs to {customer or '(no email)'}"
    if ticket.state in (TicketState.CLOSED, TicketState.CANCELLED):
        return Reason.TICKET_CLOSED, f"{ticket.reference} is {ticket.get_state_display().lower()}"
    if not email.text.strip():
        return Reason.NO_TEXT, ""
    return None


def inbound_email_receive(
    message: AnymailInboundMessage, *, esp_name: str = ""
) -> InboundEmail | None:
    """File one email from the provider's inbound webhook; None when it is a retry of one
    already filed (same Message-ID, or the same content when it has none).

    From the ticket's customer, naming a ticket that can take a message (its reply
    address, else our ids in In-Reply-To / References): recorded on the ticket as their
    message, quoted text stripped, by the inbound email account. Otherwise (no ticket,
    another sender, a closed ticket, an automatic reply, spam, no text, a refusal by the
    ticket's rules) the email is held for review with the reason. Never raises for what
    the email contains; a database failure raises, so the provider retries.
    """
    email = read(message)
    if InboundEmail.objects.filter(dedupe_key=email.dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return _file(email, esp_name)
    except IntegrityError:
        if InboundEmail.objects.filter(dedupe_key=email.dedupe_key).exists():
            return None  # a concurrent retry filed it first; ours rolled back entirely
        raise


def _file(email: ReadEmail, esp_name: str) -> InboundEmail:
    ticket = None
    if email.ticket_id is not None:
        ticket = Ticket.objects.select_related("customer").filter(pk=email.ticket_id).first()
    fields: dict = {
        "dedupe_key": email.dedupe_key,
        "message_id": email.message_id,
        "esp": clean(esp_name, 40),
        "sender": email.sender,
        "recipients": email.recipients,
        "subject": email.subject,
        "text": email.text,
        "original": email.original,
        "ticket": ticket,
        "received_at": timezone.now(),
    }
    held = _hold_reason(email, ticket)
    # The system files it (the ticket policy lets it log a contact); the history reason
    # says it came by email and from whom.
    account = system_user()
    if held is None and ticket is not None:
        try:
            with transaction.atomic():
                fields["communication"] = communication_log(
                    ticket=ticket,
                    actor=account,
                    direction=Direction.INBOUND,
                    channel=Channel.EMAIL,
                    body=email.text,
                )
        except ApplicationError as exc:
            held = Reason.REFUSED, exc.message
    if held is None and ticket is not None:
        record = InboundEmail(state=InboundEmail.State.ATTACHED, **fields)
        why = f"received by email from {email.sender}, attached to {ticket.reference}"
    else:
        held = held or (Reason.NO_TICKET, "")
        record = InboundEmail(reason=held[0], detail=clean(held[1], 500), **fields)
        why = f"received by email from {email.sender or '(no sender)'}, held: {held[0]}"
    save_audited(record, actor=account, reason=why)
    return record


def _check_review(email: InboundEmail, actor: Actor, transition) -> None:
    if not can_proceed(transition):
        raise TransitionRefused(f"This email is already {email.get_state_display().lower()}.")
    if not has_transition_perm(transition, actor):
        raise PermissionRefused("Only team leads review held email.")


@transaction.atomic
def inbound_email_attach(
    *, email: InboundEmail, actor: Actor, ticket_reference: str, note: str = ""
) -> InboundEmail:
    """A lead puts a held email on a ticket, as the customer's message by email.

    The ticket is chosen by its reference (ESC-000123). The history of the ticket and of
    the email names the lead. When the sender is not the ticket's customer, the message
    says who it came from. Raises PermissionRefused (not a lead), TransitionRefused (no
    longer held), InvalidInput (no such ticket, no text) or what the ticket refuses.
    """
    locked = InboundEmail.objects.select_for_update().get(pk=email.pk)
    _check_review(locked, actor, locked.attach)
    ticket_id = Ticket.pk_from_reference(ticket_reference)
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
    if ticket is None:
        message = f"No ticket {clean(ticket_reference, 40, one_line=True)!r}."
        raise InvalidInput(message, field_errors={"ticket_reference": [message]})
    body = (locked.text or locked.original).strip()
    if not body:
        raise InvalidInput("This email has no text to put on a ticket: dismiss it instead.")
    if locked.sender.lower() != (ticket.customer.email or "").lower():
        body = f"[By email from {locked.sender or 'an unknown sender'}]\n\n{body}"
    communication = communication_log(
        ticket=ticket,
        actor=actor,
        direction=Direction.INBOUND,
        channel=Channel.EMAIL,
        body=body,
    )
    if not isinstance(communication, Communication):  # only what is sent out can be held
        raise InvalidInput(communication.message)
    locked.attach()
    locked.ticket, locked.communication = ticket, communication
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.review_note = clean(note, 2000).strip()
    save_audited(
        locked,
        actor=actor,
        reason=f"attached to {ticket.reference} after review",
        update_fields=[
            "state",
            "ticket",
            "communication",
            "reviewed_by",
            "reviewed_at",
            "review_note",
        ],
    )
    return locked


@transaction.atomic
def inbound_email_dismiss(*, email: InboundEmail, actor: Actor, reason: str) -> InboundEmail:
    """A lead decides a held email goes on no ticket (spam, a stranger), saying why; it
    stays listed under "dismissed". Raises PermissionRefused, TransitionRefused or
    InvalidInput (no reason)."""
    locked = InboundEmail.objects.select_for_update().get(pk=email.pk)
    _check_review(locked, actor, locked.dismiss)
    why = clean(reason, 2000).strip()
    if not why:
        raise InvalidInput("Say why it is dismissed.", field_errors={"reason": ["Say why."]})
    locked.dismiss()
    locked.reviewed_by, locked.reviewed_at, locked.review_note = actor, timezone.now(), why
    save_audited(
        locked,
        actor=actor,
        reason=f"dismissed: {why}",
        update_fields=["state", "reviewed_by", "reviewed_at", "review_note"],
    )
    return locked
