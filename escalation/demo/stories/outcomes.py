"""How demo tickets ended: the resolution summary an agent writes, per category.

Per category (not per group) because an outcome must answer what was asked: an invoice
question ends with a reissued invoice, not with a quote. Fill-ins are the ticket's own
(the same card and invoice as its description); a version is never named, since a
description may name the version that broke. Categories a lead adds later get their
group's generic outcome.
"""

RESOLUTION_BY_CODE: dict[str, tuple[str, ...]] = {
    "account-breach": (
        "Security revoked all sessions and reset the password and 2FA; no data was "
        "exported. Customer informed.",
        "Unknown access confirmed and blocked by Security; customer set a new password.",
    ),
    "sees-other-users-data": (
        "Caching fault fixed by Engineering; Security confirmed which records were shown "
        "and informed both customers.",
    ),
    "data-leak": (
        "Exposure closed by Security (link disabled, key revoked); customer given the "
        "incident summary.",
    ),
    "gdpr-erasure": ("Erasure completed within 30 days; written confirmation sent.",),
    "legal-data-request": ("Legal reviewed the request and answered the requester directly.",),
    "checkout-payment-error": (
        "Payment processor fault fixed; the customer paid and the upgrade is active.",
        "Pending authorisation of {amount} released; payment went through on the next try.",
    ),
    "incorrect-charge": (
        "Refunded {amount} to the {card} ending {last4}; confirmation sent.",
        "Invoice corrected and the difference refunded; customer confirmed.",
    ),
    "refund-over-500": (
        "Refund of {big_amount} approved by Billing and issued; 5-10 business days to show.",
        "Partial refund approved by Billing as a credit on the next invoices.",
    ),
    "fraud": (
        "Confirmed as fraud: accounts closed, charges reversed and the card blocked.",
        "Charges reversed by Billing; Security blocked the accounts involved.",
    ),
    "chargeback": (
        "Dispute settled with Billing; account restored.",
        "Customer withdrew the dispute after the refund; account active again.",
    ),
    "critical-feature-down": (
        "Fixed with the incident; the customer confirmed their team can work again.",
    ),
    "multi-customer-issue": (
        "Incident resolved by Operations; all affected customers told through the status page.",
    ),
    "data-loss": (
        "Data restored from the nightly backup; the customer checked and confirmed.",
        "Records recovered by Operations; the import bug is fixed.",
    ),
    "legal-threat": ("Handled by Legal, who agreed a settlement with the customer.",),
    "court-order": ("Legal answered the order within its deadline; nothing more for support.",),
    "privacy-compliance-request": (
        "Legal sent the requested documents and data; customer confirmed receipt.",
    ),
    "ip-dispute": ("Legal reviewed the notice; the content was taken down.",),
    "tos-violation": ("Account suspended for breaking the Terms; content removed.",),
    "core-functionality-bug": (
        "Bug fixed in the next release; customer confirmed it works.",
        "Workaround given and confirmed by the customer; fix released since.",
    ),
    "sync-failure": (
        "Stuck sync queue cleared by Engineering; data in sync again.",
        "Sync fixed in the next release; customer confirmed.",
    ),
    "integration-failure": (
        "Expired token refreshed on our side; the integration reconnected.",
        "Connector bug fixed; duplicates cleaned up by Engineering.",
    ),
    "reproducible-bug": ("Bug fixed in the next release; customer's team confirmed.",),
    "mobile-crash": (
        "Crash fixed in the next app release; customer updated and confirmed.",
        "Cleared a corrupt local cache with the customer; app works again.",
    ),
    "locked-out-2fa": ("Identity verified; 2FA reset and the customer enrolled a new device.",),
    "admin-removed-self": ("Identity verified; admin role restored to the account owner.",),
    "account-shown-deleted": ("Account restored by the Access team after identity verification.",),
    "password-reset-failing": (
        "Email address was on our bounce list; removed it and the reset worked.",
        "Reset link fixed; customer set a new password and signed in.",
    ),
    "repeated-complaints": (
        "Underlying problem fixed; lead called the customer and applied a credit.",
    ),
    "asks-for-manager": (
        "Support lead called the customer and agreed next steps; customer satisfied.",
    ),
    "churn-threat": (
        "Customer Success agreed a plan with the customer; they are staying.",
        "Customer cancelled at the end of the term; data export provided.",
    ),
    "public-negative-review": ("Problem fixed and the customer updated their review.",),
    "feature-request": (
        "Logged in the feedback portal; customer thanked and will hear when it ships.",
    ),
    "roadmap-question": ("Answered with what is public on the roadmap; customer satisfied.",),
    "missing-functionality": ("Showed the customer a workaround; request logged for Product.",),
    "general-question": (
        "Answered with the help-centre article; customer is happy.",
        "Walked the customer through it; done.",
    ),
    "custom-pricing": ("Quote sent by Billing and accepted by the customer.",),
    "invoice-details": (
        "Invoice {invoice} reissued with the requested details.",
        "Explained the line on {invoice}; customer satisfied.",
    ),
    "tax-exemption": ("Exemption certificate accepted; tax removed from future invoices.",),
    "purchase-order-terms": (
        "Billing agreed the PO and payment terms; they apply from the next invoice.",
    ),
    "volume-discount": ("Volume discount agreed by Billing from the next renewal.",),
    "build-integration": ("Partnerships took it over and scheduled a call.",),
    "api-limits": ("Partnerships raised the API limit for the account.",),
    "reseller-inquiry": ("Partnerships sent the reseller terms and booked a call.",),
    "press-request": ("Handed to Marketing, who answered the journalist.",),
    "influencer-inquiry": ("Handed to Marketing, who answered the request.",),
}
# A category without its own outcome: its group's.
RESOLUTION_BY_GROUP: dict[str, str] = {
    "security_privacy": "Handled by Security; customer informed.",
    "financial": "Sorted out by Billing; customer confirmed.",
    "service_outage": "Fixed by Operations; customer confirmed.",
    "legal_compliance": "Handled by Legal; nothing more for support.",
    "technical": "Fixed by Engineering; customer confirmed.",
    "account_access": "Access restored after identity verification.",
    "frustrated_customer": "Lead followed up with the customer; issue resolved.",
    "product_question": "Answered; customer satisfied.",
    "complex_billing": "Billing updated the account as asked.",
    "partnership": "Handed to Partnerships.",
    "media": "Handed to Marketing.",
}
