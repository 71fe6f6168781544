"""Who the demo is about: staff of every role, the tier teams, on-call schedules, customers.

Apart from the tickets because people are topped up differently: logins are brought
back to a known state on every run (password, role), customers only added up to the
count asked for.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from contacts.models import Department, OnCallShift, Schedule, ScheduleLayer
from contacts.services import layer_members_set
from core import roles, rows
from core.choices import Tier
from core.errors import InvalidInput
from core.history import save_audited
from escalation.models import Customer, Plan

from .words import (
    BATCH,
    COMPANIES,
    DEMO_PREFIX,
    DEMO_USERS,
    EXTRA_STAFF,
    FIRST,
    LAST,
    PLANS,
    REASON,
)

TIER_TEAMS = {
    "support-l1": Tier.L1,
    "support-l2": Tier.L2,
    "support-l3": Tier.L3,
    "support-management": Tier.L4,
}

Staff = dict[int, list]  # tier -> users who own tickets there


def staff_ensure(password: str) -> Staff:
    """The demo logins (with `password`) and extra owners, each in their role's group.

    Raises InvalidInput when the role groups are missing (migrations not run).
    """
    User = get_user_model()
    groups = {g.name: g for g in Group.objects.all()}
    missing = set(roles.ROLE_PERMISSIONS) - set(groups)
    if missing:
        raise InvalidInput(f"Role groups missing ({', '.join(missing)}): run migrate first.")
    by_tier: Staff = {t: [] for t in Tier.values}
    logins = {username for username, *_ in DEMO_USERS}
    rows = [(u, r, f, last) for u, r, f, last in DEMO_USERS] + [
        (u, r, u.upper(), "Demo") for u, r in EXTRA_STAFF
    ]
    # One hash for the six logins (hashing was most of this function's time): they share
    # the password anyway. Set as `set_password` sets it, so the access log still says
    # "password changed".
    encoded = make_password(password)
    for username, role, first, last in rows:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@example.com"
        user.is_staff = True
        if username in logins:
            user.password = encoded
            user._password = password  # type: ignore[attr-defined]  # as set_password does
        else:
            user.set_unusable_password()
        user.save()
        user.groups.set([groups[role]])
        if role in roles.ROLE_TIERS:
            by_tier[roles.ROLE_TIERS[role]].append(user)
    return by_tier


def _members_set(department: Department, people: list) -> bool:
    """Make `people` the department's members; True if that changed anything.

    Written to the join table directly, so no history row of its own is made without
    who and why: the caller's audited save records the new set.
    """
    through = Department.members.through
    current = set(department.members.values_list("pk", flat=True))
    wanted = {person.pk for person in people}
    if current == wanted:
        return False
    through.objects.filter(department=department).exclude(user_id__in=wanted).delete()
    through.objects.bulk_create(
        [through(department=department, user_id=pk) for pk in sorted(wanted - current)]
    )
    return True


def directory_ensure(staff: Staff, actor) -> None:
    """Tier teams' members and leads, and an on-call schedule for each 24/7 team."""
    lead = staff[Tier.L4][0]
    for code, tier in TIER_TEAMS.items():
        department = Department.objects.filter(code=code).first()
        if department is None:
            continue
        changed = _members_set(department, staff[tier])
        if department.lead_id is None:
            department.lead = lead
            changed = True
        if changed:
            # One history row names who and why, with the members as they now are.
            save_audited(department, actor=actor, reason=REASON, update_fields=["lead"])
    engineer = get_user_model().objects.get(username="engineer")
    rotation = list(dict.fromkeys([engineer, *staff[Tier.L3], lead]))
    for department in Department.objects.filter(critical_around_the_clock=True):
        if Schedule.objects.filter(department=department).exists():
            continue
        if department.code == FOLLOW_THE_SUN:
            _follow_the_sun(department, rotation, actor)
        else:
            _weekly_rotation(department, rotation, actor)


# Operations (no hours of its own) shows follow-the-sun; the other 24/7 teams a weekly
# rotation handing over on Monday at 09:00 New York time.
FOLLOW_THE_SUN = "operations"
NEW_YORK, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")


def _this_monday(tz: ZoneInfo, hour: int) -> datetime:
    today = timezone.now().astimezone(tz).date()
    return datetime.combine(today - timedelta(days=today.weekday()), time(hour), tzinfo=tz)


def _layer(schedule: Schedule, people: list, actor, **fields) -> None:
    layer = ScheduleLayer(schedule=schedule, **fields)
    save_audited(layer, actor=actor, reason=REASON)
    members = [(person, "+1 555 0199") for person in people]
    layer_members_set(layer=layer, members=members, actor=actor, reason=REASON)


def _weekly_rotation(department: Department, rotation: list, actor) -> None:
    schedule = Schedule(department=department, name=f"{department.name} on call")
    schedule.time_zone = "America/New_York"
    save_audited(schedule, actor=actor, reason=REASON)
    _layer(
        schedule,
        rotation,
        actor,
        position=1,
        name="Weekly",
        rotation_start=_this_monday(NEW_YORK, 9),
        turn_length=timedelta(weeks=1),
    )


def _follow_the_sun(department: Department, rotation: list, actor) -> None:
    """Two layers with daily windows in Berlin time: Europe by day, the Americas by night;
    and one override tomorrow afternoon, as a directory admin would enter one."""
    schedule = Schedule(
        department=department,
        name="Follow the sun",
        time_zone="Europe/Berlin",
        description="Europe 07:00-19:00 Berlin time, the Americas 19:00-07:00; daily turns.",
    )
    save_audited(schedule, actor=actor, reason=REASON)
    half = max(1, len(rotation) // 2)
    common = {"rotation_start": _this_monday(BERLIN, 7), "turn_length": timedelta(days=1)}
    _layer(
        schedule,
        rotation[:half],
        actor,
        position=1,
        name="Europe",
        window_start=time(7),
        window_end=time(19),
        **common,
    )
    _layer(
        schedule,
        rotation[half:] or rotation,
        actor,
        position=2,
        name="Americas",
        window_start=time(19),
        window_end=time(7),
        **common,
    )
    tomorrow = timezone.now().astimezone(BERLIN).date() + timedelta(days=1)
    override = OnCallShift(
        department=department,
        person=rotation[-1],
        starts_at=datetime.combine(tomorrow, time(12), tzinfo=BERLIN),
        ends_at=datetime.combine(tomorrow, time(16), tzinfo=BERLIN),
        is_override=True,
        phone="+1 555 0198",
        note="Demo: covering an appointment",
    )
    save_audited(override, actor=actor, reason=REASON)


def customers_ensure(rng: random.Random, wanted: int, staff: Staff, actor) -> list[int]:
    """Demo customers topped up to `wanted`; the IDs of all of them, oldest first."""
    demo = Customer.objects.filter(external_user_id__startswith=DEMO_PREFIX)
    csm = staff[Tier.L4][0]
    new = [_customer(rng, i, csm) for i in range(demo.count(), wanted)]
    for start in range(0, len(new), BATCH):
        with transaction.atomic():
            rows.insert_reserving_ids(Customer, new[start : start + BATCH])
            rows.insert_history(
                Customer, new[start : start + BATCH], user_id=actor.pk, reason=REASON
            )
    return list(demo.order_by("pk").values_list("pk", flat=True))


def _customer(rng: random.Random, i: int, csm) -> Customer:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    plan = rng.choice(PLANS)
    churn = rng.random() < 0.05
    return Customer(
        name=f"{first} {last}",
        email=f"{first}.{last}.{i}@example.com".lower(),
        external_user_id=f"{DEMO_PREFIX}{i:07d}",
        company=f"{rng.choice(COMPANIES)} {i % 97}" if plan != Plan.FREE else "",
        plan=plan,
        is_vip=plan == Plan.ENTERPRISE and rng.random() < 0.3,
        success_manager=csm if plan == Plan.ENTERPRISE else None,
        churn_risk=churn,
        churn_risk_reason="Asked about the cancellation process" if churn else "",
        is_media=rng.random() < 0.01,
    )
