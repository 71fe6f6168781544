"""Per-tier clocks (OLAs): which tier and team held a ticket while each time-at-tier clock
ran, and how that stay went against its target (001 Escalation Matrix: "how long a ticket
may stay at each tier").

The customer-facing SLA says whether the customer was served in time; a tier clock says
whether each tier did its part, so a breach is counted against the tier that held the
ticket, never against the one that handed it over in time.

The clocks (`ClockKind.TIER`, one per stretch at a tier: opened, accepted, returned,
reopened) already hold the target copied from the matrix, the business time used with the
time paused waiting on the customer left out, and whether the target was met. What they do
not hold is the tier: `sla` knows nothing of tiers. That is worked out here from the
ticket's hand-offs (`attribute`), a pure function of two small reads, instead of stored,
so nothing in the services had to change and no row can disagree with its hand-offs.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from core.choices import Tier
from sla.models import Clock, ClockKind

from .models import Escalation, EscalationState, Ticket, TicketState
from .services.communications import TIER_TEAM_NAMES

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# What a stay's outcome reads as; the codes are also the CSS class suffixes.
MET, BREACHED, RUNNING, PAUSED, VOID, NO_TARGET = (
    "met",
    "breached",
    "running",
    "paused",
    "void",
    "no_target",
)
OUTCOME_LABELS = {
    MET: "Met",
    BREACHED: "Breached",
    RUNNING: "Running",
    PAUSED: "Paused (waiting on customer)",
    VOID: "Not counted (ticket cancelled)",
    NO_TARGET: "No target (on request)",
}
OUTCOME_CSS = {
    MET: "on_track",
    BREACHED: "breached",
    RUNNING: "on_track",
    PAUSED: "paused",
    VOID: "none",
    NO_TARGET: "none",
}
# Where a tier holds the ticket (escalated: it waits for the next tier to accept it).
# The L1 take-over when only the order matters: before any hand-off of the ticket.
OPENED = datetime(1, 1, 1, tzinfo=UTC)
HELD_STATES = {
    TicketState.NEW,
    TicketState.OPEN,
    TicketState.WAITING_ON_CUSTOMER,
    TicketState.WAITING_ON_DEPARTMENT,
}

CLOCK_COLUMNS = (
    "subject_id",
    "cycle",
    "started_at",
    "stopped_at",
    "target",
    "due_at",
    "business_taken",
    "paused_calendar",
    "paused_since",
    "breached_at",
    "met",
)
HANDOFF_COLUMNS = (
    "ticket_id",
    "pk",
    "requested_at",
    "state",
    "from_tier",
    "to_tier",
    "accepted_at",
    "returned_at",
    "target_team__name",
)


@dataclass(frozen=True)
class ClockRow:
    """The columns of a tier clock this module reads (`Clock.objects.values_list`)."""

    subject_id: int
    cycle: int
    started_at: datetime
    stopped_at: datetime | None
    target: timedelta
    due_at: datetime
    business_taken: timedelta | None
    paused_calendar: timedelta
    paused_since: datetime | None
    breached_at: datetime | None
    met: bool | None


@dataclass(frozen=True)
class HandoffRow:
    """The columns of a hand-off this module reads (`Escalation.objects.values_list`)."""

    ticket_id: int
    pk: int
    requested_at: datetime
    state: str
    from_tier: int
    to_tier: int
    accepted_at: datetime | None
    returned_at: datetime | None
    team: str | None


@dataclass(frozen=True)
class Holder:
    """Who took the ticket over at `at`: a tier, and the team at that tier."""

    at: datetime
    tier: int
    team: str


def tier_team(tier: int, named: str | None = None) -> str:
    """The team a stay is counted against: the one the hand-off named, else the tier's
    own team (as the customer templates' `{team_name}` says it)."""
    return named or TIER_TEAM_NAMES[Tier(tier)]


def holders(created_at: datetime, handoffs: Sequence[HandoffRow]) -> list[Holder]:
    """Every moment a tier took the ticket over, in order: opened at L1, each hand-off
    accepted (the receiving tier and team), each returned (back to the sender's tier, and
    the team that held that tier before)."""
    taken: list[Holder] = [Holder(created_at, Tier.L1, tier_team(Tier.L1))]
    events: list[tuple[datetime, int, int, str | None]] = []
    for h in handoffs:
        if h.state == EscalationState.ACCEPTED and h.accepted_at is not None:
            events.append((h.accepted_at, h.pk, h.to_tier, tier_team(h.to_tier, h.team)))
        elif h.state == EscalationState.RETURNED and h.returned_at is not None:
            events.append((h.returned_at, h.pk, h.from_tier, None))
    for at, _, tier, team in sorted(events, key=lambda e: (e[0], e[1])):
        if team is None:  # returned: whoever held that tier last holds it again
            team = next((x.team for x in reversed(taken) if x.tier == tier), tier_team(tier))
        taken.append(Holder(at, tier, team))
    return taken


def attribute(clocks: Sequence[ClockRow], taken: Sequence[Holder]) -> list[Holder]:
    """The holder of each tier clock (`clocks` in cycle order).

    A clock starts the moment a tier takes the ticket over, so its holder is the latest
    take-over at or before its start. Take-overs are matched in order, each once, so
    moments that share an instant still pair up in sequence; a clock with no take-over
    of its own left (a reopened ticket) stays with the tier that held it last. A tier
    "on request" starts no clock: its take-over is simply skipped.
    """
    result: list[Holder] = []
    used = -1
    for clock in clocks:
        candidates = [i for i in range(used + 1, len(taken)) if taken[i].at <= clock.started_at]
        if candidates:
            latest = max(taken[i].at for i in candidates)
            used = min(i for i in candidates if taken[i].at == latest)
            result.append(taken[used])
        else:
            result.append(taken[max(used, 0)])
    return result


def outcome(clock: ClockRow, now: datetime) -> str:
    """How the stay went: a stopped clock was met or missed (or voided with a cancelled
    ticket); a running one is breached once past due, whether or not the sweep has
    recorded it yet. While paused its deadline waits, so a pause never breaches it."""
    if clock.stopped_at is not None:
        if clock.met is None:
            return VOID
        # A clock the sweep found due counts as breached even when the automatic
        # escalation it caused stopped it on the very instant of its deadline.
        return MET if clock.met and clock.breached_at is None else BREACHED
    if clock.breached_at is not None or clock.due_at <= (clock.paused_since or now):
        return BREACHED
    return PAUSED if clock.paused_since is not None else RUNNING


@dataclass(frozen=True)
class TierStay:
    """One stretch at a tier, as the ticket's "Tier clocks" panel and the metrics show it."""

    tier: int
    team: str
    held_from: datetime
    held_to: datetime | None  # None: still held
    target: timedelta | None  # None: the matrix says "on request"
    used: timedelta | None  # business time, paused time left out (once stopped)
    due_at: datetime | None
    paused: timedelta
    outcome: str

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def css(self) -> str:
        """The SLA label colour it shares with the ticket's SLA status (words carry it all)."""
        return OUTCOME_CSS[self.outcome]

    @property
    def breached(self) -> bool:
        return self.outcome == BREACHED

    @property
    def decided(self) -> bool:
        """Counts in "% within target": met, or breached (even while still running)."""
        return self.outcome in (MET, BREACHED)


def stays_from(clocks: Sequence[ClockRow], holders_: Sequence[Holder], now) -> list[TierStay]:
    return [
        TierStay(
            tier=holder.tier,
            team=holder.team,
            held_from=clock.started_at,
            held_to=clock.stopped_at,
            target=clock.target,
            used=clock.business_taken,
            due_at=clock.due_at,
            paused=clock.paused_calendar,
            outcome=outcome(clock, now),
        )
        for clock, holder in zip(clocks, holders_, strict=True)
    ]


def _ticket_type() -> ContentType:
    return ContentType.objects.get_for_model(Ticket)


def tier_clock_rows(clocks: QuerySet[Clock]) -> list[ClockRow]:
    return [ClockRow(*values) for values in clocks.values_list(*CLOCK_COLUMNS)]


def handoff_rows(handoffs: QuerySet[Escalation]) -> list[HandoffRow]:
    return [HandoffRow(*values) for values in handoffs.values_list(*HANDOFF_COLUMNS)]


def ticket_tier_stays(ticket: Ticket, now: datetime | None = None) -> list[TierStay]:
    """The ticket's stays at each tier, oldest first, in two queries whatever their number.

    A ticket held now at a tier the matrix leaves "on request" runs no tier clock: it gets
    a last row with no target, so the panel says so instead of showing nothing.
    """
    now = now or timezone.now()
    clocks = tier_clock_rows(
        Clock.objects.filter(
            subject_type=_ticket_type(), subject_id=ticket.pk, kind=ClockKind.TIER
        ).order_by("cycle")
    )
    taken = holders(
        ticket.created_at,
        handoff_rows(Escalation.objects.filter(ticket_id=ticket.pk).order_by("requested_at", "pk")),
    )
    stays = stays_from(clocks, attribute(clocks, taken), now)
    running = any(c.stopped_at is None for c in clocks)
    if ticket.state in HELD_STATES and not running:
        holder = next((x for x in reversed(taken) if x.tier == ticket.tier), None)
        team = holder.team if holder else tier_team(ticket.tier)
        since = max(
            [holder.at if holder else ticket.created_at, *[s.held_to for s in stays if s.held_to]]
        )
        stays.append(
            TierStay(
                tier=ticket.tier,
                team=team,
                held_from=since,
                held_to=None,
                target=None,
                used=None,
                due_at=None,
                paused=timedelta(0),
                outcome=NO_TARGET,
            )
        )
    return stays


def period_tier_stays(
    start: datetime, end: datetime, tickets: QuerySet[Ticket] | None = None, now=None
) -> list[TierStay]:
    """Every tier clock started in [start, end) (of `tickets` when given), attributed;
    a cancelled ticket's (spam, duplicate) count neither way, as in the SLA attainment.

    Two queries whatever the number of clocks: every tier clock of the tickets that had
    one start in the period (the earlier ones are needed to pair clocks with take-overs
    in order), then the hand-offs of those tickets; the pairing runs in memory.
    """
    now = now or timezone.now()
    tier_clocks = Clock.objects.filter(subject_type=_ticket_type(), kind=ClockKind.TIER)
    in_period = tier_clocks.filter(started_at__gte=start, started_at__lt=end)
    if tickets is not None:
        in_period = in_period.filter(subject_id__in=tickets.values("pk"))
    ticket_ids = in_period.values("subject_id")
    rows = tier_clock_rows(
        tier_clocks.filter(subject_id__in=ticket_ids, started_at__lt=end).order_by(
            "subject_id", "cycle"
        )
    )
    if not rows:
        return []
    by_ticket: dict[int, list[HandoffRow]] = {}
    for h in handoff_rows(
        Escalation.objects.filter(ticket_id__in=ticket_ids).order_by(
            "ticket_id", "requested_at", "pk"
        )
    ):
        by_ticket.setdefault(h.ticket_id, []).append(h)
    stays: list[TierStay] = []
    for ticket_id, clocks_of in stays_by(rows, lambda c: c.subject_id).items():
        # Opened at L1 before anything else happened to it.
        taken = holders(OPENED, by_ticket.get(ticket_id, []))
        stays += [
            stay
            for stay in stays_from(clocks_of, attribute(clocks_of, taken), now)
            if stay.held_from >= start and stay.outcome != VOID  # cancelled: never counts
        ]
    return stays


def stays_by(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """`items` grouped by `key`, each group in the order given."""
    grouped: dict[K, list[T]] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(item)
    return grouped
