"""Grant the roles their permissions on major incidents and root-cause analyses."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_roles_for_workflow"),
        ("escalation", "0007_major_incidents"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
