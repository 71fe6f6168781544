"""Issue 17: major incidents govern their children (priority sets the status-update cadence;
the updates customers got)."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0017_approvals"),
        ("sla", "0008_incident_pause"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmajorincident",
            name="priority",
            field=models.CharField(
                choices=[
                    ("critical", "Critical"),
                    ("high", "High"),
                    ("medium", "Medium"),
                    ("low", "Low"),
                ],
                default="critical",
                help_text="Sets how often customers get a status update (critical hourly, high every 4 hours, medium and low daily).",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="majorincident",
            name="priority",
            field=models.CharField(
                choices=[
                    ("critical", "Critical"),
                    ("high", "High"),
                    ("medium", "Medium"),
                    ("low", "Low"),
                ],
                default="critical",
                help_text="Sets how often customers get a status update (critical hourly, high every 4 hours, medium and low daily).",
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="HistoricalIncidentUpdate",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                ("posted_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("customers_told", models.PositiveIntegerField(default=0)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "incident",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="escalation.majorincident",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical incident update",
                "verbose_name_plural": "historical incident updates",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
                "indexes": [
                    models.Index(
                        fields=["history_user", "-history_date", "-history_id"],
                        name="h_esca_incidentupdate_user",
                    )
                ],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="IncidentUpdate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                ("posted_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("customers_told", models.PositiveIntegerField(default=0)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "incident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="updates",
                        to="escalation.majorincident",
                    ),
                ),
            ],
            options={
                "ordering": ["-posted_at", "-pk"],
                "indexes": [
                    models.Index(fields=["incident", "-posted_at"], name="incident_update_latest")
                ],
            },
        ),
    ]
