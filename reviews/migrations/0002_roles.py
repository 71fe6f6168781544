"""Grant the preventive-action permissions to the roles (core.roles: leads write, auditors
read), once the model exists and after the wave's roles sync."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("escalation", "0021_wave3_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
