"""Why a message waits although nothing failed (its person is off duty, issue 16)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0006_pagerduty_channel"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="held_for",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="historicaloutboxmessage",
            name="held_for",
            field=models.CharField(blank=True, max_length=200),
        ),
    ]
