"""Decision matrix defaults from seed 003 ("Escalation Categories"); leads edit them afterwards.

Routing points at the departments of the contact directory (contacts 0002); response
SLAs per category group are 003's "Response SLA" lines.
"""

from datetime import timedelta

from django.db import migrations

DEPARTMENT_CODES = {
    "Security": "security",
    "Billing": "billing",
    "Operations": "operations",
    "Legal": "legal",
    "Technical Support": "technical-support",
    "Escalations / Access": "access",
    "Escalations": "escalations",
    "Product": "product",
    "Partnerships": "partnerships",
    "Press / Marketing": "press",
    "Customer Success": "customer-success",
}
H = timedelta(hours=1)
RESPONSE_BY_GROUP = {
    "security_privacy": timedelta(minutes=30),  # "<30 min for breaches"
    "technical": 4 * H,
    "account_access": 2 * H,
    "frustrated_customer": 1 * H,
    "product_question": 24 * H,
    "complex_billing": 24 * H,
    "partnership": 48 * H,
}

SECURITY_GUIDANCE = (
    "Escalate immediately to security@example.com. Include user ID, timestamp and description. "
    "Do NOT investigate yourself - preserve evidence."
)
FINANCIAL_GUIDANCE = (
    "Escalate immediately to billing@example.com. Include transaction ID, user ID, amount and "
    "description."
)
OUTAGE_GUIDANCE = (
    "Check the status page first. If the issue is not posted, email operations@example.com "
    "immediately with the number of affected users, the features impacted and a timestamp. "
    "Monitor the status page for updates to share with customers."
)
LEGAL_GUIDANCE = (
    "Escalate immediately to legal@example.com. Do NOT provide legal advice or opinions. "
    "Do NOT promise outcomes. Remain professional and neutral."
)
TECH_GUIDANCE = (
    "Create a ticket in Jira project TECH-SUPPORT tagged Priority: High, with full diagnostic "
    "information. Response SLA: 4 hours."
)
ACCESS_GUIDANCE = (
    "Verify identity first (see Identity Verification). Email access@example.com with user ID, "
    "verification details and issue description. Response SLA: 2 hours."
)
FRUSTRATED_GUIDANCE = (
    "Apologize and acknowledge frustration. Email escalations@example.com with the full "
    "conversation history; CC the customer success manager if Enterprise. Response SLA: 1 hour."
)
PRODUCT_GUIDANCE = (
    "Thank the customer for the feedback and log it in the product feedback portal. If the "
    "customer wants follow-up, email product@example.com. Response SLA: 24 hours."
)
BILLING_GUIDANCE = (
    "Email billing@example.com with company name, current plan and the specific request. "
    "Response SLA: 24 hours."
)
PARTNER_GUIDANCE = (
    "Email partnerships@example.com with company name, use case and contact info. "
    "Response SLA: 48 hours."
)
MEDIA_GUIDANCE = (
    "Be professional but do not provide special treatment. Do NOT share unannounced features. "
    "Forward to press@example.com and alert marketing in #marketing-alerts."
)

SEC = ["user_id", "timestamp", "description"]
FIN = ["transaction_id", "user_id", "amount", "description"]
OUT = ["affected_users", "features_impacted", "timestamp"]
LEG = ["user_id", "description"]
TEC = ["diagnostics"]
ACC = ["user_id", "verification_details", "description"]
FRU = ["conversation_history"]
BIL = ["company_name", "current_plan", "specific_request"]
PAR = ["company_name", "use_case", "contact_info"]

# (code, name, group, priority, route_to, copy_to, required info, verification, troubleshooting,
#  guidance)
CATEGORIES = [
    (
        "account-breach",
        "Suspected account breach or unauthorized access",
        "security_privacy",
        "critical",
        "Security",
        "",
        SEC,
        "none",
        False,
        SECURITY_GUIDANCE,
    ),
    (
        "sees-other-users-data",
        "Customer sees another user's data",
        "security_privacy",
        "critical",
        "Security",
        "",
        SEC,
        "none",
        False,
        SECURITY_GUIDANCE,
    ),
    (
        "data-leak",
        "Potential data leak or exposure",
        "security_privacy",
        "critical",
        "Security",
        "",
        SEC,
        "none",
        False,
        SECURITY_GUIDANCE,
    ),
    (
        "gdpr-erasure",
        "Request to delete all data (GDPR right to be forgotten)",
        "security_privacy",
        "critical",
        "Security",
        "Legal",
        SEC,
        "high",
        False,
        SECURITY_GUIDANCE,
    ),
    (
        "legal-data-request",
        "Subpoena or legal data request",
        "security_privacy",
        "critical",
        "Security",
        "Legal",
        SEC,
        "none",
        False,
        SECURITY_GUIDANCE,
    ),
    (
        "checkout-payment-error",
        "Payment processing error during checkout",
        "financial",
        "critical",
        "Billing",
        "",
        FIN,
        "none",
        False,
        FINANCIAL_GUIDANCE,
    ),
    (
        "incorrect-charge",
        "Charged incorrectly (wrong amount, duplicate charge)",
        "financial",
        "critical",
        "Billing",
        "",
        FIN,
        "none",
        False,
        FINANCIAL_GUIDANCE,
    ),
    (
        "refund-over-500",
        "Refund request over $500",
        "financial",
        "critical",
        "Billing",
        "",
        FIN,
        "none",
        False,
        FINANCIAL_GUIDANCE,
    ),
    (
        "fraud",
        "Suspected fraudulent transaction",
        "financial",
        "critical",
        "Billing",
        "Security",
        FIN,
        "none",
        False,
        FINANCIAL_GUIDANCE + " For fraud also alert security@example.com.",
    ),
    (
        "chargeback",
        "Chargeback or payment dispute",
        "financial",
        "critical",
        "Billing",
        "",
        FIN,
        "none",
        False,
        FINANCIAL_GUIDANCE,
    ),
    (
        "critical-feature-down",
        "Customer cannot access critical features",
        "service_outage",
        "critical",
        "Operations",
        "",
        OUT,
        "none",
        False,
        OUTAGE_GUIDANCE,
    ),
    (
        "multi-customer-issue",
        "Multiple customers reporting the same issue",
        "service_outage",
        "critical",
        "Operations",
        "",
        OUT,
        "none",
        False,
        OUTAGE_GUIDANCE,
    ),
    (
        "data-loss",
        "Data loss or corruption",
        "service_outage",
        "critical",
        "Operations",
        "",
        OUT,
        "none",
        False,
        OUTAGE_GUIDANCE,
    ),
    (
        "legal-threat",
        "Threat of legal action",
        "legal_compliance",
        "critical",
        "Legal",
        "",
        LEG,
        "none",
        False,
        LEGAL_GUIDANCE,
    ),
    (
        "court-order",
        "Subpoena or court order",
        "legal_compliance",
        "critical",
        "Legal",
        "",
        LEG,
        "none",
        False,
        LEGAL_GUIDANCE,
    ),
    (
        "privacy-compliance-request",
        "GDPR, CCPA or other compliance request",
        "legal_compliance",
        "critical",
        "Legal",
        "",
        LEG,
        "none",
        False,
        LEGAL_GUIDANCE,
    ),
    (
        "ip-dispute",
        "Copyright or trademark dispute",
        "legal_compliance",
        "critical",
        "Legal",
        "",
        LEG,
        "none",
        False,
        LEGAL_GUIDANCE,
    ),
    (
        "tos-violation",
        "Terms of Service violation (spam, abuse, illegal content)",
        "legal_compliance",
        "critical",
        "Legal",
        "",
        LEG,
        "none",
        False,
        LEGAL_GUIDANCE,
    ),
    (
        "core-functionality-bug",
        "Bug that prevents core functionality",
        "technical",
        "high",
        "Technical Support",
        "",
        TEC,
        "none",
        True,
        TECH_GUIDANCE,
    ),
    (
        "sync-failure",
        "Data not syncing after all troubleshooting",
        "technical",
        "high",
        "Technical Support",
        "",
        TEC,
        "none",
        True,
        TECH_GUIDANCE,
    ),
    (
        "integration-failure",
        "Integration failure after reconnection attempts",
        "technical",
        "high",
        "Technical Support",
        "",
        TEC,
        "none",
        True,
        TECH_GUIDANCE,
    ),
    (
        "reproducible-bug",
        "Reproducible bug affecting multiple users",
        "technical",
        "high",
        "Technical Support",
        "",
        TEC,
        "none",
        True,
        TECH_GUIDANCE,
    ),
    (
        "mobile-crash",
        "Mobile app crash preventing use",
        "technical",
        "high",
        "Technical Support",
        "",
        TEC,
        "none",
        True,
        TECH_GUIDANCE,
    ),
    (
        "locked-out-2fa",
        "Locked out after failed 2FA",
        "account_access",
        "high",
        "Escalations / Access",
        "",
        ACC,
        "medium",
        True,
        ACCESS_GUIDANCE,
    ),
    (
        "admin-removed-self",
        "Admin accidentally removed themselves",
        "account_access",
        "high",
        "Escalations / Access",
        "",
        ACC,
        "medium",
        True,
        ACCESS_GUIDANCE,
    ),
    (
        "account-shown-deleted",
        "Account showing as deleted but shouldn't be",
        "account_access",
        "high",
        "Escalations / Access",
        "",
        ACC,
        "medium",
        True,
        ACCESS_GUIDANCE,
    ),
    (
        "password-reset-failing",
        "Cannot reset password (reset flow failing)",
        "account_access",
        "high",
        "Escalations / Access",
        "",
        ACC,
        "low",
        True,
        ACCESS_GUIDANCE,
    ),
    (
        "repeated-complaints",
        "Complained 3+ times in one conversation",
        "frustrated_customer",
        "high",
        "Escalations",
        "",
        FRU,
        "none",
        True,
        FRUSTRATED_GUIDANCE,
    ),
    (
        "asks-for-manager",
        "Asks for a manager or supervisor",
        "frustrated_customer",
        "high",
        "Escalations",
        "",
        FRU,
        "none",
        True,
        FRUSTRATED_GUIDANCE,
    ),
    (
        "churn-threat",
        "Threatens to leave or cancel (churn risk)",
        "frustrated_customer",
        "high",
        "Escalations",
        "Customer Success",
        FRU,
        "none",
        True,
        FRUSTRATED_GUIDANCE,
    ),
    (
        "public-negative-review",
        "Negative public review during the conversation",
        "frustrated_customer",
        "high",
        "Escalations",
        "",
        FRU,
        "none",
        True,
        FRUSTRATED_GUIDANCE,
    ),
    (
        "feature-request",
        "Feature request",
        "product_question",
        "medium",
        "Product",
        "",
        [],
        "none",
        True,
        PRODUCT_GUIDANCE,
    ),
    (
        "roadmap-question",
        "Question about the product roadmap",
        "product_question",
        "medium",
        "Product",
        "",
        [],
        "none",
        True,
        PRODUCT_GUIDANCE,
    ),
    (
        "missing-functionality",
        "Request for functionality that doesn't exist",
        "product_question",
        "medium",
        "Product",
        "",
        [],
        "none",
        True,
        PRODUCT_GUIDANCE,
    ),
    (
        "custom-pricing",
        "Custom pricing request (Enterprise plans)",
        "complex_billing",
        "medium",
        "Billing",
        "",
        BIL,
        "none",
        True,
        BILLING_GUIDANCE,
    ),
    (
        "invoice-details",
        "Question about invoice details",
        "complex_billing",
        "medium",
        "Billing",
        "",
        BIL,
        "none",
        True,
        BILLING_GUIDANCE,
    ),
    (
        "tax-exemption",
        "Tax exemption certificate",
        "complex_billing",
        "medium",
        "Billing",
        "",
        BIL,
        "none",
        True,
        BILLING_GUIDANCE,
    ),
    (
        "purchase-order-terms",
        "Purchase order or net-30 terms",
        "complex_billing",
        "medium",
        "Billing",
        "",
        BIL,
        "none",
        True,
        BILLING_GUIDANCE,
    ),
    (
        "volume-discount",
        "Volume discount",
        "complex_billing",
        "medium",
        "Billing",
        "",
        BIL,
        "none",
        True,
        BILLING_GUIDANCE,
    ),
    (
        "build-integration",
        "Customer wants to build an integration",
        "partnership",
        "medium",
        "Partnerships",
        "",
        PAR,
        "none",
        True,
        PARTNER_GUIDANCE,
    ),
    (
        "api-limits",
        "API access beyond plan limits",
        "partnership",
        "medium",
        "Partnerships",
        "",
        PAR,
        "none",
        True,
        PARTNER_GUIDANCE,
    ),
    (
        "reseller-inquiry",
        "White-label or reseller inquiry",
        "partnership",
        "medium",
        "Partnerships",
        "",
        PAR,
        "none",
        True,
        PARTNER_GUIDANCE,
    ),
    (
        "press-request",
        "Press or media request",
        "media",
        "medium",
        "Press / Marketing",
        "Partnerships",
        PAR,
        "none",
        False,
        MEDIA_GUIDANCE,
    ),
    (
        "influencer-inquiry",
        "Journalist, blogger, creator or analyst inquiry",
        "media",
        "medium",
        "Press / Marketing",
        "",
        ["contact_info"],
        "none",
        False,
        MEDIA_GUIDANCE,
    ),
    (
        "general-question",
        "General question",
        "product_question",
        "low",
        "Technical Support",
        "",
        [],
        "low",
        True,
        "Answer from the knowledge base where possible.",
    ),
]


def load(apps, schema_editor):
    Category = apps.get_model("escalation", "Category")
    Department = apps.get_model("contacts", "Department")
    departments = {d.code: d for d in Department.objects.all()}
    for row in CATEGORIES:
        code, name, group, priority, route, copy, info, level, troubleshoot, guidance = row
        category, _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "default_priority": priority,
                "route_to": departments[DEPARTMENT_CODES[route]],
                "required_info": info,
                "verification_level": level,
                "troubleshooting_required": troubleshoot,
                "guidance": guidance,
                "sla_response_target": RESPONSE_BY_GROUP.get(group),
            },
        )
        category.copy_to.set([departments[DEPARTMENT_CODES[n]] for n in filter(None, [copy])])


class Migration(migrations.Migration):
    dependencies = [("escalation", "0001_initial"), ("contacts", "0002_seed_directory")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
