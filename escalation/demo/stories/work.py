"""What agents write around a ticket, per category group (003): the hand-off items, and
the request to the department with its answer.

Per group because agents write these in the group's terms (billing checks the payment
log, security preserves evidence and touches nothing), so every variant must fit every
category of its group; a category that needs other words overrides items in
`HANDOFF_BY_CODE`. No fill-ins: these are planned apart from the ticket's description
and must not contradict it.
"""

# field -> variants; "troubleshooting" is what was tried and what it gave.
HANDOFF: dict[str, dict[str, tuple[str, ...]]] = {
    "security_privacy": {
        "impact": ("Customer data and the customer's trust are at stake.",),
        "troubleshooting": (
            "None, per guidance: evidence preserved, no change made to the account. The "
            "customer's messages and screenshots attached.",
            "Did not investigate (guidance). Noted when the customer first saw it and "
            "saved what they sent.",
        ),
        "why_escalating": ("Security and privacy matters go to Security immediately (003).",),
        "questions": (
            "What should we do on the account right now, if anything?",
            "What can we tell the customer, and when?",
        ),
        "customer_expectation": ("To know what happened and what is being done.",),
        "business_impact": ("Trust, and possible legal duties if data is involved.",),
    },
    "financial": {
        "impact": ("A payment or charge on the account needs correcting.",),
        "troubleshooting": (
            "Checked the payment log: it shows what the customer reports. Transaction "
            "details attached.",
            "Compared the charges with the subscription history and the customer's "
            "statement; they do not agree.",
        ),
        "why_escalating": ("Payments, refunds and disputes are Billing's (003).",),
        "questions": (
            "Can Billing correct this, and how long until the customer sees it?",
            "What may we promise the customer meanwhile?",
        ),
        "customer_expectation": ("Money back or the payment working today.",),
        "business_impact": ("Revenue at risk; a chargeback if not handled quickly.",),
    },
    "service_outage": {
        "impact": ("Customers cannot use core features.",),
        "troubleshooting": (
            "Status page shows nothing. Reproduced from two accounts on different networks; "
            "same result.",
            "Checked the status page and recent deploy notes; several customers report the "
            "same since the same time.",
        ),
        "why_escalating": ("Outage not on the status page: Operations now (003).",),
        "questions": (
            "Is there an incident open? What should we post on the status page?",
            "When can we tell the customer it will work again?",
        ),
        "customer_expectation": ("Service back and updates until it is.",),
        "business_impact": ("Several customers blocked; SLA credits likely.",),
    },
    "legal_compliance": {
        "impact": ("Legal exposure; a deadline may run from receipt.",),
        "troubleshooting": (
            "None, per guidance: no advice or promise given. Acknowledged receipt only; "
            "documents attached.",
        ),
        "why_escalating": ("Legal matters go to Legal immediately (003).",),
        "questions": (
            "What is our deadline, and what may we tell the sender meanwhile?",
            "Do we need to preserve records on this account now?",
        ),
        "customer_expectation": ("A formal answer within the legal deadline.",),
        "business_impact": ("Possible legal costs and regulatory attention.",),
    },
    "technical": {
        "impact": ("Customer cannot complete their normal work in the product.",),
        "troubleshooting": (
            "Reproduced on our test account. Cleared cache, private window, another browser, "
            "signed out and in: same error. HAR file and console log attached.",
            "Reinstalled the app, reconnected the integration twice, checked the status page "
            "and known issues: nothing listed, still failing.",
        ),
        "why_escalating": ("Confirmed bug; needs engineering access to logs.",),
        "questions": (
            "Is this a known bug? Is there a workaround we can give the customer today?",
            "Which release will carry the fix?",
        ),
        "customer_expectation": ("A fix, or a workaround until there is one.",),
        "business_impact": ("Team working around it by hand.",),
    },
    "account_access": {
        "impact": ("Customer locked out of their account.",),
        "troubleshooting": (
            "Identity verified first. Went through the self-service steps with the "
            "customer and checked the sign-in log: still no way in.",
            "Identity verified. Self-service recovery tried twice with the customer on "
            "the line; it fails.",
        ),
        "why_escalating": ("Access changes need the Access team (003).",),
        "questions": (
            "Can you restore access for the verified owner today?",
            "What changed on the account, and can it be undone?",
        ),
        "customer_expectation": ("Back in the account today.",),
        "business_impact": ("User cannot work until access is restored.",),
    },
    "frustrated_customer": {
        "impact": ("Relationship at risk; customer has lost confidence in support.",),
        "troubleshooting": (
            "Apologised and acknowledged the frustration; reviewed earlier tickets; the "
            "original problem is still open.",
        ),
        "why_escalating": ("Needs someone with authority to decide and follow up (003).",),
        "questions": (
            "Can someone senior call the customer today? Are we able to offer a credit?",
            "Who owns the underlying problem, and what date can we give?",
        ),
        "customer_expectation": ("A named person and a date for the fix.",),
        "business_impact": ("Churn risk; possible public complaint.",),
    },
    "product_question": {
        "impact": ("No blocker; customer asks about the product.",),
        "troubleshooting": ("Searched the help centre and the feedback portal; logged it there.",),
        "why_escalating": ("The answer is not in the help centre.",),
        "questions": ("What can we tell the customer?",),
        "customer_expectation": ("A clear answer.",),
        "business_impact": ("Adoption; may decide their renewal.",),
    },
    "complex_billing": {
        "impact": ("Commercial or invoicing question; nothing broken.",),
        "troubleshooting": ("Checked the plan, the invoices and the price list.",),
        "why_escalating": ("Needs a decision from Billing (003).",),
        "questions": ("Can Billing approve this, and on what terms?",),
        "customer_expectation": ("A quote or a corrected invoice.",),
        "business_impact": ("Deal or renewal waiting on the answer.",),
    },
    "partnership": {
        "impact": ("Business opportunity; nothing broken.",),
        "troubleshooting": ("Shared the API docs and the public partner page.",),
        "why_escalating": ("Partnerships decides on programmes and limits (003).",),
        "questions": ("Is this a fit for a partnership, and who follows up?",),
        "customer_expectation": ("A call with the partnerships team.",),
        "business_impact": ("Possible new revenue channel.",),
    },
    "media": {
        "impact": ("Press or public attention.",),
        "troubleshooting": ("No comment given; nothing unannounced shared (003).",),
        "why_escalating": ("Press and creators go to Marketing (003).",),
        "questions": ("Do we take this up, and who answers?",),
        "customer_expectation": ("An answer before their deadline.",),
        "business_impact": ("Public image.",),
    },
}

# group -> (needed, findings, answer) variants for a request to the department.
DEPARTMENT: dict[str, tuple[tuple[str, str, str], ...]] = {
    "security_privacy": (
        (
            "Take this over as your process requires and tell us what we may say.",
            "Customer's messages and evidence attached; nothing changed on our side.",
            "Security handled it and wrote to the customer.",
        ),
    ),
    "financial": (
        (
            "Check the transaction and correct what is wrong.",
            "Payment log and the customer's statement attached.",
            "Corrected by Billing; the customer will see it within 5-10 business days.",
        ),
    ),
    "service_outage": (
        (
            "Confirm the incident and give an estimate for recovery.",
            "Reproduced from several accounts; not on the status page.",
            "Incident opened and fixed; status page updated.",
        ),
    ),
    "legal_compliance": (
        (
            "Review the document and tell us what we may answer.",
            "Received by email; no reply given beyond acknowledging receipt.",
            "Legal answered the sender directly; nothing more for support.",
        ),
    ),
    "technical": (
        (
            "Look at the server logs for this account and confirm the bug.",
            "Reproduced on our test account; HAR and console log attached.",
            "Bug confirmed and fixed in the next release; workaround sent meanwhile.",
        ),
    ),
    "account_access": (
        (
            "Restore access for the verified owner.",
            "Identity verified; self-service recovery fails.",
            "Access restored; the customer signed in.",
        ),
    ),
    "frustrated_customer": (
        (
            "Call the customer and agree on next steps.",
            "Several contacts about the same problem; customer asks for a manager.",
            "Called the customer, agreed on a credit and a follow-up date.",
        ),
    ),
    "product_question": (
        (
            "Tell us what we can say to the customer.",
            "Not covered by the help centre; logged in the feedback portal.",
            "Answered; passed on to the customer.",
        ),
    ),
    "complex_billing": (
        (
            "Decide on the customer's request and update the account.",
            "Plan and invoices checked; the request is outside standard terms.",
            "Approved; the new terms apply from the next invoice.",
        ),
    ),
    "partnership": (
        (
            "Review the request and contact the company.",
            "Company details and use case collected.",
            "Partnerships booked an introductory call.",
        ),
    ),
    "media": (
        (
            "Decide whether we answer and who speaks for us.",
            "Request received; no comment given.",
            "Marketing answered the request directly.",
        ),
    ),
}

# Categories whose hand-offs need other words than their group's (merged over them).
HANDOFF_BY_CODE: dict[str, dict[str, tuple[str, ...]]] = {
    "account-breach": {
        "questions": (
            "Was the account actually accessed? Should we force a sign-out and reset now?",
        ),
    },
    "gdpr-erasure": {
        "impact": ("Legal deadline for an erasure request.",),
        "questions": ("Can Security confirm the erasure and the date we can give?",),
    },
    "legal-data-request": {
        "impact": ("A legal request for data; a deadline may run from receipt.",),
        "questions": ("Who answers the requester, and must we preserve records now?",),
    },
    "fraud": {
        "questions": ("Is the charge legitimate? If not, should the card be blocked?",),
    },
    "data-loss": {
        "questions": ("Can the data be restored, and to which point in time?",),
    },
    "feature-request": {
        "why_escalating": ("The customer wants to hear from Product.",),
        "questions": ("Is this planned? Can we share anything about timing?",),
    },
    "roadmap-question": {
        "why_escalating": ("The customer wants to hear from Product.",),
        "questions": ("What can we share about the roadmap here?",),
    },
}
