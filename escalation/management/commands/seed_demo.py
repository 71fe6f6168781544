"""`manage.py seed_demo --tickets N`: demo logins and data (see `escalation.demo`).

Reads the options and the DEMO_PASSWORD environment variable, runs the seed, and says
what it did; every rule of the demo lives in `escalation.demo`.
"""

import os
import time

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from core.errors import ApplicationError
from escalation.demo.seed import seed_demo
from escalation.demo.words import DEMO_USERS


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
        verbosity: int,
        **options,
    ):
        try:
            seeded = seed_demo(
                tickets=tickets,
                customers=customers,
                allow_real_data=allow_real_data,
                seed=seed,
                password=os.environ.get("DEMO_PASSWORD", "demo"),
                progress=Bar(self.stderr) if verbosity else None,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if not verbosity:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {seeded.customers} customers, {seeded.tickets} tickets "
                f"({seeded.created} new)."
            )
        )
        self.stdout.write("Demo logins (password: $DEMO_PASSWORD, default 'demo'):")
        for username, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role}")


class Bar:
    """The tickets' progress on stderr: a bar redrawn in place on a terminal, a plain line
    per batch otherwise (a log stays readable). Nothing at verbosity 0."""

    WIDTH = 30

    def __init__(self, out: OutputWrapper) -> None:
        self.out = out
        self.terminal = out.isatty()
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        filled = self.WIDTH * done // total if total else self.WIDTH
        left = f", ~{elapsed * (total - done) / done:.0f} s left" if 0 < done < total else ""
        line = (
            f"  tickets [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} "
            f"{elapsed:.0f} s{left}"
        )
        if not self.terminal:
            self.out.write(line, style_func=_plain)
            return
        end = "\n" if done >= total else ""
        # Not in stderr's error colour: the bar is no error.
        self.out.write(f"\r{line}\033[K", style_func=_plain, ending=end)
        self.out.flush()


def _plain(text: str) -> str:
    return text
