"""The outbox moves out of `core` into its own app: its tables stay where they are
(state only here; core.0006 forgets them and moves their content types)."""

import django.db.models.deletion
import django.utils.timezone
import django_fsm
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("core", "0005_history_user_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("event_key", models.CharField(max_length=200)),
                        (
                            "channel",
                            models.CharField(
                                choices=[("email", "Email"), ("chat", "Chat channel")],
                                default="email",
                                max_length=10,
                            ),
                        ),
                        (
                            "recipient",
                            models.CharField(
                                help_text="Email address or chat channel.", max_length=254
                            ),
                        ),
                        ("subject", models.CharField(max_length=200)),
                        ("body", models.TextField()),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed (gave up)"),
                                ],
                                default="pending",
                                max_length=50,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "verbose_name": "outbox message",
                        "db_table": "core_outboxmessage",
                        "ordering": ["-created_at", "-id"],
                        "permissions": [("resend_outboxmessage", "Can re-send an outbox message")],
                        "indexes": [
                            models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("event_key", "recipient"),
                                name="outbox_one_message_per_event_recipient",
                            )
                        ],
                    },
                    bases=(django_fsm.FSMModelMixin, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalOutboxMessage",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("event_key", models.CharField(max_length=200)),
                        (
                            "channel",
                            models.CharField(
                                choices=[("email", "Email"), ("chat", "Chat channel")],
                                default="email",
                                max_length=10,
                            ),
                        ),
                        (
                            "recipient",
                            models.CharField(
                                help_text="Email address or chat channel.", max_length=254
                            ),
                        ),
                        ("subject", models.CharField(max_length=200)),
                        ("body", models.TextField()),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed (gave up)"),
                                ],
                                default="pending",
                                max_length=50,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.TextField(null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                        "verbose_name": "historical outbox message",
                        "verbose_name_plural": "historical outbox messages",
                        "db_table": "core_historicaloutboxmessage",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                        "indexes": [
                            models.Index(
                                fields=["history_user", "-history_date", "-history_id"],
                                name="h_core_outboxmessage_user",
                            )
                        ],
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
            database_operations=[],
        )
    ]
