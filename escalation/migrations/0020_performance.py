"""Reserved for the performance work (issue 18); empty so far, kept so the migration
graph stays linear."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0019_tier_clocks"),
        ("sla", "0009_sweep"),
    ]
    operations: list = []
