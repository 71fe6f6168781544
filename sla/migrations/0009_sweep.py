"""Reserved for the sweep's performance work (issue 18); empty so far, kept so the
migration graph stays linear."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0008_incident_pause"),
    ]
    operations: list = []
