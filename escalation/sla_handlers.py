"""What happens when a ticket's SLA timer is due (registered with sla.registry).

Warnings tell the owner (and the leads for critical tickets); breaches tell the
owner and leads and copy an enterprise/VIP customer's CSM; the time-based rules of
001 move the ticket up a tier when it stayed too long or went stale.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.choices import Priority, Tier
from core.formatting import CLOCK, duration_text
from outbox.services import outbox_enqueue_many
from sla.models import Clock, ClockKind, SlaSettings, Timer
from sla.registry import register
from sla.services import timer_set

from . import events
from . import notifications as notify
from .clocks import ACK_FOLLOW_UP_TIMER, STALE_TIMER
from .metrics.rollup import mark_days_stale
from .models import Ticket, TicketState, Trigger
from .services.automation import escalate_automatically

LABELS = dict(ClockKind.choices)
# Breaches of non-critical tickets in one sweep batch from which the leads get one
# digest instead of a message per ticket.
DIGEST_FROM = 10


def _hours(delta: timedelta) -> str:
    """Durations in notifications read as hours and minutes ('24 h 00 min')."""
    return duration_text(delta, style=CLOCK, days=False)


def _tickets(timers: list[Timer]) -> dict[int, Ticket]:
    """The timers' tickets in one query."""
    return Ticket.objects.select_related("owner", "customer__success_manager", "category").in_bulk(
        {t.subject_id for t in timers}
    )


# What warning and breach messages, their listeners (the bell, webhooks) and the reminder
# handlers read, and nothing else: a sweep batch of 500 tickets with their owners and
# customers loads and converts a fraction of the values (no dates but the state's).
READ_BY_ALERTS = (
    "state",
    "priority",
    "tier",
    "subject",
    "external_reference",
    "owner__username",
    "owner__email",
    "owner__first_name",
    "owner__last_name",
    "owner__is_active",
    "customer__name",
    "customer__plan",
    "customer__is_vip",
    "customer__success_manager__email",
)


def _alerted_tickets(timers: list[Timer]) -> dict[int, Ticket]:
    """The tickets of warning and breach timers, with what their messages show."""
    return (
        Ticket.objects.select_related("owner", "customer__success_manager")
        .only(*READ_BY_ALERTS)
        .in_bulk({t.subject_id for t in timers})
    )


def _clock(timer: Timer) -> Clock:
    """Warning and breach timers always belong to a clock; only free timers have none."""
    if timer.clock is None:
        raise ValueError(f"timer {timer.pk} ({timer.kind}) belongs to no clock")
    return timer.clock


class Reminder:
    """What one batch of reminder timers shares: the leads' and tiers' addresses, read
    once per batch."""

    def __init__(self) -> None:
        self._leads: list[str] | None = None
        self._tiers: dict[int, list[str]] = {}

    def tier(self, tier: int) -> list[str]:
        if tier not in self._tiers:
            self._tiers[tier] = notify.tier_emails(tier)
        return self._tiers[tier]

    def leads(self) -> list[str]:
        if self._leads is None:
            self._leads = notify.lead_emails()
        return self._leads

    def owner_and_leads(self, ticket: Ticket, *, leads: bool) -> list[str]:
        return [ticket.owner.email, *(self.leads() if leads else [])]


def reminders(handler, *, whole: bool = False):
    """Adapt a handler that words one ticket's reminder (a list of messages) to the
    registry's list-of-timers call: the batch's tickets in one query, its messages
    recorded together, so a mass of overdue updates costs what a few cost. `whole`: the
    handler may change the ticket (an automatic escalation), so it gets every field."""

    def run(timers: list[Timer], now: datetime) -> None:
        tickets = _tickets(timers) if whole else _alerted_tickets(timers)
        shared: Reminder = Reminder()
        out: list = []
        for timer in timers:
            ticket = tickets.get(timer.subject_id)
            if ticket is not None:
                out += handler(ticket, timer, shared)
        outbox_enqueue_many(out)

    return run


def on_warnings(timers: list[Timer], now: datetime) -> None:
    """Tell owners (and leads, for critical tickets) that a target is nearly used up."""
    tickets, leads, out, moments = _alerted_tickets(timers), None, [], []
    for timer in timers:
        ticket = tickets.get(timer.subject_id)
        if ticket is None or not ticket.is_active:
            continue
        clock, pct = _clock(timer), timer.payload.get("percent")
        moments.append(events.SlaMoment(ticket, clock, timer.key, pct))
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
    if moments:  # one event per batch: its listeners write in a few statements
        events.sla_warning.send(Ticket, moments=moments)


def on_breaches(timers: list[Timer], now: datetime) -> None:
    """Tell owners and leads (and an enterprise/VIP customer's CSM) that a target was missed.

    A lead hears of each critical ticket's breach on its own (it goes out at once, day or
    night), and of a batch's other breaches, when there are DIGEST_FROM or more, in one
    digest (`notify.breach_digest`).
    """
    tickets, moments = _alerted_tickets(timers), []
    for timer in timers:
        ticket = tickets.get(timer.subject_id)
        if ticket is not None and ticket.is_active:
            moments.append(events.SlaMoment(ticket, _clock(timer), timer.key))
    if not moments:
        return
    leads = notify.lead_emails()
    routine = [m for m in moments if m.ticket.priority != Priority.CRITICAL]
    digested = routine if len(routine) >= DIGEST_FROM else []
    in_digest = {id(m) for m in digested}
    out = notify.breach_digest(digested, leads, LABELS) if digested else []
    for moment in moments:
        ticket, clock = moment.ticket, moment.clock
        label = LABELS[clock.kind]
        out += notify.messages(
            ticket,
            moment.key,
            [
                ticket.owner.email,
                *([] if id(moment) in in_digest else leads),
                *notify.csm_emails(ticket),
            ],
            f"{label} SLA breached",
            f"The {label.lower()} target was due at {clock.due_at:%Y-%m-%d %H:%M %Z}.",
        )
    outbox_enqueue_many(out)
    events.sla_breached.send(Ticket, moments=moments)
    # A breach changes the figures of the day its target started: read live until the
    # next rollup rebuild (a target can run for weeks when paused). Marked after commit:
    # every sweeper marks the same few days, and rows held for a whole batch made two
    # workers take turns.
    days = {timezone.localdate(m.clock.started_at) for m in moments}
    transaction.on_commit(lambda: mark_days_stale(days), robust=True)


def _escalated_or_flagged(
    ticket: Ticket, timer: Timer, why: str, trigger: str, shared: Reminder, ask: str
) -> list:
    """Time-based rules move an open ticket up each time their clock runs out (not once);
    the owner hears why. A ticket that cannot move is flagged to its owner and the leads."""
    if escalate_automatically(ticket, trigger, why, from_states=(TicketState.OPEN,), once=False):
        # ticket_escalate told the receiving tier (and the CSM); the owner hears why.
        return notify.messages(
            ticket,
            timer.key,
            [ticket.owner.email],
            f"escalated automatically to {Tier(ticket.tier + 1).label}",
            f"Escalated automatically: {why}.",
        )
    return notify.messages(ticket, timer.key, shared.owner_and_leads(ticket, leads=True), why, ask)


def on_tier_time_exceeded(ticket: Ticket, timer: Timer, shared: Reminder) -> list:
    """001 Escalation Matrix: the ticket stayed longer at its tier than allowed."""
    if not ticket.is_active:
        return []
    why = f"time at {Tier(ticket.tier).label} exceeded ({_hours(_clock(timer).target)} allowed)"
    ask = "The ticket could not move up automatically; please review it."
    return _escalated_or_flagged(ticket, timer, why, Trigger.AUTO_TIER_TIME, shared, ask)


def on_stale(ticket: Ticket, timer: Timer, shared: Reminder) -> list:
    """001 Automatic Escalation: open more than 24 hours without an update."""
    if ticket.state != TicketState.OPEN:
        return []
    why = f"open without update for {_hours(SlaSettings.load().stale_after)}"
    ask = "Update the ticket or escalate it."
    return _escalated_or_flagged(ticket, timer, why, Trigger.AUTO_STALE, shared, ask)


def on_acknowledgement_breach(ticket: Ticket, timer: Timer, shared: Reminder) -> list:
    """Not acknowledged in 15 minutes: remind the receiving tier, then tell the leads."""
    if ticket.state != TicketState.ESCALATED:
        return []
    timer_set(
        subject=ticket,
        kind=ACK_FOLLOW_UP_TIMER,
        due_at=timer.due_at + SlaSettings.load().acknowledgement_target,
    )
    return notify.messages(
        ticket,
        timer.key,
        shared.tier(ticket.tier) + notify.csm_emails(ticket),
        f"escalation to {Tier(ticket.tier).label} not yet acknowledged",
        "Please accept this escalation now.",
    )


def on_acknowledgement_follow_up(ticket: Ticket, timer: Timer, shared: Reminder) -> list:
    if ticket.state != TicketState.ESCALATED:
        return []
    return notify.messages(
        ticket,
        timer.key,
        shared.leads(),
        f"escalation to {Tier(ticket.tier).label} still not acknowledged",
        "The receiving tier was reminded and has not accepted; please step in.",
    )


def on_update_overdue(ticket: Ticket, timer: Timer, shared: Reminder) -> list:
    """001 Response Time Guidelines: the customer's status update is overdue."""
    if not ticket.is_active:
        return []
    return notify.messages(
        ticket,
        timer.key,
        shared.owner_and_leads(ticket, leads=ticket.priority == Priority.CRITICAL),
        "customer status update overdue",
        "Send the customer a status update.",
    )


def on_rca_overdue(ticket: Ticket, timer: Timer, shared: Reminder) -> list:
    """001: root cause documented within 48 hours of resolution."""
    return notify.messages(
        ticket,
        timer.key,
        shared.owner_and_leads(ticket, leads=True),
        "root-cause analysis overdue",
        "Document the root cause of this escalation.",
    )


def register_handlers() -> None:
    for kind in (ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION):
        register(f"{kind}.warning")(on_warnings)
        register(f"{kind}.breach")(on_breaches)
    register(f"{ClockKind.TIER}.breach")(reminders(on_tier_time_exceeded, whole=True))
    register(f"{ClockKind.ACKNOWLEDGEMENT}.breach")(reminders(on_acknowledgement_breach))
    register(ACK_FOLLOW_UP_TIMER)(reminders(on_acknowledgement_follow_up))
    register(f"{ClockKind.NEXT_UPDATE}.breach")(reminders(on_update_overdue))
    register(f"{ClockKind.RCA}.breach")(reminders(on_rca_overdue))
    register(STALE_TIMER)(reminders(on_stale, whole=True))
