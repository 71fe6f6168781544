"""`make bench`: seed a throw-away database and print latency figures for the hot pages.

Prints figures only; it never fails on time. BENCH_TICKETS (default 100000) sets the
volume, BENCH_DATABASE_URL the database (default: a fresh SQLite file under var/;
`make bench-pg` uses this machine's PostgreSQL, a database named *bench* is recreated).
Tasks go to Redis (BENCH_REDIS_URL, default this machine's) when it answers, as in
production; otherwise to the database. `make bench-scale` (tests/load/scale_out.py)
compares 1 web process and 1 worker with 2 of each.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
DB_FILE = ROOT / "var" / "bench.sqlite3"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{DB_FILE}")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["DEBUG"] = "false"
os.environ["ALLOWED_HOSTS"] = "testserver"

WARMUP = 5
RUNS = 30


def main() -> None:
    if "BENCH_DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        _recreate_postgres(os.environ["DATABASE_URL"])
    _use_redis_if_it_answers()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", tickets=TICKETS, verbosity=0)
    seeded = time.perf_counter() - started
    tasks = "redis" if "REDIS_URL" in os.environ else "database"
    print(f"database: {connection.vendor}; tasks: {tasks}")  # noqa: T201
    print(f"seed_demo --tickets {TICKETS}: {seeded:.1f} s")  # noqa: T201
    from escalation.metrics.scope import local_midnight
    from escalation.models import Ticket

    today = Ticket.objects.filter(created_at__gte=local_midnight(timezone.localdate())).count()
    print(f"tickets opened today (the dashboard's live part): {today}")  # noqa: T201

    client = Client()
    changelist = reverse("admin:escalation_ticket_changelist")
    pages = [
        ("admin ticket list, first page", changelist, {}),
        (
            "admin ticket list, filtered (open, high)",
            changelist,
            {"state__exact": "open", "priority__exact": "high"},
        ),
        ("admin ticket list, search (customer name)", changelist, {"q": "Priya"}),
        ("admin ticket list, search (reference)", changelist, {"q": "ESC-000777"}),
    ]
    pages += metrics_pages()
    pages += audit_pages_if_present(client)
    pages += desk_pages()
    # "sql ms": the page's own queries as the driver timed them, the floor a page can reach.
    print(f"{'page':<50} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'sql ms':>7}")  # noqa: T201
    users = {}
    for label, url, params, *who in pages:
        # Each page as the role that uses it: leads by default, auditors the trail.
        username = who[0] if who else "lead"
        if username not in users:
            users[username] = get_user_model().objects.get(username=username)
        client.force_login(users[username])
        for _ in range(WARMUP):
            client.get(url, params)
        timings = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code  # noqa: S101
        floors = []
        for _ in range(5):
            timer = SqlTimer()
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timer):
                client.get(url, params)
            floors.append(timer.seconds * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(  # noqa: T201
            f"{label:<50} {statistics.median(timings):>10.1f} {p95:>8.1f} "
            f"{len(queries.captured_queries):>8} {statistics.median(floors):>7.1f}"
        )
    bench_sweep()


def _recreate_postgres(url: str) -> None:
    """A fresh database for each run; only one whose name says it is for benchmarks."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        raise SystemExit(f"refusing to recreate {name!r}: its name must contain 'bench'")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _use_redis_if_it_answers() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_timeout=1).flushdb()
    except redis.RedisError:
        print("Redis does not answer: tasks are queued in the database")  # noqa: T201
        return
    os.environ["REDIS_URL"] = REDIS


def metrics_pages() -> list:
    """The leads' metrics (aggregated in the database) over three periods and with filters."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    dashboard = reverse("metrics:dashboard")
    yesterday = timezone.localdate() - timedelta(days=1)
    # Days past are read from the daily rollups; today is computed live, and the demo
    # opens a third of its tickets today (the 90 days to yesterday show the rollups alone).
    past = {
        "period": "custom",
        "from": (yesterday - timedelta(days=89)).isoformat(),
        "to": yesterday.isoformat(),
    }
    return [
        ("metrics: dashboard, last 30 days", dashboard, {"period": "30"}),
        ("metrics: dashboard, last 90 days", dashboard, {"period": "90"}),
        (
            "metrics: dashboard, 90 days, high + enterprise",
            dashboard,
            {"period": "90", "priority": "high", "plan": "enterprise"},
        ),
        ("metrics: CSV of the figures, 90 days", dashboard, {"period": "90", "export": "figures"}),
        ("metrics: dashboard, 90 days to yesterday (rollups)", dashboard, past),
        (
            "metrics: dashboard, 90 days to yesterday, filtered",
            dashboard,
            {**past, "priority": "high", "plan": "enterprise"},
        ),
        ("metrics: customer summary, last month", reverse("metrics:customers"), {}),
    ]


def audit_pages_if_present(client) -> list:
    """The auditors' trail, timed as the demo auditor."""
    try:
        from tests.load.audit_bench import audit_pages
    except ImportError:
        return []
    return [(*page, "auditor") for page in audit_pages(client)]


def desk_pages() -> list:
    """My queue for a busy agent, and a ticket page with 20 timeline entries."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from escalation import services
    from escalation.models import ACTIVE_STATES, Ticket

    agent = get_user_model().objects.get(username="agent")
    ticket = Ticket.objects.filter(owner=agent, state__in=ACTIVE_STATES).order_by("pk").first()
    have = ticket.communications.count()
    for n in range(have, 20):
        services.communication_log(
            ticket=ticket,
            actor=agent,
            direction="internal",
            channel="internal",
            body=f"bench note {n}",
        )
    mine = Ticket.objects.filter(owner=agent, state__in=ACTIVE_STATES).count()
    return [
        (f"desk: my queue ({mine} active tickets)", reverse("desk:queue"), {}, "agent"),
        (
            "desk: ticket page (20+ timeline entries)",
            reverse("desk:ticket", args=[ticket.pk]),
            {},
            "agent",
        ),
    ]


class SqlTimer:
    """The time spent in a page's statements, as Django's query log measures it (around
    the driver's execute) but to the microsecond: the log rounds each query to a whole
    millisecond, so a page of twelve fast queries read as anything from 0 to 12 ms."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def bench_sweep() -> None:
    """The SLA sweep with nothing due, then with 10,000 timers due at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from escalation.models import ACTIVE_STATES, Ticket
    from outbox.models import OutboxMessage
    from sla import services as sla
    from sla.models import Timer

    open_tickets = Ticket.objects.filter(state__in=ACTIVE_STATES).count()
    pending = Timer.objects.filter(fired_at__isnull=True).count()
    sla.sweep()  # anything due since seeding
    timings = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            fired = sla.sweep()
        timings.append((time.perf_counter() - t0) * 1000)
    print(  # noqa: T201
        f"sla sweep, nothing due ({open_tickets} open tickets, {pending} pending timers): "
        f"median {statistics.median(timings):.2f} ms, {len(queries.captured_queries)} queries, "
        f"fired {fired}"
    )
    due = list(
        Timer.objects.filter(fired_at__isnull=True, kind__endswith=".breach")
        .order_by("pk")
        .values_list("pk", flat=True)[:10000]
    )
    Timer.objects.filter(pk__in=due).update(due_at=timezone.now())  # no history on timers
    outbox_before = OutboxMessage.objects.count()
    t0 = time.perf_counter()
    fired = sla.sweep()
    seconds = time.perf_counter() - t0
    print(  # noqa: T201
        f"sla sweep, {len(due)} breach timers due at once (one sweeper): {seconds:.2f} s, "
        f"{fired / seconds:.0f} timers/s, fired {fired}, "
        f"{OutboxMessage.objects.count() - outbox_before} outbox rows"
    )


if __name__ == "__main__":
    main()
