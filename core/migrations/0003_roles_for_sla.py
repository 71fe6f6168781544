"""Grant the roles their permissions on the SLA app's models."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles"),
        ("sla", "0002_seed_calendars_policies_matrix"),
        ("escalation", "0004_seed_category_sla"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
