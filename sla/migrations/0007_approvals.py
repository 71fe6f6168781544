"""Placeholder of this wave (filled by the change it names); kept linear so parallel work never forks the graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0006_holidays_through"),
    ]
    operations: list = []
