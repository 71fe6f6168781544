"""What the demo is made of: logins, names, subjects, and the proportions of each.

Apart from the code so the demo's shape (how many tickets are escalated, open, closed)
can be read and tuned in one screen. Changing a list changes every seeded database.
"""

from core import roles
from escalation.models import Plan, TicketState

# How demo rows are written: in batches, their history saying why.
BATCH = 5000
REASON = "demo data"

DEMO_PREFIX = "demo-"  # demo customers' external user ID: how demo rows are told apart
DEMO_USERS = [
    ("agent", roles.AGENT, "Alex", "Agent"),
    ("senior", roles.SENIOR, "Sam", "Senior"),
    ("engineer", roles.SPECIALIST, "Erin", "Engineer"),
    ("lead", roles.LEAD, "Lee", "Lead"),
    ("auditor", roles.AUDITOR, "Ari", "Auditor"),
    ("directory", roles.DIRECTORY_ADMIN, "Dana", "Directory"),
]
# Extra owners so volume spreads over several people per tier (no password: not for login).
EXTRA_STAFF = (
    [(f"l1-{i:02d}", roles.AGENT) for i in range(1, 9)]
    + [(f"l2-{i:02d}", roles.SENIOR) for i in range(1, 5)]
    + [(f"l3-{i:02d}", roles.SPECIALIST) for i in range(1, 3)]
)

FIRST = (
    "Ava Ben Chloe Diego Emma Farah Gus Hana Ivan Jade Kofi Lena Milo Nora Omar Priya Quinn "
    "Rosa Sven Tara Uma Victor Wen Xavi Yara Zoe"
).split()
LAST = (
    "Smith Garcia Chen Okafor Müller Rossi Kim Novak Silva Dubois Khan Larsen Haddad Ito Walsh "
    "Moreau"
).split()
COMPANIES = (
    "Acme, Globex, Initech, Umbrella, Hooli, Stark, Wayne, Tyrell, Soylent, Vandelay, "
    "Cyberdyne, Wonka, Aperture, Massive Dynamic"
).split(", ")
SUBJECTS = [
    "Cannot log in",
    "Charged twice",
    "Sync stopped",
    "Export fails",
    "App crashes on start",
    "Invoice question",
    "Need API limit raised",
    "Data missing after import",
    "2FA device lost",
    "Webhook not firing",
    "Slow dashboard",
    "Refund request",
]
PLANS = [Plan.FREE] * 4 + [Plan.PRO] * 3 + [Plan.BUSINESS] * 2 + [Plan.ENTERPRISE]
STATES = (
    [TicketState.NEW] * 10
    + [TicketState.OPEN] * 30
    + [TicketState.ESCALATED] * 8
    + [TicketState.WAITING_ON_CUSTOMER] * 8
    + [TicketState.WAITING_ON_DEPARTMENT] * 4
    + [TicketState.RESOLVED] * 15
    + [TicketState.CLOSED] * 23
    + [TicketState.CANCELLED] * 2
)
