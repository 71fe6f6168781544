"""`make bench-scale`: does the product go faster with more processes? On PostgreSQL and
Redis, the same work with 1 web process and 1 `qcluster` worker, then with 2 of each:

- web: requests/s of the agents' queue page from 8 client threads for a few seconds;
- sweep: 10,000 due SLA breach timers, fired by the workers (the scheduled sweep asks
  the other workers to help; SKIP LOCKED keeps them apart), timers/s;
- outbox: 5,000 pending emails to a real SMTP server on 127.0.0.1, messages/s.

Prints the figures and the ratios; never fails on time. BENCH_SCALE_DATABASE_URL and
BENCH_SCALE_REDIS_URL point elsewhere (defaults: this machine's PostgreSQL and Redis);
BENCH_SCALE_TICKETS (default 40000) sets the volume seeded first.
"""

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DATABASE = os.environ.get(
    "BENCH_SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/escalation_bench_scale"
)
REDIS = os.environ.get("BENCH_SCALE_REDIS_URL", "redis://127.0.0.1:6379/12")
TICKETS = int(os.environ.get("BENCH_SCALE_TICKETS", "40000"))
TIMERS = int(os.environ.get("BENCH_SCALE_TIMERS", "10000"))
MESSAGES = int(os.environ.get("BENCH_SCALE_MESSAGES", "5000"))
WEB_SECONDS = float(os.environ.get("BENCH_SCALE_WEB_SECONDS", "8"))
CLIENTS = 8
PORT = 8765


def main() -> int:
    from tests.servers.smtp import SmtpServer

    smtp = SmtpServer().start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "DATABASE_URL": DATABASE,
        "REDIS_URL": REDIS,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "Q_SCHEDULER": "false",  # the bench queues each run itself
        "Q_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    _recreate_database()
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - fixed arguments
        [*manage, "seed_demo", "--tickets", str(TICKETS), "-v", "0"], cwd=ROOT, env=env, check=True
    )
    print(f"seeded {TICKETS} tickets on PostgreSQL in {time.perf_counter() - started:.1f} s")  # noqa: T201

    import django

    django.setup()
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    cookie = _session_cookie("agent")
    timer_sets = _timer_sets(TIMERS)
    results: dict[int, dict[str, float]] = {}
    cpu: dict[int, str] = {}
    for n in (1, 2):
        results[n] = {"web": _web(env, n, cookie)}
        results[n]["sweep"], cpu[n] = _sweep(env, n, timer_sets[n - 1])
        results[n]["outbox"] = _outbox(env, n, smtp, tag=n)
    smtp.stop()
    print(f"{'figure':<44} {'1 + 1':>10} {'2 + 2':>10} {'ratio':>7}")  # noqa: T201
    for key, label in (
        ("web", "web: agents' queue page, requests/s"),
        ("sweep", f"sweep: {TIMERS} breach timers, timers/s"),
        ("outbox", f"outbox: {MESSAGES} emails to SMTP, messages/s"),
    ):
        one, two = results[1][key], results[2][key]
        print(f"{label:<44} {one:>10.1f} {two:>10.1f} {two / one:>6.2f}x")  # noqa: T201
    for n, text in cpu.items():
        print(f"sweep with {n} + {n}: {text}")  # noqa: T201
    return 0


class Cpu:
    """How many of the machine's cores were busy while a block ran (workers, PostgreSQL
    and all). If one sweeper with its database already keeps most cores busy, a second
    can only add what is left: the cores, not the sweepers, are the limit."""

    def __enter__(self) -> "Cpu":
        self.started, self.busy, self.total = time.monotonic(), *_machine_jiffies()
        self.text = ""
        return self

    def __exit__(self, *exc) -> None:
        busy, total = _machine_jiffies()
        share = (busy - self.busy) / max(1, total - self.total)
        cores = os.cpu_count() or 1
        self.text = (
            f"cores busy {share * cores:.2f} of {cores} over "
            f"{time.monotonic() - self.started:.1f} s"
        )


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot (/proc/stat; idle and iowait idle)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _recreate_database() -> None:
    import psycopg

    name = DATABASE.rsplit("/", 1)[1]
    if "bench" not in name:
        raise SystemExit(f"refusing to recreate {name!r}: its name must contain 'bench'")
    admin = DATABASE.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _session_cookie(username: str) -> str:
    """A signed-in session for `username`, as the login page would leave it."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _timer_sets(size: int) -> list[list[int]]:
    """Two sets of pending breach timers with the same mix of kinds (alternate rows)."""
    from sla.models import Timer

    pending = list(
        Timer.objects.filter(fired_at__isnull=True, kind__endswith=".breach")
        .order_by("pk")
        .values_list("pk", flat=True)[: 2 * size]
    )
    return [pending[0::2], pending[1::2]]


def _start(command: list[str], env: dict, count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(  # noqa: S603 - fixed arguments
            command,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _web(env: dict, workers: int, cookie: str) -> float:
    """Requests/s of the agents' queue from CLIENTS threads, keep-alive, for WEB_SECONDS."""
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{PORT}",
    ]
    server = _start(command, env, 1)
    _wait_for_port()
    done = [0] * CLIENTS
    stop_at = time.monotonic() + 2  # warming every worker up first

    def client(i: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.monotonic() < stop_at:
            connection.request("GET", "/desk/", headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"/desk/ answered {response.status}")
            done[i] += 1

    warm = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    done = [0] * CLIENTS
    stop_at = time.monotonic() + WEB_SECONDS
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    _stop(server)
    return sum(done) / elapsed


def _wait_for_port() -> None:
    import socket

    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def _sweep(env: dict, workers: int, timer_ids: list[int]) -> tuple[float, str]:
    """Timers/s: these timers made due at once, the scheduled sweep queued once; and how
    busy the cores were meanwhile."""
    from django.core.cache import cache
    from django.utils import timezone
    from django_q.tasks import async_task

    from sla.models import Timer
    from sla.tasks import HELPERS_ASKED

    cache.delete(HELPERS_ASKED)  # the previous run's "helpers asked" must not hold this one back
    cluster = _start([sys.executable, "manage.py", "qcluster"], env, workers)
    time.sleep(4)  # the clusters' workers are up
    Timer.objects.filter(pk__in=timer_ids).update(due_at=timezone.now())
    left = Timer.objects.filter(pk__in=timer_ids, fired_at__isnull=True)
    with Cpu() as used:
        started = time.monotonic()
        async_task("sla.tasks.sweep_due_timers")
        while left.exists() and time.monotonic() - started < 600:
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    _stop(cluster)
    return len(timer_ids) / elapsed, used.text


def _outbox(env: dict, workers: int, smtp, *, tag: int) -> float:
    """Messages/s: MESSAGES pending emails, the scheduled drain queued once."""
    from django.utils import timezone
    from django_q.tasks import async_task

    from outbox.models import OutboxMessage

    cluster = _start([sys.executable, "manage.py", "qcluster"], env, workers)
    time.sleep(4)
    # What the sweep queued is sent first, so only this batch is timed.
    pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING)
    pending.update(state=OutboxMessage.State.FAILED)
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            event_key=f"bench:{tag}:{i}",
            recipient=f"customer{i}@example.com",
            subject=f"Update {i}",
            body="Your ticket was updated.",
            next_attempt_at=now,
        )
        for i in range(MESSAGES)
    )
    batch = OutboxMessage.objects.filter(event_key__startswith=f"bench:{tag}:")
    sent = batch.filter(state=OutboxMessage.State.SENT)
    started = time.monotonic()
    async_task("outbox.tasks.retry_due_outbox_messages")
    while sent.count() < MESSAGES and time.monotonic() - started < 600:
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    _stop(cluster)
    return sent.count() / elapsed


if __name__ == "__main__":
    sys.exit(main())
