"""The outbox moved to its own app (outbox.0001 takes over its tables as they are).

Here core forgets the models (state only) and hands their content types to `outbox`,
so the permissions already granted (view, re-send) follow them; the roles are then
synced against the new labels.
"""

from django.db import migrations

from core.roles import sync_roles


def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("outboxmessage", "historicaloutboxmessage"):
        if not content_type.objects.filter(app_label="outbox", model=model).exists():
            content_type.objects.filter(app_label="core", model=model).update(app_label="outbox")


def move_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("outboxmessage", "historicaloutboxmessage"):
        content_type.objects.filter(app_label="outbox", model=model).update(app_label="core")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_history_user_index"),
        ("outbox", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalOutboxMessage"),
                migrations.DeleteModel(name="OutboxMessage"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_back),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
