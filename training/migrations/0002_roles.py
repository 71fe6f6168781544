"""Grant the roles training's models (core.roles): leads and directory admins keep the
trainees; everyone who reads everything reads these too."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("escalation", "0021_wave3_roles"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
