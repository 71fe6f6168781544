"""The demo seed as one function, so `manage.py seed_demo`, tests and the bench share it.

Why it refuses and why it batches: demo rows must never mix into a database holding
real tickets (unless asked), and 100,000 tickets must load in under a minute, so
tickets, hand-offs, targets and department requests are planned in memory and written
straight to the database (`rows`) in batches with their history rows, one transaction
per batch, on a connection tuned for loading (`database`). `finish` runs after the last
batch: steps over the whole data set go there.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core import rows
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

from ..metrics.rollup import metrics_rollup_rebuild
from . import database
from .handoffs import HandoffPlanner, department_requests_plan
from .people import Staff, customers_ensure, directory_ensure, staff_ensure
from .refusals import refusals_plan
from .targets import TargetPlanner
from .tickets import category_weights, ticket_draw
from .words import BATCH, DEMO_PREFIX, REASON

ROLLUP_DAYS = 91  # the dashboard's longest preset period, and today's day before it

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
    with database.loading():
        staff = staff_ensure(password)
        actor = system_user()
        directory_ensure(staff, actor)
        customer_ids = customers_ensure(rng, customers or max(20, tickets // 10), staff, actor)
        created = _tickets_ensure(rng, tickets, customer_ids, staff, actor, progress)
        finish(created=created)
    return Seeded(customers=len(customer_ids), tickets=tickets, created=created)


def finish(*, created: int) -> None:
    """What runs once the rows are in, every run: the place for steps that work over the
    whole seeded data set rather than batch by batch (rebuilding stored figures such as
    metrics rollups, filling derived columns), each in its own transaction and before
    the statistics are taken. `created`: the tickets this run added (0 on a re-run).

    Last, when anything was added, the planner's statistics (`database.analyze`), so the
    first page a user opens at 100,000 tickets already uses the right indexes.
    """
    if created:
        # The dashboard's periods (up to 90 days) read their past days from rollups; the
        # scheduled refresh fills older days on its first run.
        metrics_rollup_rebuild(start=timezone.localdate() - timedelta(days=ROLLUP_DAYS))
        database.analyze()


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
    if progress is not None:
        progress(done, todo)
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
    """One batch: tickets, then what refers to them, each with its history rows (as
    `bulk_create_with_history` writes them, `rows` says how)."""
    _with_history(Ticket, batch, actor)
    for ticket, plans in zip(batch, clocks, strict=True):
        for plan in plans:
            plan.subject_id = ticket.pk
    _with_history(Escalation, planned, actor)
    acknowledgements = targets.acknowledgements(planned)
    sla.clocks_bulk_create([p for ps in clocks for p in ps] + acknowledgements, now=now)
    requests = department_requests_plan(rng, planned, now)
    _with_history(DepartmentRequest, requests, actor)
    escalated = {e.ticket_id for e in planned}
    rows.insert_reserving_ids(RefusedEscalation, refusals_plan(rng, batch, escalated, now))


def _with_history(model, objs: list, actor) -> None:
    rows.insert_reserving_ids(model, objs)
    rows.insert_history(model, objs, user_id=actor.pk, reason=REASON)
