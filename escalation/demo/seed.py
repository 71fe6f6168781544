"""The demo seed as one function, so `manage.py seed_demo`, tests and the bench share it.

Why it refuses and why it batches: demo rows must never mix into a database holding
real tickets (unless asked), and 100,000 tickets must load in minutes, so tickets,
hand-offs, targets and department requests are planned in memory and inserted in
batches with their history rows, in one transaction per batch.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.actors import system_user
from core.errors import InvalidInput
from escalation.models import (
    Category,
    Customer,
    DepartmentRequest,
    Escalation,
    Plan,
    RefusedEscalation,
    Ticket,
)
from sla import services as sla

from .handoffs import HandoffPlanner, department_requests_plan
from .people import Staff, customers_ensure, directory_ensure, staff_ensure
from .refusals import refusals_plan
from .targets import TargetPlanner
from .tickets import category_weights, ticket_draw
from .words import BATCH, DEMO_PREFIX, REASON

Progress = Callable[[int, int], None]  # (tickets done, tickets to do)


@dataclass(frozen=True)
class Seeded:
    customers: int
    tickets: int
    created: int  # tickets added by this run


def seed_demo(
    *,
    tickets: int,
    password: str,
    customers: int | None = None,
    allow_real_data: bool = False,
    seed: int = 42,
    progress: Progress | None = None,
) -> Seeded:
    """Demo users of every role (the six logins use `password`), and demo customers and
    tickets topped up to the counts asked for (customers: tickets / 10, at least 20).
    Running it twice adds nothing.

    Raises InvalidInput for a negative count, for a database holding tickets of
    non-demo customers (unless `allow_real_data`), and before migrations have run.
    """
    if tickets < 0:
        raise InvalidInput("--tickets must be zero or more.")
    real = Ticket.objects.exclude(customer__external_user_id__startswith=DEMO_PREFIX)
    if real.exists() and not allow_real_data:
        raise InvalidInput(
            "This database holds tickets that are not demo data; refusing to mix demo rows "
            "into it. Use --allow-real-data if you really mean to."
        )
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    staff = staff_ensure(password)
    actor = system_user()
    directory_ensure(staff, actor)
    customer_ids = customers_ensure(rng, customers or max(20, tickets // 10), staff, actor)
    created = _tickets_ensure(rng, tickets, customer_ids, staff, actor, progress)
    return Seeded(customers=len(customer_ids), tickets=tickets, created=created)


def _tickets_ensure(
    rng: random.Random,
    wanted: int,
    customer_ids: list[int],
    staff: Staff,
    actor,
    progress: Progress | None,
) -> int:
    demo = Ticket.objects.filter(customer__external_user_id__startswith=DEMO_PREFIX)
    todo = max(0, wanted - demo.count())
    if not todo:
        return 0
    categories = list(Category.objects.filter(is_active=True).select_related("route_to"))
    enterprise = set(
        Customer.objects.filter(pk__in=customer_ids, plan=Plan.ENTERPRISE).values_list(
            "pk", flat=True
        )
    )
    targets = TargetPlanner(enterprise)
    handoffs = HandoffPlanner(targets.acknowledgement)
    weights = category_weights(categories)
    now = timezone.now()
    done = 0
    while done < todo:
        size = min(BATCH, todo - done)
        batch = [
            ticket_draw(rng, now, categories, weights, customer_ids, staff, targets)
            for _ in range(size)
        ]
        planned = handoffs.plan(rng, batch, staff, now)
        clocks = [targets.ticket_clocks(t, now) for t in batch]
        _insert(rng, batch, planned, clocks, targets, actor, now)
        done += size
        if progress is not None:
            progress(done, todo)
    return todo


@transaction.atomic
def _insert(rng, batch, planned, clocks, targets: TargetPlanner, actor, now: datetime) -> None:
    """One batch: tickets, then what refers to them, each with its history rows."""
    history = {"batch_size": BATCH, "default_user": actor, "default_change_reason": REASON}
    bulk_create_with_history(batch, Ticket, **history)
    for ticket, plans in zip(batch, clocks, strict=True):
        for plan in plans:
            plan.subject_id = ticket.pk
    escalations = bulk_create_with_history(planned, Escalation, **history)
    acknowledgements = targets.acknowledgements(escalations)
    sla.clocks_bulk_create([p for ps in clocks for p in ps] + acknowledgements, now=now)
    requests = department_requests_plan(rng, escalations, now)
    bulk_create_with_history(requests, DepartmentRequest, **history)
    escalated = {e.ticket_id for e in escalations}
    RefusedEscalation.objects.bulk_create(refusals_plan(rng, batch, escalated, now))
