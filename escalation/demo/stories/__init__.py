"""The words of the demo tickets: what customers write per category, what agents write
around it, filled in with specifics drawn per ticket.

A package because a buyer judges the demo by these texts, so every category of the
decision matrix (003) has stories of its own, and that takes more than one screen.
Categories a lead adds later borrow the stories of a stand-in from their group.
"""

import random

from .commercial import COMMERCIAL
from .everyday import EVERYDAY
from .fills import Fill
from .legal import LEGAL
from .outcomes import RESOLUTION_BY_CODE, RESOLUTION_BY_GROUP
from .urgent import URGENT
from .work import DEPARTMENT, HANDOFF, HANDOFF_BY_CODE

Story = tuple[str, str]  # (subject, description with {fill-ins})

STORIES: dict[str, tuple[Story, ...]] = {**URGENT, **LEGAL, **EVERYDAY, **COMMERCIAL}
# group -> the category whose stories a category without its own borrows.
STAND_IN = {
    "security_privacy": "account-breach",
    "financial": "incorrect-charge",
    "service_outage": "critical-feature-down",
    "legal_compliance": "legal-threat",
    "technical": "core-functionality-bug",
    "account_access": "password-reset-failing",
    "frustrated_customer": "asks-for-manager",
    "product_question": "general-question",
    "complex_billing": "invoice-details",
    "partnership": "build-integration",
    "media": "press-request",
}
DEFAULT_GROUP = "product_question"

__all__ = [
    "STORIES",
    "Fill",
    "department_text",
    "handoff_text",
    "resolution_text",
    "stories_for",
    "subjects_for",
    "ticket_text",
]


def stories_for(code: str, group: str) -> tuple[Story, ...]:
    """The stories of a category: its own, else its group's stand-in's."""
    return STORIES.get(code) or STORIES[STAND_IN.get(group, STAND_IN[DEFAULT_GROUP])]


def subjects_for(code: str, group: str) -> frozenset[str]:
    """Every subject a demo ticket of this category may carry."""
    return frozenset(subject for subject, _ in stories_for(code, group))


def ticket_text(rng: random.Random, code: str, group: str) -> tuple[str, str, Fill]:
    """A subject and description for a ticket of this category, and the fill-ins used
    (to name the same invoice or version again when the ticket is resolved)."""
    subject, description = rng.choice(stories_for(code, group))
    fill = Fill(rng)
    return subject, description.format_map(fill), fill


def resolution_text(fill: Fill, code: str, group: str) -> str:
    """The agent's resolution summary, naming the ticket's own specifics."""
    own = RESOLUTION_BY_CODE.get(code)
    if own is None:
        return RESOLUTION_BY_GROUP.get(group, RESOLUTION_BY_GROUP[DEFAULT_GROUP])
    return fill.rng.choice(own).format_map(fill)


def handoff_text(rng: random.Random, code: str, group: str) -> dict[str, str]:
    """The written items of a hand-off for a ticket of this category, one variant each."""
    items = {**HANDOFF.get(group, HANDOFF[DEFAULT_GROUP]), **HANDOFF_BY_CODE.get(code, {})}
    return {field: rng.choice(variants) for field, variants in items.items()}


def department_text(rng: random.Random, group: str) -> tuple[str, str, str]:
    """(needed, findings, answer) of a request to the department for this group."""
    return rng.choice(DEPARTMENT.get(group, DEPARTMENT[DEFAULT_GROUP]))
