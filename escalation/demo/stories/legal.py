"""What customers, lawyers and authorities write in the legal and compliance categories
(003). Same shape as `urgent`; apart from it only to keep each module short.
"""

LEGAL: dict[str, tuple[tuple[str, str], ...]] = {
    "legal-threat": (
        (
            "We will be taking legal action",
            "After {days} days without a fix and {amount} a month in fees, we are instructing "
            "our lawyers. Consider this formal notice.",
        ),
        (
            "Final notice before we contact our lawyers",
            "This is our final notice. If the data you lost is not restored by Friday, our "
            "solicitors will be in touch.",
        ),
        (
            "Breach of contract: our counsel will contact you",
            "Your service has not met the uptime in our contract for two months. Our counsel "
            "will contact you about damages.",
        ),
        (
            "Formal complaint and intention to sue",
            "I am filing a formal complaint about being billed after cancellation and intend "
            "to take this to small claims court.",
        ),
    ),
    "court-order": (
        (
            "Court order to disclose account records",
            "Please find attached a court order in case {case} requiring disclosure of the "
            "records of one account. We need a contact for legal process.",
        ),
        (
            "Served with a subpoena naming your company",
            "We've been served a subpoena that names your company as the holder of our data "
            "(case {case}). How do you handle these?",
        ),
        (
            "Court order to freeze an account",
            "Attached is an order to freeze the account {email} and preserve its contents. "
            "Please confirm you will comply.",
        ),
        (
            "Request for a records custodian declaration",
            "Counsel in case {case} asks for a custodian of records declaration for data "
            "you hold. Who can sign it?",
        ),
    ),
    "privacy-compliance-request": (
        (
            "Subject access request (GDPR Article 15)",
            "Please send me a copy of all personal data you hold about me, where it came from "
            "and who you share it with, within the legal deadline.",
        ),
        (
            "CCPA: do not sell my personal information",
            "Under the CCPA I ask you not to sell or share my personal information and to tell "
            "me what categories you have collected about me.",
        ),
        (
            "We need your DPA and list of subprocessors",
            "Our legal team needs a signed data processing agreement and your current list of "
            "subprocessors before we can renew.",
        ),
        (
            "Compliance questionnaire: where is our data stored?",
            "Our auditors ask where our data is stored, how long it's kept and how it's "
            "encrypted. Questionnaire attached.",
        ),
    ),
    "ip-dispute": (
        (
            "A user is publishing our copyrighted material",
            "A public board on your platform republishes our paid course material word for "
            "word. We own the copyright. Please remove it.",
        ),
        (
            "DMCA takedown notice",
            "This is a DMCA takedown notice for content hosted on your service that infringes "
            "our copyright. Links and a sworn statement attached.",
        ),
        (
            "One of your templates uses our trademarked logo",
            "Your template gallery has a template using our registered logo without "
            "permission. Please take it down.",
        ),
        (
            "Someone registered a workspace under our brand name",
            "A workspace using our company name is contacting our clients. We hold the "
            "trademark. Please suspend it.",
        ),
    ),
    "tos-violation": (
        (
            "An account is sending spam through your platform",
            "We receive dozens of spam messages a day sent through your sharing feature from "
            "{email}. Please stop this account.",
        ),
        (
            "Reporting abusive content on a public board",
            "A public board hosted by you contains hateful and threatening content. Links "
            "attached. Please remove it.",
        ),
        (
            "Phishing page hosted on one of your share links",
            "A share link on your domain shows a fake login page that copies our bank's. Our "
            "customers are receiving it by email {when}.",
        ),
        (
            "A user is harassing our staff through comments",
            "A guest user keeps posting abusive comments to our team's tasks. We removed them "
            "but they come back with new accounts.",
        ),
    ),
}
