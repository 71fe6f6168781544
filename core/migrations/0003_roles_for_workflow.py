"""Grant the roles their permissions on hand-offs, communications and department requests."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles"),
        ("escalation", "0005_seed_templates"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
