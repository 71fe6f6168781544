"""Roles are groups whose permissions are declared here and applied by data migrations.

Every migration that adds models runs `sync_roles` again, so new models get their
grants without anyone clicking in the admin. Patterns are `app_label.codename`
globs; a leading `!` removes what earlier patterns granted.
"""

from fnmatch import fnmatch

from django.contrib.auth.management import create_permissions

from .choices import Tier

AGENT = "Agent"
SENIOR = "Senior agent"
SPECIALIST = "Technical specialist"
LEAD = "Lead"
AUDITOR = "Auditor"
DIRECTORY_ADMIN = "Directory admin"
# The upstream helpdesk's service account (an API token, never a person): it opens tickets
# for its customers, posts their replies and its agents' hand-offs, on the tickets that
# came from it (those with an external reference), whatever tier they are at now.
HELPDESK = "Helpdesk integration"

ROLE_TIERS = {AGENT: Tier.L1, SENIOR: Tier.L2, SPECIALIST: Tier.L3, LEAD: Tier.L4}

# Nobody edits history rows through the admin: the trail is append-only.
_NO_HISTORY_WRITES = ["!*.add_historical*", "!*.change_historical*", "!*.delete_historical*"]

_AGENT_GRANTS = [
    "escalation.view_*",
    "!escalation.view_metrics",
    "escalation.add_customer",
    "escalation.change_customer",
    "escalation.add_ticket",
    "escalation.change_ticket",
    "contacts.view_*",
    "sla.view_*",
    "verification.view_*",
    "!verification.view_approvalqueue",
    "verification.add_verificationrequest",
    "verification.change_verificationrequest",
    "verification.add_sensitiveactionrecord",
    *_NO_HISTORY_WRITES,
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    AGENT: _AGENT_GRANTS,
    SENIOR: _AGENT_GRANTS,
    SPECIALIST: _AGENT_GRANTS,
    LEAD: [
        "escalation.*",
        "!escalation.delete_ticket",
        "!escalation.delete_customer",
        "!escalation.delete_communication",
        "!escalation.delete_escalation",
        "!escalation.delete_departmentrequest",
        "!escalation.delete_approvalrequest",
        "!escalation.delete_approvalrule",
        "api.*",
        "outbox.view_outboxmessage",
        "outbox.resend_outboxmessage",
        "inbox.view_inboundemail",
        "inbox.review_inboundemail",
        "chatops.*",
        # The monthly review's preventive actions are raised and completed by leads only.
        "reviews.*",
        "!reviews.delete_preventiveaction",
        # New hires' mentors and start dates (003 "Training & Resources"); reviews are desk work.
        "training.view_*",
        "training.add_trainee",
        "training.change_trainee",
        "contacts.view_*",
        "sla.*",
        "verification.*",
        "auth.view_user",
        # Unlocking a sign-in is deleting its recorded failures (django-axes).
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        *_NO_HISTORY_WRITES,
    ],
    AUDITOR: ["*.view_*"],
    HELPDESK: [
        "escalation.view_ticket",
        "escalation.view_customer",
        "escalation.add_ticket",
        "escalation.change_ticket",
        "escalation.add_customer",
        # Names and companies change in the helpdesk first (api.inbound keeps them current).
        "escalation.change_customer",
        "contacts.view_*",
    ],
    # Department hours are SLA calendars: directory admins read them, nothing else of SLA.
    DIRECTORY_ADMIN: [
        "contacts.*",
        "sla.view_businesscalendar",
        "sla.view_openingspan",
        "sla.view_holiday",
        "auth.view_user",
        "training.view_trainee",
        "training.add_trainee",
        "training.change_trainee",
        *_NO_HISTORY_WRITES,
    ],
}


def resolve_grants(patterns: list[str], codenames: list[str]) -> set[str]:
    """The subset of `app_label.codename` strings the patterns grant."""
    granted: set[str] = set()
    for pattern in patterns:
        if pattern.startswith("!"):
            granted -= {c for c in granted if fnmatch(c, pattern[1:])}
        else:
            granted |= {c for c in codenames if fnmatch(c, pattern)}
    return granted


def sync_roles(apps, schema_editor=None) -> None:
    """Create the role groups and set exactly the permissions declared above.

    Runs inside migrations, where permissions of brand-new models do not exist yet
    (Django creates them after the last migration), so they are created first.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        granted = resolve_grants(patterns, list(permissions))
        group.permissions.set([permissions[c] for c in sorted(granted)])


# The admin is where leads and directory admins change records; agents work in the desk and
# auditors only read, so for everyone else the admin is read-only (see core.admin).
ADMIN_WRITERS = (LEAD, DIRECTORY_ADMIN)


def writes_in_admin(user) -> bool:
    """Whether this user may change anything through the admin (cached on the user)."""
    if not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_writes_in_admin", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name__in=ADMIN_WRITERS).exists()
        user._writes_in_admin = cached
    return cached


def user_tier(user) -> int | None:
    """The highest support tier among the user's role groups (None: not a support role)."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_support_tier", False)
    if cached is not False:
        return cached
    tier: int | None
    if user.is_superuser:
        tier = Tier.L4
    else:
        names = user.groups.values_list("name", flat=True)
        tiers = [ROLE_TIERS[n] for n in names if n in ROLE_TIERS]
        tier = max(tiers) if tiers else None
    user._support_tier = tier
    return tier
