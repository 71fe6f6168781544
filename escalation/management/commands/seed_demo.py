"""Demo users of every role and realistic demo volume, idempotently.

Running it twice creates nothing new: customers and tickets are topped up to the
requested counts. Demo customers carry an external user ID starting with 'demo-';
the command refuses to add demo rows to a database holding other tickets unless
--allow-real-data is given.
"""

import os
import random
import sys
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core import roles
from core.actors import system_user
from core.choices import Tier
from escalation.models import (
    ACTIVE_STATES,
    Category,
    Customer,
    DepartmentRequest,
    DepartmentRequestState,
    Escalation,
    EscalationState,
    EscalationType,
    Plan,
    Sentiment,
    StayEnd,
    Ticket,
    TicketState,
    Trigger,
)
from escalation.rules import REPEAT_WINDOW
from sla import services as sla
from sla.models import ClockKind, SlaSettings

DEMO_PREFIX = "demo-"
DEMO_USERS = [
    ("agent", roles.AGENT, "Alex", "Agent"),
    ("senior", roles.SENIOR, "Sam", "Senior"),
    ("engineer", roles.SPECIALIST, "Erin", "Engineer"),
    ("lead", roles.LEAD, "Lee", "Lead"),
    ("auditor", roles.AUDITOR, "Ari", "Auditor"),
    ("directory", roles.DIRECTORY_ADMIN, "Dana", "Directory"),
]
# Extra owners so volume spreads over several people per tier (no password: not for login).
EXTRA_STAFF = (
    [(f"l1-{i:02d}", roles.AGENT) for i in range(1, 9)]
    + [(f"l2-{i:02d}", roles.SENIOR) for i in range(1, 5)]
    + [(f"l3-{i:02d}", roles.SPECIALIST) for i in range(1, 3)]
)

FIRST = [
    "Ava",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lena",
    "Milo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Xavi",
    "Yara",
    "Zoe",
]
LAST = [
    "Smith",
    "Garcia",
    "Chen",
    "Okafor",
    "Müller",
    "Rossi",
    "Kim",
    "Novak",
    "Silva",
    "Dubois",
    "Khan",
    "Larsen",
    "Haddad",
    "Ito",
    "Walsh",
    "Moreau",
]
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Soylent",
    "Vandelay",
    "Cyberdyne",
    "Wonka",
    "Aperture",
    "Massive Dynamic",
]
PLANS = [Plan.FREE] * 4 + [Plan.PRO] * 3 + [Plan.BUSINESS] * 2 + [Plan.ENTERPRISE]
STATES = (
    [TicketState.NEW] * 10
    + [TicketState.OPEN] * 30
    + [TicketState.ESCALATED] * 8
    + [TicketState.WAITING_ON_CUSTOMER] * 8
    + [TicketState.WAITING_ON_DEPARTMENT] * 4
    + [TicketState.RESOLVED] * 15
    + [TicketState.CLOSED] * 23
    + [TicketState.CANCELLED] * 2
)
SUBJECTS = [
    "Cannot log in",
    "Charged twice",
    "Sync stopped",
    "Export fails",
    "App crashes on start",
    "Invoice question",
    "Need API limit raised",
    "Data missing after import",
    "2FA device lost",
    "Webhook not firing",
    "Slow dashboard",
    "Refund request",
]
BATCH = 5000


class Command(BaseCommand):
    help = "Create demo users of every role and top demo data up to the requested volume."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=300, help="Demo tickets wanted.")
        parser.add_argument(
            "--customers",
            type=int,
            default=None,
            help="Demo customers wanted (default: tickets / 10, at least 20).",
        )
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="Add demo rows even though non-demo tickets exist.",
        )
        parser.add_argument("--seed", type=int, default=42)

    def handle(
        self,
        *args,
        tickets: int,
        customers: int | None,
        allow_real_data: bool,
        seed: int,
        **options,
    ):
        if tickets < 0:
            raise CommandError("--tickets must be zero or more.")
        real = Ticket.objects.exclude(customer__external_user_id__startswith=DEMO_PREFIX)
        if real.exists() and not allow_real_data:
            raise CommandError(
                "This database holds tickets that are not demo data; refusing to mix demo rows "
                "into it. Use --allow-real-data if you really mean to."
            )
        self.verbosity = options["verbosity"]
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        password = os.environ.get("DEMO_PASSWORD", "demo")
        staff = self._users(password)
        self.actor = system_user()
        self._directory(staff)
        customer_ids = self._customers(rng, customers or max(20, tickets // 10), staff)
        created = self._tickets(rng, tickets, customer_ids, staff)
        if not self.verbosity:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(customer_ids)} customers, {tickets} tickets "
                f"({created} new)."
            )
        )
        self.stdout.write("Demo logins (password: $DEMO_PASSWORD, default 'demo'):")
        for username, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role}")

    def _users(self, password: str) -> dict[int, list]:
        User = get_user_model()
        groups = {g.name: g for g in Group.objects.all()}
        missing = set(roles.ROLE_PERMISSIONS) - set(groups)
        if missing:
            raise CommandError(f"Role groups missing ({', '.join(missing)}): run migrate first.")
        by_tier: dict[int, list] = {t: [] for t in Tier.values}
        rows = [(u, r, f, last) for u, r, f, last in DEMO_USERS] + [
            (u, r, u.upper(), "Demo") for u, r in EXTRA_STAFF
        ]
        for username, role, first, last in rows:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.com"
            user.is_staff = True
            if any(username == u for u, *_ in DEMO_USERS):
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            user.groups.set([groups[role]])
            if role in roles.ROLE_TIERS:
                by_tier[roles.ROLE_TIERS[role]].append(user)
        return by_tier

    def _directory(self, staff) -> None:
        """Tier teams' members and leads, and two weeks of on-call shifts for 24/7 teams."""
        from contacts.models import Department, OnCallShift

        User = get_user_model()
        lead = staff[Tier.L4][0]
        teams = {
            "support-l1": Tier.L1,
            "support-l2": Tier.L2,
            "support-l3": Tier.L3,
            "support-management": Tier.L4,
        }
        for code, tier in teams.items():
            department = Department.objects.filter(code=code).first()
            if department is not None:
                department._history_user = self.actor
                department._change_reason = "demo data"
                department.members.set(staff[tier])
                if department.lead_id is None:
                    department.lead = lead
                    department.save(update_fields=["lead"])
        engineer = User.objects.get(username="engineer")
        rotation = [engineer, *staff[Tier.L3], lead]
        start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
        for department in Department.objects.filter(critical_around_the_clock=True):
            if OnCallShift.objects.filter(
                department=department, ends_at__gt=timezone.now()
            ).exists():
                continue
            bulk_create_with_history(
                [
                    OnCallShift(
                        department=department,
                        person=rotation[day % len(rotation)],
                        starts_at=start + timedelta(days=day - 1),
                        ends_at=start + timedelta(days=day),
                        phone="+1 555 0199",
                    )
                    for day in range(15)
                ],
                OnCallShift,
                default_user=self.actor,
                default_change_reason="demo data",
            )

    def _customers(self, rng: random.Random, wanted: int, staff) -> list[int]:
        existing = Customer.objects.filter(external_user_id__startswith=DEMO_PREFIX).count()
        csm = staff[Tier.L4][0]
        new = []
        for i in range(existing, wanted):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            plan = rng.choice(PLANS)
            churn = rng.random() < 0.05
            new.append(
                Customer(
                    name=f"{first} {last}",
                    email=f"{first}.{last}.{i}@example.com".lower(),
                    external_user_id=f"{DEMO_PREFIX}{i:07d}",
                    company=f"{rng.choice(COMPANIES)} {i % 97}" if plan != Plan.FREE else "",
                    plan=plan,
                    is_vip=plan == Plan.ENTERPRISE and rng.random() < 0.3,
                    success_manager=csm if plan == Plan.ENTERPRISE else None,
                    churn_risk=churn,
                    churn_risk_reason="Asked about the cancellation process" if churn else "",
                    is_media=rng.random() < 0.01,
                )
            )
        for start in range(0, len(new), BATCH):
            with transaction.atomic():
                bulk_create_with_history(
                    new[start : start + BATCH],
                    Customer,
                    batch_size=BATCH,
                    default_user=self.actor,
                    default_change_reason="demo data",
                )
        return list(
            Customer.objects.filter(external_user_id__startswith=DEMO_PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _tickets(self, rng: random.Random, wanted: int, customer_ids: list[int], staff) -> int:
        existing = Ticket.objects.filter(customer__external_user_id__startswith=DEMO_PREFIX).count()
        todo = max(0, wanted - existing)
        if not todo:
            return 0
        categories = list(Category.objects.filter(is_active=True).select_related("route_to"))
        enterprise = set(
            Customer.objects.filter(pk__in=customer_ids, plan=Plan.ENTERPRISE).values_list(
                "pk", flat=True
            )
        )
        now = timezone.now()
        done = 0
        while done < todo:
            size = min(BATCH, todo - done)
            batch = [self._ticket(rng, now, categories, customer_ids, staff) for _ in range(size)]
            planned = self._escalations(rng, batch, staff, now)
            plans = [self._plan_clocks(t, t.customer_id in enterprise, now) for t in batch]
            with transaction.atomic():
                bulk_create_with_history(
                    batch,
                    Ticket,
                    batch_size=BATCH,
                    default_user=self.actor,
                    default_change_reason="demo data",
                )
                for ticket, ticket_plans in zip(batch, plans, strict=True):
                    for plan in ticket_plans:
                        plan.subject_id = ticket.pk
                escalations = bulk_create_with_history(
                    planned,
                    Escalation,
                    batch_size=BATCH,
                    default_user=self.actor,
                    default_change_reason="demo data",
                )
                acknowledgements = self._plan_acknowledgements(escalations, enterprise)
                sla.clocks_bulk_create([p for ps in plans for p in ps] + acknowledgements, now=now)
                self._department_requests(rng, escalations, now)
            done += size
            if self.verbosity:
                self._progress(done, todo)
        return todo

    def _escalations(self, rng, tickets: list[Ticket], staff, now) -> list[Escalation]:
        """Plan the hand-offs of tickets not yet inserted, and note on each ticket when it
        was first escalated and whether that was a repeat for its customer.

        Every demo ticket above L1 got there by a hand-off (pending if still escalated);
        a few L1 tickets had a hand-off returned as incomplete. Repeats are judged against
        the hand-offs planned so far, so a large seed is a close approximation.
        """
        if not hasattr(self, "_escalated_at"):
            self._escalated_at = {}
            for customer, at in Escalation.objects.filter(
                ticket__customer__external_user_id__startswith=DEMO_PREFIX
            ).values_list("ticket__customer_id", "requested_at"):
                self._escalated_at.setdefault(customer, []).append(at)
        rows = []
        for t in tickets:
            returned = t.tier == Tier.L1 and t.state != TicketState.NEW and rng.random() < 0.04
            if t.tier == Tier.L1 and not returned:
                continue
            until = t.resolved_at or now
            at = t.created_at
            # One hand-off per tier climbed: an L3 ticket went L1 → L2, then L2 → L3.
            for to_tier in range(Tier.L2, (Tier.L2 if returned else t.tier) + 1):
                last = to_tier == max(Tier.L2, t.tier)
                pending = last and t.state == TicketState.ESCALATED
                state = EscalationState.ACCEPTED
                if pending:
                    state = EscalationState.REQUESTED
                elif returned:
                    state = EscalationState.RETURNED
                asked_by = t.owner if pending or returned else rng.choice(staff[to_tier - 1])
                taker = t.owner if last else rng.choice(staff[to_tier])
                requested = at + min(timedelta(minutes=rng.randint(10, 240)), (until - at) * 0.4)
                answered = requested + min(
                    timedelta(minutes=rng.randint(2, 40)), (until - requested) * 0.5
                )
                at = answered
                below = rows[-1] if rows and rows[-1].ticket is t else None
                if below is not None and below.state == EscalationState.ACCEPTED:
                    below.left_at = requested  # the stay below ended with this hand-off
                    below.time_at_tier = requested - below.accepted_at
                    below.left_by = StayEnd.ESCALATED
                if t.first_escalated_at is None:
                    t.first_escalated_at = requested
                    t.escalated_after = requested - t.created_at
                rows.append(
                    Escalation(
                        ticket=t,
                        from_tier=to_tier - 1,
                        to_tier=to_tier,
                        type=EscalationType.FUNCTIONAL,
                        trigger=rng.choice(
                            [
                                Trigger.LACKS_EXPERTISE,
                                Trigger.NEEDS_ACCESS,
                                Trigger.CONFIRMED_BUG,
                                Trigger.CUSTOMER_REQUEST,
                            ]
                        ),
                        previous_owner=asked_by,
                        requested_by=asked_by,
                        requested_at=requested,
                        state=state,
                        accepted_by=taker if state == EscalationState.ACCEPTED else None,
                        accepted_at=answered if state == EscalationState.ACCEPTED else None,
                        returned_by=rng.choice(staff[Tier.L2]) if returned else None,
                        returned_at=answered if returned else None,
                        return_reason="No troubleshooting steps recorded" if returned else "",
                        summary=t.subject,
                        impact="Demo impact",
                        ongoing_since="Since the ticket opened",
                        troubleshooting="Demo steps: cleared cache, reconnected; same error.",
                        why_escalating="Demo escalation",
                        questions="What is the root cause?",
                        customer_expectation="A fix",
                        business_impact="Team blocked",
                        sentiment=t.sentiment,
                    )
                )
            last = rows[-1]
            if last.state == EscalationState.ACCEPTED and t.resolved_at is not None:
                last.left_at = t.resolved_at
                last.time_at_tier = t.resolved_at - last.accepted_at
                last.left_by = StayEnd.RESOLVED
            window = t.first_escalated_at - REPEAT_WINDOW
            earlier = self._escalated_at.setdefault(t.customer_id, [])
            t.repeat_escalation = any(window <= at < t.first_escalated_at for at in earlier)
            earlier.extend(r.requested_at for r in rows if r.ticket is t)
        return rows

    def _plan_acknowledgements(self, escalations, enterprise) -> list[sla.ClockPlan]:
        """The 15-minute acknowledgement target of every answered hand-off."""
        target = SlaSettings.load().acknowledgement_target
        plans, cycles = [], {}
        for e in escalations:
            answered = e.accepted_at or e.returned_at
            if answered is None:
                continue
            t = self._targets_for(e.ticket, e.ticket.customer_id in enterprise)
            cycles[e.ticket_id] = cycles.get(e.ticket_id, 0) + 1
            plans.append(
                sla.clock_plan(
                    sla.ClockPlan(
                        subject_type_id=self._ticket_type,
                        subject_id=e.ticket_id,
                        kind=ClockKind.ACKNOWLEDGEMENT,
                        calendar=t.calendar,
                        target=target,
                        started_at=e.requested_at,
                        warning_thresholds=[],
                        policy_version=t.policy_version,
                        stopped_at=answered,
                        cycle=cycles[e.ticket_id],
                    ),
                    self._schedules,
                )
            )
        return plans

    def _department_requests(self, rng, escalations, now) -> None:
        """Some escalated tickets needed another department (000 §4.2), most answered."""
        rows = []
        for e in escalations:
            t = e.ticket
            if e.accepted_at is None or rng.random() > 0.3:
                continue
            created = e.accepted_at + timedelta(minutes=rng.randint(10, 90))
            until = t.resolved_at or now
            if created >= until:
                continue
            answered = None
            if t.state != TicketState.WAITING_ON_DEPARTMENT:
                answered = min(created + timedelta(minutes=rng.randint(20, 600)), until)
            rows.append(
                DepartmentRequest(
                    ticket=t,
                    department=t.category.route_to,
                    needed="Check the account on the server side",
                    customer_impact="Customer blocked",
                    findings="Reproduced; logs attached",
                    channel_used="demo",
                    state=DepartmentRequestState.ANSWERED
                    if answered
                    else DepartmentRequestState.OPEN,
                    requested_by=e.accepted_by,
                    created_at=created,
                    answered_at=answered,
                    answer="Fixed on our side (demo)" if answered else "",
                )
            )
        bulk_create_with_history(
            rows,
            DepartmentRequest,
            batch_size=BATCH,
            default_user=self.actor,
            default_change_reason="demo data",
        )

    def _targets_for(self, ticket: Ticket, enterprise: bool) -> sla.Targets:
        if not hasattr(self, "_targets"):
            self._targets, self._schedules = {}, {}
            self._ticket_type = ContentType.objects.get_for_model(Ticket).pk
        key = (ticket.priority, enterprise, ticket.category.sla_response_target)
        if key not in self._targets:
            self._targets[key] = sla.targets_for(
                priority=key[0], enterprise=key[1], category_response=key[2]
            )
        return self._targets[key]

    def _plan_clocks(self, ticket: Ticket, enterprise: bool, now) -> list[sla.ClockPlan]:
        """SLA clocks of a demo ticket, and its SLA columns (before it is inserted).

        Active tickets get running clocks; finished ones a first response and a
        resolution that were met or missed, so the metrics have a history to show.
        """
        if ticket.state == TicketState.CANCELLED:
            return []
        t = self._targets_for(ticket, enterprise)
        finished = ticket.state not in ACTIVE_STATES
        kinds = [(ClockKind.RESOLUTION, t.resolution, ticket.resolved_at)]
        if ticket.state == TicketState.NEW or finished:
            kinds.insert(0, (ClockKind.FIRST_RESPONSE, t.first_response, ticket.first_response_at))
        paused = ticket.state == TicketState.WAITING_ON_CUSTOMER
        plans = [
            sla.clock_plan(
                sla.ClockPlan(
                    subject_type_id=self._ticket_type,
                    subject_id=None,
                    kind=kind,
                    calendar=t.calendar,
                    target=target,
                    started_at=ticket.created_at,
                    warning_thresholds=t.warning_thresholds,
                    policy_version=t.policy_version,
                    paused_since=now - (now - ticket.created_at) / 2 if paused else None,
                    stopped_at=stopped if finished else None,
                ),
                self._schedules,
            )
            for kind, target, stopped in kinds
        ]
        if finished:
            return plans
        if paused:
            ticket.sla_paused = True
        else:
            soonest = min(plans, key=lambda p: p.due_at)
            ticket.sla_due_at, ticket.sla_warn_at = soonest.due_at, soonest.warn_at
        return plans

    def _ticket(self, rng, now, categories, customer_ids, staff) -> Ticket:
        category = rng.choice(categories)
        state = rng.choice(STATES)
        # Roughly one ticket in six goes above L1 (001's target is under 15%).
        tier = rng.choice([Tier.L1] * 15 + [Tier.L2] * 2 + [Tier.L3])
        if state == TicketState.ESCALATED:
            tier = rng.choice([Tier.L2, Tier.L3])
        # While an escalation waits for acceptance, its requester (a tier below) still owns it.
        owner_tier = tier - 1 if state == TicketState.ESCALATED else tier
        # Work in progress is recent; finished work spreads over the last quarter.
        recent = state in ACTIVE_STATES
        created = now - timedelta(minutes=rng.randint(5, (4 if recent else 90) * 24 * 60))
        age = now - created
        responded = None if state == TicketState.NEW else created + age * rng.uniform(0, 0.1)
        resolved = closed = None
        csat = None
        if state in (TicketState.RESOLVED, TicketState.CLOSED):
            # First answer within hours, resolution within about a day (sometimes much later).
            responded = min(created + timedelta(minutes=rng.randint(5, 300)), now)
            took = timedelta(minutes=int(rng.expovariate(1 / (60 * 18 * tier))))
            resolved = min(responded + took, now - timedelta(minutes=1))
            csat = rng.choice([None, 2, 3, 4, 4, 5, 5, 5])
        if state == TicketState.CLOSED:
            closed = resolved + (now - resolved) * rng.uniform(0.1, 1)
        return Ticket(
            customer_id=rng.choice(customer_ids),
            category=category,
            priority=category.default_priority
            if rng.random() < 0.8
            else rng.choice(["critical", "high", "medium", "low"]),
            tier=tier,
            owner=rng.choice(staff[owner_tier]),
            subject=rng.choice(SUBJECTS),
            description="Demo ticket.",
            sentiment=rng.choice(
                [Sentiment.CALM] * 6 + [Sentiment.FRUSTRATED] * 3 + [Sentiment.ANGRY]
            ),
            state=state,
            created_at=created,
            first_response_at=responded,
            resolved_at=resolved,
            resolved_after=resolved - created if resolved else None,
            closed_at=closed,
            resolution_summary="Resolved (demo)." if resolved else "",
            csat=csat,
            resolved_by_specialist=rng.random() < 0.85 if closed and tier > Tier.L1 else None,
            first_level_possible=rng.random() < 0.12 if closed and tier > Tier.L1 else None,
            external_reference=f"ZD-{rng.randint(100000, 999999)}" if rng.random() < 0.5 else "",
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r  tickets [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
