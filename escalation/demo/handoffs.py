"""The hand-offs and department requests behind the demo tickets, planned in memory.

Apart from the ticket draw because a hand-off depends on the customer's earlier ones (a
repeat escalation) and ends the stay below it: the rules for both come from
`escalation.accounting`, the same functions the services apply, so the demo's time at
tier and repeat figures follow the rules real tickets follow. What agents wrote in them
comes from `stories`, in the terms of the ticket's category group.
"""

import random
from datetime import datetime, timedelta

from contacts.routing import email_of
from core.choices import Tier
from escalation.accounting import CustomerHandoffs, Handoff, Stay, ended_stay, first_escalation
from escalation.models import (
    Customer,
    DepartmentRequest,
    DepartmentRequestState,
    Escalation,
    EscalationState,
    EscalationType,
    StayEnd,
    Ticket,
    TicketState,
    Trigger,
)

from .people import Staff
from .stories import department_text, handoff_text
from .words import DEMO_PREFIX, LATE_ACKNOWLEDGEMENT

# Where a customer usually cannot work until it is solved (not a question or a request).
BLOCKING_GROUPS = frozenset({"technical", "account_access", "service_outage"})
TRIGGERS = [
    Trigger.LACKS_EXPERTISE,
    Trigger.NEEDS_ACCESS,
    Trigger.CONFIRMED_BUG,
    Trigger.CUSTOMER_REQUEST,
]


class HandoffPlanner:
    """Plans hand-offs batch after batch, remembering each demo customer's hand-offs
    (those already in the database, then those planned) to tell repeats apart. A hand-off
    names its ticket by id, or a planned ticket (not saved yet) by its place in the plan."""

    def __init__(self, acknowledgement: timedelta) -> None:
        self.acknowledgement = acknowledgement  # hand-offs are mostly accepted within it
        self.earlier: dict[int, list[Handoff]] = {}
        self.planned = 0
        self.customers = {
            c.pk: c
            for c in Customer.objects.filter(external_user_id__startswith=DEMO_PREFIX).only(
                "external_user_id", "name", "email", "company", "plan"
            )
        }
        for customer, ticket, at, trigger in Escalation.objects.filter(
            ticket__customer__external_user_id__startswith=DEMO_PREFIX
        ).values_list("ticket__customer_id", "ticket_id", "requested_at", "trigger"):
            self.earlier.setdefault(customer, []).append((ticket, at, trigger))

    def plan(
        self, rng: random.Random, tickets: list[Ticket], staff: Staff, now: datetime
    ) -> list[Escalation]:
        """The hand-offs of tickets not yet inserted; notes on each ticket when it was
        first escalated and whether that was a repeat for its customer.

        Every demo ticket above L1 got there by a hand-off (pending if still escalated);
        a few L1 tickets had a hand-off returned as incomplete. Repeats are judged against
        the hand-offs planned so far, so a large seed is a close approximation.
        """
        rows: list[Escalation] = []
        for t in tickets:
            returned = t.tier == Tier.L1 and t.state != TicketState.NEW and rng.random() < 0.04
            if t.tier == Tier.L1 and not returned:
                continue
            mine = self._climb(rng, t, staff, now, returned)
            last = mine[-1]
            if last.state == EscalationState.ACCEPTED and t.resolved_at is not None:
                ended_stay(Stay.of(last), at=t.resolved_at, how=StayEnd.RESOLVED).apply(last)
            self.planned += 1
            self.earlier.setdefault(t.customer_id, []).extend(
                (("planned", self.planned), e.requested_at, e.trigger) for e in mine
            )
            rows += mine
        return rows

    def _climb(
        self, rng: random.Random, t: Ticket, staff: Staff, now: datetime, returned: bool
    ) -> list[Escalation]:
        """One hand-off per tier climbed: an L3 ticket went L1 → L2, then L2 → L3."""
        rows: list[Escalation] = []
        until = t.resolved_at or now
        at = t.created_at
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
            answered = requested + min(self._acknowledged_after(rng), (until - requested) * 0.5)
            at = answered
            below = rows[-1] if rows else None
            if below is not None and below.state == EscalationState.ACCEPTED:
                # The stay below ended with this hand-off.
                ended_stay(Stay.of(below), at=requested, how=StayEnd.ESCALATED).apply(below)
            trigger = rng.choice(TRIGGERS)
            if t.first_escalated_at is None:  # its own hand-offs join `earlier` after
                earlier = CustomerHandoffs(
                    trigger=trigger, others=tuple(self.earlier.get(t.customer_id, []))
                )
                for name, value in first_escalation(
                    created_at=t.created_at, at=requested, earlier=earlier
                ).items():
                    setattr(t, name, value)
            returner = rng.choice(staff[Tier.L2]) if returned else None
            rows.append(
                Escalation(
                    ticket=t,
                    from_tier=to_tier - 1,
                    to_tier=to_tier,
                    type=EscalationType.FUNCTIONAL,
                    trigger=trigger,
                    previous_owner=asked_by,
                    requested_by=asked_by,
                    requested_at=requested,
                    state=state,
                    accepted_by=taker if state == EscalationState.ACCEPTED else None,
                    accepted_at=answered if state == EscalationState.ACCEPTED else None,
                    returned_by=returner,
                    returned_at=answered if returned else None,
                    return_reason="No troubleshooting steps recorded" if returned else "",
                    **handoff_text(rng, t.category.code, t.category.group),
                    summary=t.subject,
                    ongoing_since=f"Since {t.created_at:%d %b %H:%M} UTC",
                    customer_blocked=t.category.group in BLOCKING_GROUPS,
                    required_info=self._required_info(rng, t),
                    sentiment=t.sentiment,
                )
            )
        return rows

    def _acknowledged_after(self, rng: random.Random) -> timedelta:
        """How long the next tier took to accept: within the acknowledgement target but
        for a few (`words.LATE_ACKNOWLEDGEMENT`), as on a desk that watches its queue."""
        if rng.random() < LATE_ACKNOWLEDGEMENT:
            return self.acknowledgement * rng.uniform(1.1, 3)
        return self.acknowledgement * rng.uniform(0.1, 0.9)

    def _required_info(self, rng: random.Random, t: Ticket) -> dict[str, str]:
        """The items the category asks a hand-off to carry (003 "Include: ..."), filled
        from the ticket and its customer, as the desk's hand-off form would be."""
        customer = self.customers.get(t.customer_id)
        values = {
            "user_id": customer.external_user_id if customer else "",
            "timestamp": f"{t.created_at:%Y-%m-%d %H:%M} UTC",
            "description": t.subject,
            "transaction_id": f"TX-{rng.randint(10**7, 10**8 - 1)}",
            "amount": f"${rng.randint(19, 2400)}.00",
            "affected_users": str(rng.randint(2, 400)),
            "features_impacted": t.subject,
            "diagnostics": "HAR file, console log and request IDs attached.",
            "verification_details": "Email code matched; last invoice amount matched.",
            "conversation_history": "Full conversation attached.",
            "company_name": (customer.company or customer.name) if customer else "",
            "current_plan": customer.get_plan_display() if customer else "",
            "specific_request": t.subject,
            "use_case": t.subject,
            "contact_info": customer.email if customer else "",
        }
        return {code: values.get(code, t.subject) for code in t.category.required_info}


def department_requests_plan(
    rng: random.Random, escalations: list[Escalation], now: datetime
) -> list[DepartmentRequest]:
    """Some escalated tickets needed another department (000 §4.2), most answered, in the
    words of the ticket's category group."""
    rows = []
    reached: dict[int, str] = {}
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
        department = t.category.route_to
        if department.pk not in reached:  # as the service records it (one lookup each)
            email = email_of(department)
            reached[department.pk] = f"Email: {email}" if email else ""
        needed, findings, answer = department_text(rng, t.category.group)
        rows.append(
            DepartmentRequest(
                ticket=t,
                department=department,
                needed=needed,
                customer_impact=e.impact,
                findings=findings,
                channel_used=reached[department.pk],
                state=DepartmentRequestState.ANSWERED if answered else DepartmentRequestState.OPEN,
                requested_by=e.accepted_by,
                created_at=created,
                answered_at=answered,
                answer=answer if answered else "",
            )
        )
    return rows
