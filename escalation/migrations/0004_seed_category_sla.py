"""Category response SLAs from seed 003 ("Response SLA: ..." per category group)."""

from datetime import timedelta

from django.db import migrations

H = timedelta(hours=1)
BY_GROUP = {
    "security_privacy": timedelta(minutes=30),  # "<30 min for breaches"
    "technical": 4 * H,
    "account_access": 2 * H,
    "frustrated_customer": 1 * H,
    "product_question": 24 * H,
    "complex_billing": 24 * H,
    "partnership": 48 * H,
}


def load(apps, schema_editor):
    Category = apps.get_model("escalation", "Category")
    for group, target in BY_GROUP.items():
        Category.objects.filter(group=group, sla_response_target__isnull=True).update(
            sla_response_target=target
        )


class Migration(migrations.Migration):
    dependencies = [("escalation", "0003_sla_fields")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
