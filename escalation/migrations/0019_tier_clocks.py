"""Tier clocks (issue 17) store nothing new: which tier held a clock is read off the
tier clocks and the hand-offs. Kept (empty) so the migration graph stays linear."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0018_incident_children"),
    ]
    operations: list = []
