"""Grant team leads the review of held email (core.roles: "inbox.view_inboundemail",
"inbox.review_inboundemail"); auditors read it ("*.view_*")."""

from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    # After every app's committed models, so this sync drops no one's grants.
    dependencies = [
        ("inbox", "0001_initial"),
        ("core", "0008_helpdesk_role"),
        ("api", "0003_webhook_subscribers"),
        ("audit", "0003_lockout_kinds"),
        ("contacts", "0004_input_policies"),
        ("escalation", "0016_metric_auto_escalations_refused"),
        ("outbox", "0004_email_headers"),
        ("sla", "0006_holidays_through"),
        ("verification", "0003_history_user_index"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
