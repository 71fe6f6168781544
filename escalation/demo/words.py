"""What the demo is made of: logins, names, and the proportions of each (the words of
the tickets are in `stories`).

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

# How often each category group comes in, as on a real desk: mostly how-to questions,
# bugs, access and billing; breaches, court orders and the press rarely. A group's
# weight is shared by its categories; a code listed in CATEGORY_WEIGHTS has its own.
GROUP_WEIGHTS = {
    "technical": 24,
    "product_question": 14,
    "account_access": 14,
    "complex_billing": 10,
    "financial": 9,
    "frustrated_customer": 8,
    "service_outage": 4,
    "partnership": 4,
    "security_privacy": 2,
    "legal_compliance": 1,
    "media": 1,
}
CATEGORY_WEIGHTS = {"general-question": 12}
# Where a working ticket stands against its target: 90-95 % of targets met is what real
# desks report, so most are on track, some at risk (past the policy's first warning) and
# a few breached, by up to half the target again.
ACTIVE_OUTCOMES = {"on_track": 0.87, "at_risk": 0.08, "breached": 0.05}
BREACHED_BY = (1.03, 1.5)
# Finished tickets: the share that missed each target, and how much of the target the
# others used (later tiers take longer).
LATE_FIRST_RESPONSE = 0.03
LATE_RESOLUTION = {1: 0.03, 2: 0.06, 3: 0.1}
ON_TIME_RESOLUTION = {1: (0.03, 0.6), 2: (0.2, 0.85), 3: (0.3, 0.95)}
LATE_BY = (1.05, 2.0)
# Hand-offs accepted after the acknowledgement target (15 minutes by default).
LATE_ACKNOWLEDGEMENT = 0.04
