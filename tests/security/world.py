"""What the generated security tests run against: one of every kind of record, every role,
every URL of the product with real ids, and a fingerprint of every table.

The URLs come from the URL resolver and the admin registry, not from a list, so a page
added tomorrow is attacked tomorrow.
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib import admin
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from contacts.models import Department
from core import roles
from escalation import services
from escalation.models import Ticket
from tests.factories import CustomerFactory, UserFactory, category, full_handoff
from verification.models import SensitiveAction
from verification.services import verification_start

ROLES = {
    "agent": roles.AGENT,
    "senior": roles.SENIOR,
    "engineer": roles.SPECIALIST,
    "lead": roles.LEAD,
    "auditor": roles.AUDITOR,
    "directory": roles.DIRECTORY_ADMIN,
}
# Tables whose rows a request may rightly touch whatever it is: sessions, sign-in
# bookkeeping, the task queue.
VOLATILE = ("django_session", "axes_", "django_q_", "audit_accessevent", "auth_user")
NEVER_REQUESTED = {"admin:logout", "admin:view_on_site", "admin:autocomplete"}


@dataclass
class World:
    users: dict[str, object]
    own_ticket: Ticket  # the L1 agent's ticket
    victim: Ticket  # an L3 engineer's ticket, with a department request of theirs
    objects: dict[str, object] = field(default_factory=dict)  # label -> a row of that model


def build_world() -> World:
    users = {name: UserFactory(username=f"sec-{name}", role=role) for name, role in ROLES.items()}
    customer = CustomerFactory()
    own = services.ticket_create(
        actor=users["agent"], customer=customer, category=category(), subject="Own ticket"
    )
    services.ticket_open(ticket=own, actor=users["agent"])
    victim = services.ticket_create(
        actor=users["agent"], customer=customer, category=category(), subject="L3 ticket"
    )
    victim = services.ticket_open(ticket=victim, actor=users["agent"])
    for up, by, acceptor in ((2, "agent", "senior"), (3, "senior", "engineer")):
        victim = services.ticket_escalate(
            ticket=victim,
            actor=users[by],
            to_tier=up,
            reason="Needs the next tier",
            handoff=full_handoff(victim),
        )
        victim = services.ticket_accept_escalation(ticket=victim, actor=users[acceptor])
    services.department_request_open(
        ticket=victim,
        actor=users["engineer"],
        needed="Check the worker",
        customer_impact="No sync",
        findings="Crash loop",
    )
    services.incident_declare(
        actor=users["lead"],
        title="Sync outage",
        affected_service="Sync",
        holding_message="We are on it, {customer_name}.",
    )
    action = SensitiveAction.objects.order_by("pk").first()
    if action is not None:
        verification_start(subject=customer, actor=users["agent"], action=action)
    world = World(users=users, own_ticket=own, victim=victim)
    world.objects["escalation.ticket"] = victim
    world.objects["contacts.department"] = Department.objects.order_by("pk").first()
    return world


def _row(world: World, model) -> object | None:
    label = model._meta.label_lower
    if label not in world.objects:
        world.objects[label] = model._default_manager.order_by("pk").first()
    return world.objects[label]


def _walk(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            yield from _walk(entry.url_patterns, f"{namespace}:{inner}".strip(":") or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _params(entry: URLPattern) -> tuple[list[str], int]:
    pattern = entry.pattern
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters), 0
    assert isinstance(pattern, RegexPattern)
    named = list(pattern.regex.groupindex)
    return named, pattern.regex.groups - len(named)


def _admin_model(name: str):
    """The model behind an admin URL name such as 'admin:escalation_ticket_change'."""
    bare = name.removeprefix("admin:")
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if bare.startswith(prefix):
            return model, bare[len(prefix) :]
    return None, ""


def product_urls(world: World) -> list[str]:
    """Every named URL of the product, filled with real ids (one URL per step name)."""
    urls: list[str] = []
    victim = world.victim
    request = victim.department_requests.first()
    for name, entry in _walk(get_resolver().url_patterns):
        if name in NEVER_REQUESTED:
            continue
        named, positional = _params(entry)
        model, suffix = _admin_model(name)
        row = _row(world, model) if model is not None else None
        object_id = str(row.pk) if row is not None else "1"
        if name == "admin:app_list":
            urls += [reverse(name, kwargs={"app_label": a}) for a in ("escalation", "contacts")]
        elif model is not None and positional == 2:  # simple_history's revert form
            history = getattr(row, "history", None) if row is not None else None
            latest = history.order_by("-pk").first() if history is not None else None
            urls.append(reverse(name, args=[object_id, latest.pk if latest else 1]))
        elif model is not None and "step" in named:
            steps = getattr(admin.site._registry[model], "steps", {})
            urls += [
                reverse(name, kwargs={"object_id": object_id, "step": step})
                for step, spec in steps.items()
                if spec.path == suffix
            ]
        elif model is not None and named == ["object_id"]:
            urls.append(reverse(name, kwargs={"object_id": object_id}))
        elif name == "admin:auth_user_password_change":
            urls.append(reverse(name, kwargs={"id": world.users["agent"].pk}))
        elif name.startswith("desk:"):
            values = {
                "pk": victim.pk,
                "action": "cancel",
                "request_id": request.pk if request else 1,
                "step": "cancel",
            }
            urls.append(reverse(name, kwargs={k: values[k] for k in named}))
        elif not named and not positional:
            urls.append(reverse(name))
    # Deletions last, so a role that may delete does not empty the pages after them.
    return sorted(set(urls), key=lambda u: ("/delete/" in u, u))


def fingerprint() -> dict[str, str]:
    """A hash of every table's rows (volatile bookkeeping tables left out)."""
    result = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith(VOLATILE):
                continue
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - table names
            result[table] = hashlib.md5(repr(cursor.fetchall()).encode()).hexdigest()  # noqa: S324
    return result


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in after if before.get(t) != after[t])
