"""The "Helpdesk integration" role for the upstream helpdesk's API token (core.roles)."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_roles_for_login_throttling"),
        ("escalation", "0016_metric_auto_escalations_refused"),
        ("contacts", "0004_input_policies"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
