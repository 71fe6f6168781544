"""Team Contact Directory of seed 003 (example.com in place of the seed's placeholders)."""

from datetime import time, timedelta

from django.db import migrations

H = timedelta(hours=1)

# code, name, purpose, handles, calendar, 24/7 for critical, response, note, channels
# channels: (kind, value, label, restriction)
DEPARTMENTS = [
    (
        "technical-support",
        "Technical Support",
        "Bugs, sync, integrations, crashes.",
        "technical issues, bugs, sync, integrations, mobile app, diagnostics",
        "US business hours",
        True,
        4 * H,
        "4 hours (high)",
        [
            ("email", "tech-support@example.com", "", ""),
            ("chat", "#tech-support-escalations", "", ""),
            ("tracker", "TECH-SUPPORT", "Jira project", ""),
        ],
    ),
    (
        "billing",
        "Billing",
        "Payments, charges, refunds, invoices, pricing.",
        "billing, payments, charges, refunds, chargebacks, invoices, tax, purchase orders, "
        "pricing, discounts",
        "US business hours",
        False,
        24 * H,
        "24 hours",
        [
            ("email", "billing@example.com", "", ""),
            ("phone", "+1 555 0100", "Billing phone", "enterprise"),
        ],
    ),
    (
        "security",
        "Security",
        "Breaches, unauthorized access, data exposure, fraud.",
        "security, breach, unauthorized access, data leak, fraud, account takeover, GDPR erasure",
        "US business hours",
        True,
        timedelta(minutes=30),
        "<30 min for breaches",
        [
            ("email", "security@example.com", "", ""),
        ],
    ),
    (
        "legal",
        "Legal / Compliance",
        "Legal threats, court orders, compliance requests.",
        "legal, subpoena, court order, GDPR, CCPA, compliance, copyright, trademark, terms of "
        "service",
        "US legal hours",
        False,
        48 * H,
        "24-48 hours",
        [
            ("email", "legal@example.com", "", ""),
        ],
    ),
    (
        "product",
        "Product",
        "Feature requests and roadmap questions.",
        "product feedback, feature requests, roadmap",
        None,
        False,
        24 * H,
        "Reviewed weekly by the product team",
        [
            ("portal", "https://feedback.example.com", "Product feedback portal", ""),
            ("email", "product@example.com", "Customer follow-up", ""),
        ],
    ),
    (
        "partnerships",
        "Partnerships",
        "Integrations, API limits, resellers.",
        "partnerships, integrations, API access, white-label, reseller",
        "US business hours",
        False,
        48 * H,
        "48 hours",
        [
            ("email", "partnerships@example.com", "", ""),
        ],
    ),
    (
        "customer-success",
        "Customer Success",
        "Enterprise relationships, churn risk, reviews.",
        "customer success, enterprise, churn risk, repeat escalations, success reviews",
        "US business hours",
        False,
        24 * H,
        "Each Enterprise customer has a dedicated CSM",
        [
            ("email", "success@example.com", "", ""),
        ],
    ),
    (
        "press",
        "Press / Marketing",
        "Journalists, bloggers, creators, analysts.",
        "press, media, influencer, journalist, analyst",
        "US business hours",
        False,
        None,
        "",
        [
            ("email", "press@example.com", "", ""),
            ("chat", "#marketing-alerts", "Marketing alerts", ""),
        ],
    ),
    (
        "operations",
        "Operations",
        "Outages, data loss, status page.",
        "outage, service down, data loss, corruption, status page",
        None,
        True,
        None,
        "Immediately for outages",
        [
            ("email", "operations@example.com", "", ""),
            ("portal", "https://status.example.com", "Status page", ""),
        ],
    ),
    (
        "identity-verification",
        "Identity Verification",
        "High-risk verification approvals.",
        "identity verification, approvals, data deletion, account transfer, legal hold",
        "US business hours",
        False,
        None,
        "",
        [
            ("email", "verification@example.com", "", ""),
        ],
    ),
    (
        "incidents",
        "Incidents",
        "Major incidents: patterns suggesting an outage.",
        "major incident, outage pattern, many reports",
        None,
        True,
        None,
        "Immediately",
        [
            ("email", "incidents@example.com", "", ""),
            ("chat", "#incidents", "Use @here", ""),
        ],
    ),
    (
        "access",
        "Escalations / Access",
        "Account access after identity verification.",
        "account access, locked out, 2FA, password reset, deleted account, admin removed",
        "US business hours",
        False,
        2 * H,
        "2 hours",
        [
            ("email", "access@example.com", "", ""),
        ],
    ),
    (
        "escalations",
        "Escalations",
        "Angry or frustrated customers.",
        "frustrated customer, complaints, manager request, churn threat, negative review",
        "US business hours",
        False,
        1 * H,
        "1 hour",
        [
            ("email", "escalations@example.com", "", ""),
        ],
    ),
    (
        "support-l1",
        "Support L1 (frontline)",
        "First contact, basic troubleshooting.",
        "general questions, FAQ, basic troubleshooting",
        "US business hours",
        False,
        None,
        "",
        [],
    ),
    (
        "support-l2",
        "Support L2 (senior)",
        "Complex issues, specialised features, accounts.",
        "complex issues, account issues",
        "US business hours",
        False,
        None,
        "",
        [],
    ),
    (
        "support-l3",
        "Support L3 (technical)",
        "Bugs, integrations, custom configurations.",
        "bugs, integrations, custom configuration",
        "US business hours",
        True,
        None,
        "",
        [],
    ),
    (
        "support-management",
        "Support management (L4)",
        "VIP customers, legal, major outages.",
        "management, VIP, major outage",
        "US business hours",
        True,
        None,
        "",
        [
            ("email", "support-leads@example.com", "", ""),
        ],
    ),
]


def load(apps, schema_editor):
    Calendar = apps.get_model("sla", "BusinessCalendar")
    Span = apps.get_model("sla", "OpeningSpan")
    Department = apps.get_model("contacts", "Department")
    Channel = apps.get_model("contacts", "ContactChannel")
    legal, created = Calendar.objects.get_or_create(
        name="US legal hours", defaults={"time_zone": "America/New_York", "holiday_country": "US"}
    )
    if created:
        for weekday in range(5):
            Span.objects.create(calendar=legal, weekday=weekday, opens=time(9), closes=time(17))
        Holiday = apps.get_model("sla", "Holiday")
        us = Calendar.objects.get(name="US business hours")
        for h in Holiday.objects.filter(calendar=us):
            Holiday.objects.get_or_create(calendar=legal, date=h.date, defaults={"name": h.name})
    calendars = {c.name: c for c in Calendar.objects.all()}
    for row in DEPARTMENTS:
        code, name, purpose, handles, calendar, critical, response, note, channels = row
        department, created = Department.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "purpose": purpose,
                "handles": handles,
                "calendar": calendars.get(calendar) if calendar else None,
                "critical_around_the_clock": critical,
                "response_time": response,
                "response_time_note": note,
            },
        )
        if created:
            for position, (kind, value, label, restriction) in enumerate(channels):
                Channel.objects.create(
                    department=department,
                    kind=kind,
                    value=value,
                    label=label,
                    restriction=restriction,
                    position=position,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0001_initial"),
        ("sla", "0002_seed_calendars_policies_matrix"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
