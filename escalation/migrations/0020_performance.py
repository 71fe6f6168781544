"""Performance at 100,000 tickets (issue 18).

The agents' queue: `Ticket.queue_rank`, a column the database computes from the state and
the SLA columns (filled for existing rows when the column is added, and on every insert
and update after, bulk ones included), and a partial index over the active tickets in the
queue's order, so a page of the queue is one index range scan.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0019_tier_clocks"),
        ("sla", "0009_sweep"),
    ]
    operations: list = [
        migrations.AddField(
            model_name="ticket",
            name="queue_rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(
                        models.Q(
                            (
                                "state__in",
                                [
                                    "new",
                                    "open",
                                    "escalated",
                                    "waiting_on_customer",
                                    "waiting_on_department",
                                ],
                            ),
                            _negated=True,
                        ),
                        then=models.Value(None),
                    ),
                    models.When(sla_due_at__isnull=False, sla_paused=True, then=1),
                    models.When(sla_paused=True, then=models.Value(2)),
                    models.When(sla_due_at__isnull=True, then=models.Value(3)),
                    default=models.Value(0),
                    output_field=models.PositiveSmallIntegerField(),
                ),
                output_field=models.PositiveSmallIntegerField(null=True),
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("queue_rank__isnull", False)),
                fields=["owner", "queue_rank", "sla_due_at", "created_at", "id"],
                name="ticket_queue_idx",
            ),
        ),
    ]
