"""Grant the schedule models' permissions as core.roles declares them: directory admins
edit schedules, layers and their members ("contacts.*"); the other roles read them."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_schedules"),
        ("core", "0008_helpdesk_role"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
