"""Issue 17: clocks suspended while a major incident governs their ticket."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0007_approvals"),
    ]
    operations = [
        migrations.AlterField(
            model_name="clockpause",
            name="reason",
            field=models.CharField(
                choices=[
                    ("waiting_on_customer", "Waiting on customer"),
                    ("waiting_on_department", "Waiting on department"),
                    ("incident", "Major incident"),
                    ("other", "Other"),
                ],
                max_length=30,
            ),
        ),
    ]
