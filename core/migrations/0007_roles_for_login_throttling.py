"""Leads may see and clear locked sign-ins (django-axes' access attempts)."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_outbox_moves_to_its_own_app"),
        ("axes", "0010_accessattemptexpiration"),
        ("audit", "0003_lockout_kinds"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
