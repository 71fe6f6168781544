"""Four-eyes approvals (issue 17): the rules leads edit (all four kinds seeded on) and the
requests a second person decides."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

KIND_CHOICES = [
    ("sla_reapply", "Override or re-apply a ticket's SLA"),
    ("clock_pause", "Pause SLA clocks outside the policy's reasons"),
    ("priority_downgrade", "Lower a ticket's priority"),
    ("close_unconfirmed", "Close an escalated ticket without confirmation"),
]
STATE_CHOICES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
]
HISTORY_TYPES = [("+", "Created"), ("~", "Changed"), ("-", "Deleted")]


def seed_rules(apps, schema_editor):
    """Every gated kind starts needing approval (the issue's four)."""
    ApprovalRule = apps.get_model("escalation", "ApprovalRule")
    for kind, _ in KIND_CHOICES:
        ApprovalRule.objects.get_or_create(kind=kind, defaults={"enabled": True})


def history_fields():
    return [
        ("history_id", models.AutoField(primary_key=True, serialize=False)),
        ("history_date", models.DateTimeField(db_index=True)),
        ("history_change_reason", models.TextField(null=True)),
        ("history_type", models.CharField(choices=HISTORY_TYPES, max_length=1)),
        (
            "history_user",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]


def history_options(name: str, index: str) -> dict:
    return {
        "verbose_name": f"historical {name}",
        "verbose_name_plural": f"historical {name}s",
        "ordering": ("-history_date", "-history_id"),
        "get_latest_by": ("history_date", "history_id"),
        "indexes": [
            models.Index(fields=["history_user", "-history_date", "-history_id"], name=index)
        ],
    }


def user_fk(**kwargs):
    return models.ForeignKey(related_name="+", to=settings.AUTH_USER_MODEL, **kwargs)


def history_fk(to: str):
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0016_metric_auto_escalations_refused"),
        ("sla", "0007_approvals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.CreateModel(
            name="ApprovalRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(choices=KIND_CHOICES, max_length=30, unique=True)),
                (
                    "enabled",
                    models.BooleanField(
                        default=True,
                        help_text="Off: the action takes effect at once, without approval.",
                    ),
                ),
            ],
            options={"verbose_name": "approval rule", "ordering": ["kind"]},
        ),
        migrations.CreateModel(
            name="ApprovalRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(choices=KIND_CHOICES, max_length=30)),
                ("change", models.JSONField(blank=True, default=dict)),
                (
                    "summary",
                    models.CharField(help_text="The change, in words.", max_length=300),
                ),
                ("reason", models.TextField(blank=True)),
                (
                    "state",
                    models.CharField(choices=STATE_CHOICES, default="pending", max_length=20),
                ),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                (
                    "decided_by",
                    user_fk(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT),
                ),
                ("requested_by", user_fk(on_delete=django.db.models.deletion.PROTECT)),
                (
                    "ticket",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="approvals",
                        to="escalation.ticket",
                    ),
                ),
            ],
            options={
                "verbose_name": "approval request",
                "ordering": ["-requested_at", "-pk"],
                "permissions": [
                    ("approve_approvalrequest", "Can approve or reject four-eyes requests")
                ],
                "indexes": [
                    models.Index(fields=["state", "requested_at"], name="approval_state_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("state", "pending"),
                            models.Q(("decided_by__isnull", False), ("decided_at__isnull", False)),
                            _connector="OR",
                        ),
                        name="approval_decided_has_decider",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalApprovalRequest",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(choices=KIND_CHOICES, max_length=30)),
                ("change", models.JSONField(blank=True, default=dict)),
                (
                    "summary",
                    models.CharField(help_text="The change, in words.", max_length=300),
                ),
                ("reason", models.TextField(blank=True)),
                (
                    "state",
                    models.CharField(choices=STATE_CHOICES, default="pending", max_length=20),
                ),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                *history_fields(),
                ("decided_by", history_fk(settings.AUTH_USER_MODEL)),
                ("requested_by", history_fk(settings.AUTH_USER_MODEL)),
                ("ticket", history_fk("escalation.ticket")),
            ],
            options=history_options("approval request", "h_esca_approvalrequest_user"),
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalApprovalRule",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(choices=KIND_CHOICES, db_index=True, max_length=30),
                ),
                (
                    "enabled",
                    models.BooleanField(
                        default=True,
                        help_text="Off: the action takes effect at once, without approval.",
                    ),
                ),
                *history_fields(),
            ],
            options=history_options("approval rule", "h_esca_approvalrule_user"),
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
    ]
