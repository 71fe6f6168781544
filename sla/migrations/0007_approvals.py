"""Four-eyes approvals (issue 17) needed nothing in the SLA engine's tables. Kept (empty)
so the migration graph stays linear."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0006_holidays_through"),
    ]
    operations: list = []
