"""Role groups and their permissions (core.roles); later migrations re-run sync_roles."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("escalation", "0002_seed_decision_matrix"),
        ("contacts", "0002_seed_directory"),
        ("sla", "0002_seed_calendars_policies_matrix"),
        ("verification", "0002_seed_sensitive_actions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
