"""Placeholder of this wave (filled by the change it names); kept linear so parallel work never forks the graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0017_approvals"),
        ("sla", "0008_incident_pause"),
    ]
    operations: list = []
