"""The targets the process documents set (001 dashboard, 003), and the leads' grants."""

from decimal import Decimal

from django.db import migrations

from core.roles import sync_roles

# (metric, comparison, value): 001 "Escalation Metrics Dashboard" and 003 "Escalation Metrics".
# SLA attainment has no target in the seeds; 95% is the product's default, editable by leads.
TARGETS = [
    ("escalation_rate", "lt", Decimal("15")),
    ("time_to_escalate", "lt", Decimal("4")),
    ("l2_resolution_rate", "gt", Decimal("80")),
    ("csat_escalated", "gt", Decimal("4.0")),
    ("repeat_escalations", "lt", Decimal("10")),
    ("sla_first_response", "gte", Decimal("95")),
    ("sla_next_update", "gte", Decimal("95")),
    ("sla_resolution", "gte", Decimal("95")),
    ("sla_acknowledgement", "gte", Decimal("95")),
]


def seed(apps, schema_editor):
    MetricTarget = apps.get_model("escalation", "MetricTarget")
    for metric, comparison, value in TARGETS:
        MetricTarget.objects.get_or_create(
            metric=metric, defaults={"comparison": comparison, "value": value}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0008_metrics"),
        ("core", "0004_roles_for_incidents"),
    ]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
