"""Grant the roles this wave's models (core.roles). Runs after every app's latest
migration, so the sync sees every model's grants."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0020_performance"),
        ("sla", "0009_sweep"),
        ("contacts", "0011_working_hours"),
        ("outbox", "0007_deferred"),
        ("api", "0004_helpdesk_sources"),
        ("inbox", "0002_roles"),
        ("chatops", "0002_roles"),
        ("core", "0008_helpdesk_role"),
        ("audit", "0003_lockout_kinds"),
        ("verification", "0003_history_user_index"),
        ("notifications", "0001_initial"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
