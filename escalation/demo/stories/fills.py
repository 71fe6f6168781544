"""The specifics a demo text is filled with: amounts, invoice numbers, browsers, devices.

Apart from the stories because one fill-in serves many of them, and drawn only when a
text asks for it, so a story that names no card draws no card and the seeded sequence
stays short. Addresses and IPs come from reserved ranges (example.com, 203.0.113.0/24).
"""

import random
from collections.abc import Callable

MONTHS = (
    "January February March April May June July August September October November December"
).split()

_CHOICES: dict[str, tuple[str, ...]] = {
    # When something happened ("... {when}") and since when it goes on ("since {since}").
    "when": (
        "this morning",
        "yesterday afternoon",
        "on Monday",
        "over the weekend",
        "about an hour ago",
        "last night",
    ),
    "since": (
        "this morning",
        "yesterday afternoon",
        "Monday",
        "the weekend",
        "last night",
        "your update on Tuesday",
    ),
    "browser": (
        "Chrome on Windows 11",
        "Safari on macOS",
        "Firefox on Ubuntu",
        "Edge on Windows 10",
        "Chrome on a Chromebook",
    ),
    "device": (
        "iPhone 14 (iOS 17.5)",
        "iPhone 12 (iOS 16.7)",
        "Pixel 7 (Android 14)",
        "Galaxy S23 (Android 14)",
        "iPad Air (iPadOS 17)",
    ),
    "integration": (
        "Salesforce",
        "HubSpot",
        "Slack",
        "Zapier",
        "Shopify",
        "QuickBooks",
        "Google Drive",
        "Microsoft Teams",
    ),
    "error": (
        "Error 500",
        '"Something went wrong"',
        "error E-4031",
        "a blank white page",
        '"Request timed out"',
        "403 Forbidden",
    ),
    "feature": (
        "the reports dashboard",
        "CSV export",
        "the calendar view",
        "bulk edit",
        "recurring tasks",
        "custom fields",
        "the client portal",
    ),
    "card": ("Visa", "Mastercard", "Amex"),
    "platform": ("G2", "Trustpilot", "LinkedIn", "Capterra", "Reddit", "X"),
    "outlet": (
        "a technology news site",
        "a regional business paper",
        "a SaaS podcast",
        "a trade magazine",
    ),
    "region": ("Texas", "New York", "Ontario", "Washington State", "Florida"),
    "seats": ("150", "250", "400", "800", "1,200"),
    "mailbox": ("ops", "it", "admin", "finance", "accounts", "j.doe"),
}
_DRAWS: dict[str, Callable[[random.Random], str]] = {
    "amount": lambda r: f"${r.choice([19, 29, 49, 79, 99, 149, 199, 249, 299])}.00",
    "big_amount": lambda r: f"${r.randint(6, 48) * 100 + r.choice([0, 50]):,}.00",
    "invoice": lambda r: f"INV-{r.randint(10000, 99999)}",
    "order": lambda r: f"ORD-{r.randint(100000, 999999)}",
    "transaction": lambda r: f"TX-{r.randint(10**7, 10**8 - 1)}",
    "last4": lambda r: f"{r.randint(1000, 9999)}",
    "month": lambda r: r.choice(MONTHS),
    "version": lambda r: f"{r.randint(4, 6)}.{r.randint(0, 19)}.{r.randint(0, 9)}",
    "users": lambda r: str(r.randint(3, 60)),
    "few": lambda r: str(r.randint(2, 5)),
    "records": lambda r: f"{r.randint(2, 90) * 100:,}",
    "days": lambda r: str(r.randint(2, 9)),
    "ticket_ref": lambda r: f"#{r.randint(20000, 99999)}",
    "ip": lambda r: f"203.0.113.{r.randint(1, 254)}",
    "case": lambda r: f"{r.randint(1, 9)}:{r.randint(23, 25)}-cv-{r.randint(1000, 9999)}",
    "email": lambda r: f"{r.choice(_CHOICES['mailbox'])}@customer-{r.randint(10, 99)}.example.com",
}
KNOWN = frozenset(_CHOICES) | frozenset(_DRAWS)


class Fill(dict):
    """Fill-ins for `str.format_map`, each drawn the first time a text asks for it, so a
    ticket's description and its resolution name the same card, invoice and version."""

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        if key in _DRAWS:
            value = _DRAWS[key](self.rng)
        else:
            value = self.rng.choice(_CHOICES[key])  # KeyError: a text names an unknown fill-in
        self[key] = value
        return value
