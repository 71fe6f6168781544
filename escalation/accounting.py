"""The arithmetic behind the figures, once, for the services and the demo generator alike.

Three rules decide numbers the metrics report, and both the services (one action at a
time, on locked rows) and `escalation.demo` (thousands of rows planned in memory) must
apply them identically, or demo figures would drift from real ones:

* a stay at a tier: how long the ticket spent at the tier a hand-off brought it to
  (`ended_stay`, `resumed_stay`);
* a repeat escalation: with it, the customer's escalated tickets in 30 days reach three
  (`escalated_tickets`, `is_repeat_escalation`, `first_escalation`);
* the ticket's SLA summary columns: its soonest running customer-facing target
  (`sla_summary`).

Everything here is pure: plain values in, plain values out, no database and no clock.
Callers read the rows, pass the values, and write back what comes out.
"""

from collections.abc import Hashable, Iterable
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Protocol

from .models import Trigger

# 003 Repeat Escalations: "If same customer escalates 3+ times in 30 days".
REPEAT_WINDOW = timedelta(days=30)
REPEAT_ESCALATIONS = 3
# Automatic VIP escalations say nothing about the customer's trouble: they never count.
NOT_REPEATS = frozenset({Trigger.AUTO_VIP})


# --- stays at a tier ------------------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """The time-at-tier columns of an accepted hand-off (`Escalation`), as plain values.

    A stay starts when the hand-off is accepted, ends when the ticket leaves the tier
    (`left_at`, `left_by`), and may resume (`resumed_at`) when the ticket comes back;
    `time_at_tier` holds the time of every finished stretch.
    """

    accepted_at: datetime
    time_at_tier: timedelta | None = None
    left_at: datetime | None = None
    left_by: str = ""
    resumed_at: datetime | None = None

    @classmethod
    def of(cls, record) -> "Stay":
        """The stay columns of a hand-off row (or anything with those attributes)."""
        return cls(**{f.name: getattr(record, f.name) for f in fields(cls)})

    def apply(self, record) -> list[str]:
        """Set these values on `record`; the names of the fields set (for `update_fields`)."""
        changes = asdict(self)
        del changes["accepted_at"]  # never changed by leaving or coming back
        for name, value in changes.items():
            setattr(record, name, value)
        return list(changes)


def ended_stay(stay: Stay, *, at: datetime, how: str) -> Stay:
    """The stay once the ticket leaves the tier at `at` (`how`: a `StayEnd` code).

    The stretch since acceptance, or since it last came back, is added to the time
    already counted; the time it spent away (resolved, or waiting above) never counts.
    """
    since = stay.resumed_at or stay.accepted_at
    earlier = (stay.time_at_tier or timedelta(0)) if stay.resumed_at else timedelta(0)
    return replace(
        stay, time_at_tier=earlier + (at - since), left_at=at, left_by=how, resumed_at=None
    )


def resumed_stay(stay: Stay, *, at: datetime) -> Stay | None:
    """The stay once the ticket is back at the tier at `at` (reopened, or a hand-off above
    was returned); None when it never left, so there is nothing to change. The time
    already spent there stays counted; the new stretch is added when it leaves again."""
    if stay.left_at is None:
        return None
    return replace(stay, left_at=None, left_by="", resumed_at=at)


# --- repeat escalations ---------------------------------------------------------------

# A hand-off as the repeat rule reads it: (its ticket, when requested, its trigger). The
# ticket is any key that tells tickets apart (an id; the demo's unsaved tickets use others).
Handoff = tuple[Hashable, datetime, str]


def escalated_tickets(*, at: datetime, handoffs: Iterable[Handoff]) -> list:
    """The tickets escalated in the `REPEAT_WINDOW` up to `at` (003), in the order of their
    first such hand-off: one ticket climbing several tiers is one escalated issue, and
    automatic VIP escalations do not count."""
    since = at - REPEAT_WINDOW
    counted = sorted(
        (
            (requested_at, ticket)
            for ticket, requested_at, trigger in handoffs
            if since <= requested_at <= at and trigger not in NOT_REPEATS
        ),
        key=lambda handoff: handoff[0],
    )
    return list(dict.fromkeys(ticket for _, ticket in counted))


@dataclass(frozen=True)
class CustomerHandoffs:
    """What the repeat rule weighs when a ticket is first escalated: that hand-off's
    trigger, and the hand-offs of the customer's *other* tickets."""

    trigger: str
    others: tuple[Handoff, ...] = ()


def is_repeat_escalation(*, at: datetime, earlier: CustomerHandoffs) -> bool:
    """Whether a ticket first escalated at `at` is a repeat for its customer (003: "3+
    times in 30 days"): that hand-off counts (it is no VIP auto-escalation) and, counting
    its ticket, the customer's escalated tickets in the 30 days up to `at` reach three.

    Tickets are counted, not hand-offs, as `rules.repeat_escalations` counts them for
    the alert to Customer Success, so the flag and the alert agree.
    """
    if earlier.trigger in NOT_REPEATS:
        return False
    return len(escalated_tickets(at=at, handoffs=earlier.others)) + 1 >= REPEAT_ESCALATIONS


def first_escalation(
    *, created_at: datetime, at: datetime, earlier: CustomerHandoffs
) -> dict[str, object]:
    """The ticket columns its first hand-off sets (`earlier` as in `is_repeat_escalation`):
    when it was first escalated, how long after opening, and whether it was a repeat."""
    return {
        "first_escalated_at": at,
        "escalated_after": at - created_at,
        "repeat_escalation": is_repeat_escalation(at=at, earlier=earlier),
    }


# --- the ticket's SLA summary columns -------------------------------------------------


class Running(Protocol):
    """What `sla_summary` reads of a running target. `warn_at` is read for the soonest
    target only, so a caller may compute it lazily (a property)."""

    @property
    def due_at(self) -> datetime: ...

    @property
    def paused(self) -> bool: ...

    @property
    def warn_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class RunningTarget:
    """A running customer-facing target: its deadline, first warning, and whether paused."""

    due_at: datetime
    paused: bool = False
    warn_at: datetime | None = None


@dataclass(frozen=True)
class SlaSummary:
    """The ticket's SLA columns: what the ticket lists sort and colour by."""

    due_at: datetime | None
    warn_at: datetime | None
    paused: bool

    def columns(self) -> dict[str, object]:
        return {"sla_due_at": self.due_at, "sla_warn_at": self.warn_at, "sla_paused": self.paused}

    def apply(self, ticket) -> list[str]:
        """Set the columns on `ticket`; their names (for `update_fields`)."""
        for name, value in self.columns().items():
            setattr(ticket, name, value)
        return list(self.columns())


def sla_summary(running: Iterable[Running]) -> SlaSummary:
    """The SLA columns of a ticket whose running customer-facing targets are `running`.

    The soonest deadline among targets still counting gives the due and warning
    instants. With targets running but all paused (waiting on the customer) the ticket
    is paused with no deadline; with none running it owes nothing.
    """
    targets = list(running)
    counting = [t for t in targets if not t.paused]
    if not counting:
        return SlaSummary(due_at=None, warn_at=None, paused=bool(targets))
    soonest = min(counting, key=lambda t: t.due_at)
    return SlaSummary(due_at=soonest.due_at, warn_at=soonest.warn_at, paused=False)
