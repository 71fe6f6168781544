"""Action-to-risk mapping of seed 003 ("Identity Verification Requirements")."""

from django.db import migrations

ACTIONS = [
    ("general-question", "General question", "low"),
    ("password-reset", "Password reset", "low"),
    ("2fa-removal", "2FA removal", "medium"),
    ("email-change", "Email change", "medium"),
    ("plan-change", "Plan change", "medium"),
    ("data-deletion", "Data deletion", "high"),
    ("account-transfer", "Account transfer", "high"),
    ("legal-hold", "Legal hold", "high"),
]


def load(apps, schema_editor):
    SensitiveAction = apps.get_model("verification", "SensitiveAction")
    for code, name, risk in ACTIONS:
        SensitiveAction.objects.get_or_create(
            code=code, defaults={"name": name, "risk_level": risk}
        )


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
