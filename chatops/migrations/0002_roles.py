"""Grant leads the chat identities (core.roles: "chatops.*"). Runs
after every app's latest migration of this wave, so the sync sees every model's grants."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("chatops", "0001_initial"),
        ("api", "0004_helpdesk_sources"),
        ("contacts", "0006_schedule_roles"),
        ("inbox", "0002_roles"),
        ("outbox", "0004_email_headers"),
        ("escalation", "0016_metric_auto_escalations_refused"),
        ("core", "0008_helpdesk_role"),
        ("audit", "0003_lockout_kinds"),
        ("sla", "0006_holidays_through"),
        ("verification", "0003_history_user_index"),
        ("notifications", "0001_initial"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
