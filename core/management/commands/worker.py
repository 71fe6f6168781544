"""Start the background worker (django-q2's cluster), catching up first.

The cluster's scheduler first ticks 30 s after it starts; a worker restarted after a crash
would leave its backlog (outbox messages, due SLA timers) waiting until then. This queues
one run of each periodic task before the cluster starts, so the backlog drains at once.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_q.tasks import async_task

from core.schedules import PERIODIC_TASKS


class Command(BaseCommand):
    help = "Queue one run of every periodic task, then run the django-q2 cluster."

    def handle(self, *args: object, **options: object) -> None:
        for task in PERIODIC_TASKS:
            async_task(task.func)
        call_command("qcluster")
