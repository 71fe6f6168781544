"""What happens when a ticket's SLA timer is due (registered with sla.registry).

Warnings tell the owner (and the leads for critical tickets); breaches tell the
owner and leads and copy an enterprise/VIP customer's CSM; the time-based rules of
001 move the ticket up a tier when it stayed too long or went stale.
"""

from datetime import datetime, timedelta

from core.choices import Priority, Tier
from core.formatting import CLOCK, duration_text
from outbox.services import outbox_enqueue_many
from sla.models import Clock, ClockKind, SlaSettings, Timer
from sla.registry import register
from sla.services import timer_set

from . import events
from . import notifications as notify
from .clocks import ACK_FOLLOW_UP_TIMER, STALE_TIMER
from .models import Ticket, TicketState, Trigger
from .services.automation import escalate_automatically

LABELS = dict(ClockKind.choices)


def _hours(delta: timedelta) -> str:
    """Durations in notifications read as hours and minutes ('24 h 00 min')."""
    return duration_text(delta, style=CLOCK, days=False)


def _tickets(timers: list[Timer]) -> dict[int, Ticket]:
    """The timers' tickets in one query."""
    return Ticket.objects.select_related("owner", "customer__success_manager", "category").in_bulk(
        {t.subject_id for t in timers}
    )


def _ticket(timer: Timer) -> Ticket | None:
    return _tickets([timer]).get(timer.subject_id)


def _clock(timer: Timer) -> Clock:
    """Warning and breach timers always belong to a clock; only free timers have none."""
    if timer.clock is None:
        raise ValueError(f"timer {timer.pk} ({timer.kind}) belongs to no clock")
    return timer.clock


def each(handler):
    """Adapt a one-timer handler to the registry's list-of-timers call."""

    def run(timers: list[Timer], now: datetime) -> None:
        for timer in timers:
            handler(timer, now)

    return run


def _owner_and_leads(ticket: Ticket, *, leads: bool) -> list[str]:
    return [ticket.owner.email] + (notify.lead_emails() if leads else [])


def on_warnings(timers: list[Timer], now: datetime) -> None:
    """Tell owners (and leads, for critical tickets) that a target is nearly used up."""
    tickets, leads, out = _tickets(timers), None, []
    for timer in timers:
        ticket = tickets.get(timer.subject_id)
        if ticket is None or not ticket.is_active:
            continue
        clock, pct = _clock(timer), timer.payload.get("percent")
        events.sla_warning.send(Ticket, ticket=ticket, clock=clock, percent=pct, key=timer.key)
        label = LABELS[clock.kind]
        recipients = [ticket.owner.email]
        if ticket.priority == Priority.CRITICAL:
            leads = notify.lead_emails() if leads is None else leads
            recipients += leads
        out += notify.messages(
            ticket,
            timer.key,
            recipients,
            f"{label} target {pct}% used, due in {_hours(clock.due_at - timer.due_at)}",
            f"The {label.lower()} target is due at {clock.due_at:%Y-%m-%d %H:%M %Z}.",
        )
    outbox_enqueue_many(out)


def on_breaches(timers: list[Timer], now: datetime) -> None:
    """Tell owners and leads (and an enterprise/VIP customer's CSM) that a target was missed."""
    tickets, leads, out = _tickets(timers), None, []
    for timer in timers:
        ticket = tickets.get(timer.subject_id)
        if ticket is None or not ticket.is_active:
            continue
        leads = notify.lead_emails() if leads is None else leads
        clock = _clock(timer)
        events.sla_breached.send(Ticket, ticket=ticket, clock=clock, key=timer.key)
        label = LABELS[clock.kind]
        out += notify.messages(
            ticket,
            timer.key,
            [ticket.owner.email, *leads, *notify.csm_emails(ticket)],
            f"{label} SLA breached",
            f"The {label.lower()} target was due at {clock.due_at:%Y-%m-%d %H:%M %Z}.",
        )
    outbox_enqueue_many(out)


def _escalate_automatically(ticket: Ticket, timer: Timer, why: str, trigger: str) -> bool:
    """Time-based rules move an open ticket up each time their clock runs out (not once)."""
    if not escalate_automatically(
        ticket, trigger, why, from_states=(TicketState.OPEN,), once=False
    ):
        return False
    # ticket_escalate told the receiving tier (and the CSM); the owner hears why.
    notify.notify(
        ticket,
        timer.key,
        [ticket.owner.email],
        f"escalated automatically to {Tier(ticket.tier + 1).label}",
        f"Escalated automatically: {why}.",
    )
    return True


def on_tier_time_exceeded(timer: Timer, now: datetime) -> None:
    """001 Escalation Matrix: the ticket stayed longer at its tier than allowed."""
    ticket = _ticket(timer)
    if ticket is None or not ticket.is_active:
        return
    why = f"time at {Tier(ticket.tier).label} exceeded ({_hours(_clock(timer).target)} allowed)"
    if not _escalate_automatically(ticket, timer, why, Trigger.AUTO_TIER_TIME):
        notify.notify(
            ticket,
            timer.key,
            _owner_and_leads(ticket, leads=True),
            why,
            "The ticket could not move up automatically; please review it.",
        )


def on_stale(timer: Timer, now: datetime) -> None:
    """001 Automatic Escalation: open more than 24 hours without an update."""
    ticket = _ticket(timer)
    if ticket is None or ticket.state != TicketState.OPEN:
        return
    why = f"open without update for {_hours(SlaSettings.load().stale_after)}"
    if not _escalate_automatically(ticket, timer, why, Trigger.AUTO_STALE):
        notify.notify(
            ticket,
            timer.key,
            _owner_and_leads(ticket, leads=True),
            why,
            "Update the ticket or escalate it.",
        )


def on_acknowledgement_breach(timer: Timer, now: datetime) -> None:
    """Not acknowledged in 15 minutes: remind the receiving tier, then tell the leads."""
    ticket = _ticket(timer)
    if ticket is None or ticket.state != TicketState.ESCALATED:
        return
    notify.notify(
        ticket,
        timer.key,
        notify.tier_emails(ticket.tier) + notify.csm_emails(ticket),
        f"escalation to {Tier(ticket.tier).label} not yet acknowledged",
        "Please accept this escalation now.",
    )
    timer_set(
        subject=ticket,
        kind=ACK_FOLLOW_UP_TIMER,
        due_at=timer.due_at + SlaSettings.load().acknowledgement_target,
    )


def on_acknowledgement_follow_up(timer: Timer, now: datetime) -> None:
    ticket = _ticket(timer)
    if ticket is None or ticket.state != TicketState.ESCALATED:
        return
    notify.notify(
        ticket,
        timer.key,
        notify.lead_emails(),
        f"escalation to {Tier(ticket.tier).label} still not acknowledged",
        "The receiving tier was reminded and has not accepted; please step in.",
    )


def on_update_overdue(timer: Timer, now: datetime) -> None:
    """001 Response Time Guidelines: the customer's status update is overdue."""
    ticket = _ticket(timer)
    if ticket is None or not ticket.is_active:
        return
    notify.notify(
        ticket,
        timer.key,
        _owner_and_leads(ticket, leads=ticket.priority == Priority.CRITICAL),
        "customer status update overdue",
        "Send the customer a status update.",
    )


def on_rca_overdue(timer: Timer, now: datetime) -> None:
    """001: root cause documented within 48 hours of resolution."""
    ticket = _ticket(timer)
    if ticket is None:
        return
    notify.notify(
        ticket,
        timer.key,
        _owner_and_leads(ticket, leads=True),
        "root-cause analysis overdue",
        "Document the root cause of this escalation.",
    )


def register_handlers() -> None:
    for kind in (ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION):
        register(f"{kind}.warning")(on_warnings)
        register(f"{kind}.breach")(on_breaches)
    register(f"{ClockKind.TIER}.breach")(each(on_tier_time_exceeded))
    register(f"{ClockKind.ACKNOWLEDGEMENT}.breach")(each(on_acknowledgement_breach))
    register(ACK_FOLLOW_UP_TIMER)(each(on_acknowledgement_follow_up))
    register(f"{ClockKind.NEXT_UPDATE}.breach")(each(on_update_overdue))
    register(f"{ClockKind.RCA}.breach")(each(on_rca_overdue))
    register(STALE_TIMER)(each(on_stale))
