"""Grant team leads the integration-token permissions (core.roles: "api.*")."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("core", "0007_roles_for_login_throttling"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
