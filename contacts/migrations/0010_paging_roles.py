"""Grant the escalation policies and levels to directory admins ("contacts.*") and to
readers ("*.view_*"). Depends on every app's latest migration, so the sync sees every
model's grants."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0009_escalation_policy"),
        ("outbox", "0006_pagerduty_channel"),
        ("chatops", "0002_roles"),
        ("api", "0004_helpdesk_sources"),
        ("inbox", "0002_roles"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
