"""Crash drill for the outbox (issue 13): 10,000 pending messages, `kill -9` of the worker
cluster while it drains them, a restart, and how long the rest takes, with a real SMTP
server on 127.0.0.1 counting what arrives (and what arrives twice).

    make drill                     # PostgreSQL + Redis on this machine (the default)
    DRILL_MESSAGES=2000 make drill

Prints the figures; exits non-zero if a message is lost or the restart does not drain
within DRILL_TARGET_SECONDS (60). Not part of the test suite: it takes a minute or two.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MESSAGES = int(os.environ.get("DRILL_MESSAGES", "10000"))
KILL_AFTER = int(os.environ.get("DRILL_KILL_AFTER", str(MESSAGES // 5)))
TARGET = float(os.environ.get("DRILL_TARGET_SECONDS", "60"))
DATABASE = os.environ.get(
    "DRILL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/escalation_drill"
)
REDIS = os.environ.get("DRILL_REDIS_URL", "redis://127.0.0.1:6379/14")


def main() -> int:
    from tests.servers.smtp import SmtpServer

    smtp = SmtpServer().start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DATABASE_URL": DATABASE,
        "REDIS_URL": REDIS,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "Q_WORKERS": os.environ.get("Q_WORKERS", "2"),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    _recreate_database()
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )

    import django

    django.setup()
    import redis
    from django.utils import timezone

    from outbox.models import OutboxMessage

    redis.Redis.from_url(REDIS).flushdb()
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            event_key=f"drill:{i}",
            recipient=f"customer{i}@example.com",
            subject=f"Update {i}",
            body="Your ticket was updated.",
            next_attempt_at=now,
        )
        for i in range(MESSAGES)
    )
    sent = OutboxMessage.objects.filter(state=OutboxMessage.State.SENT)

    cluster = _start(env)
    started = time.monotonic()
    while sent.count() < KILL_AFTER and time.monotonic() - started < 180:
        time.sleep(0.2)
    os.killpg(cluster.pid, signal.SIGKILL)
    cluster.wait()
    at_kill = sent.count()
    print(f"kill -9 of the cluster after {at_kill} of {MESSAGES} messages were recorded sent")

    cluster = _start(env)
    restarted = time.monotonic()
    while sent.count() < MESSAGES and time.monotonic() - restarted < 300:
        time.sleep(0.2)
    drained = time.monotonic() - restarted
    _stop(cluster)
    smtp.stop()

    received = [m["Message-ID"] for m in smtp.handler.accepted]
    distinct = len(set(received))
    pending = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).count()
    print(f"restart -> all {MESSAGES} recorded sent in {drained:.1f} s (target {TARGET:.0f} s)")
    print(f"SMTP server accepted {len(received)} messages, {distinct} distinct Message-IDs")
    print(f"duplicates: {len(received) - distinct} (same Message-ID, droppable by the receiver)")
    print(f"lost (never received): {MESSAGES - distinct}; not recorded sent: {pending}")
    ok = distinct == MESSAGES and pending == 0 and drained <= TARGET
    print("drill passed" if ok else "drill FAILED")
    return 0 if ok else 1


def _recreate_database() -> None:
    import psycopg

    name = DATABASE.rsplit("/", 1)[1]
    admin = DATABASE.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _start(env: dict) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "worker"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: kill -9 reaches every worker
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(cluster: subprocess.Popen) -> None:
    os.killpg(cluster.pid, signal.SIGTERM)
    try:
        cluster.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait()


if __name__ == "__main__":
    sys.exit(main())
