"""Helpdesk sources and their delivery log; leads get the new permissions and the
helpdesk role may correct its customers' names (core.roles)."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_webhook_subscribers"),
        ("core", "0008_helpdesk_role"),
        ("escalation", "0016_metric_auto_escalations_refused"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HelpdeskSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("zendesk", "Zendesk"),
                            ("freshdesk", "Freshdesk"),
                            ("generic", "Generic JSON (Standard Webhooks)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("slug", models.SlugField(help_text="The last part of the URL.", unique=True)),
                ("secret", models.CharField(max_length=200)),
                ("is_active", models.BooleanField(default=True)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="helpdesk_source",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "default_category",
                    models.ForeignKey(
                        help_text="For new tickets whose payload names no category (by its code).",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="escalation.category",
                    ),
                ),
                (
                    "default_owner",
                    models.ForeignKey(
                        help_text="Owns new tickets unless the payload names an assignee who is an agent here.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalHelpdeskSource",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(db_index=True, max_length=100)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("zendesk", "Zendesk"),
                            ("freshdesk", "Freshdesk"),
                            ("generic", "Generic JSON (Standard Webhooks)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("slug", models.SlugField(help_text="The last part of the URL.")),
                ("is_active", models.BooleanField(default=True)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
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
                    "account",
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
                    "default_category",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="For new tickets whose payload names no category (by its code).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="escalation.category",
                    ),
                ),
                (
                    "default_owner",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Owns new tickets unless the payload names an assignee who is an agent here.",
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
            ],
            options={
                "verbose_name": "historical helpdesk source",
                "verbose_name_plural": "historical helpdesk sources",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
                "indexes": [
                    models.Index(
                        fields=["history_user", "-history_date", "-history_id"],
                        name="h_api_helpdesksource_user",
                    )
                ],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="InboundDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "external_id",
                    models.CharField(blank=True, help_text="The sender's id.", max_length=200),
                ),
                ("delivery_key", models.CharField(blank=True, max_length=100, null=True)),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("created", "Ticket created"),
                            ("updated", "Ticket updated"),
                            ("message", "Message appended"),
                            ("unchanged", "Nothing to change"),
                            ("duplicate", "Duplicate (dropped)"),
                            ("refused", "Refused by the rules"),
                            ("rejected", "Rejected (signature or input)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("detail", models.CharField(blank=True, max_length=500)),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="api.helpdesksource",
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="escalation.ticket",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "inbound deliveries",
                "ordering": ["-received_at", "-pk"],
                "indexes": [models.Index(fields=["source", "-received_at"], name="inbound_newest")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "delivery_key"), name="inbound_delivery_once"
                    )
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
