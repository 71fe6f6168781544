"""Grant the Auditor role the access-event and audit-trail permissions (core.roles)."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("core", "0004_roles_for_incidents"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
