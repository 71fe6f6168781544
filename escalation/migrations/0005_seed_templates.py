"""Communication templates from the seeds (001 "Communication Templates", 003 templates)."""

from django.db import migrations

TEMPLATES = [
    (
        "escalation-acknowledgement",
        "Escalation acknowledgement (to customer)",
        "customer",
        "Your case {ticket_reference} has been escalated",
        "Hi {customer_name},\n\nThank you for your patience. I've escalated your case to our "
        "{team_name} team who will be better equipped to help with this issue.\n\n{owner_name} "
        "will be reaching out {timeframe} with an update. Your case number is "
        "{ticket_reference}.\n\nBest regards,\n{agent_name}",
    ),
    (
        "standard-escalation",
        "Standard escalation (to customer)",
        "customer",
        "We're connecting you with our {team_name} team",
        "Hi {customer_name},\n\nI appreciate your patience with this. Your issue requires "
        "specific expertise, so I'm connecting you with our {team_name} team who specialize in "
        "this type of issue.\n\nThey'll reach out {timeframe}. Your ticket number is "
        "{ticket_reference}.\n\nBest regards,\n{agent_name}",
    ),
    (
        "urgent-escalation",
        "Urgent escalation (to customer)",
        "customer",
        "Urgent: {ticket_reference} escalated",
        "Hi {customer_name},\n\nI understand how important this is. I'm escalating this to our "
        "{team_name} team right now as a high priority issue.\n\nYou'll hear from them "
        "{timeframe}. I've included all the details from our conversation so you won't need to "
        "explain everything again.\n\nYour ticket number is {ticket_reference} - you can "
        "reference this in any follow-up communication.\n\n{agent_name}",
    ),
    (
        "internal-handoff",
        "Internal escalation hand-off",
        "internal",
        "ESCALATION: {ticket_reference}",
        "ESCALATION: {ticket_reference}\n\nCustomer: {customer_name} - {customer_company}\n"
        "Issue: {ticket_subject}\nImpact:\nTimeline:\n\nSteps taken:\n-\n\nWhy escalating:\n\n"
        "Customer expectation:",
    ),
    (
        "major-incident-holding",
        "Major incident holding message (to customer)",
        "customer",
        "We're aware of an issue",
        "Hi {customer_name},\n\nWe're aware of an issue affecting our service. Our team is "
        "actively investigating. Check our status page for updates. We'll notify you once "
        "resolved.\n\nReference: {ticket_reference}",
    ),
    (
        "resolution",
        "Resolution (to customer)",
        "customer",
        "{ticket_reference} is resolved",
        "Hi {customer_name},\n\nGood news: the issue you reported ({ticket_subject}) is resolved. "
        "Could you confirm everything works on your side?\n\nBest regards,\n{agent_name}",
    ),
]


def load(apps, schema_editor):
    Template = apps.get_model("escalation", "CommunicationTemplate")
    for code, name, purpose, subject, body in TEMPLATES:
        Template.objects.get_or_create(
            code=code, defaults={"name": name, "purpose": purpose, "subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("escalation", "0004_handoffs_communications_department_requests")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
