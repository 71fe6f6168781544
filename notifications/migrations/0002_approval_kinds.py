"""The four-eyes approvals' notification kinds (issue 17)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("handoff_waiting", "Hand-off waiting for your tier"),
                    ("handoff_accepted", "Your hand-off was accepted"),
                    ("handoff_returned", "Your hand-off was returned"),
                    ("verification_approved", "Verification approved"),
                    ("verification_rejected", "Verification rejected"),
                    ("department_answered", "A department answered"),
                    ("sla_breached", "SLA breached on your ticket"),
                    ("approval_waiting", "A four-eyes request waits for approval"),
                    ("approval_decided", "Your four-eyes request was decided"),
                ],
                max_length=30,
            ),
        ),
    ]
