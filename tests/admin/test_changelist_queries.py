"""Every admin list costs the same number of queries whatever the number of rows behind it.

Each case builds a few rows, measures the list, builds many more, and loads the list again
with the first count as the bound. The ticket list and the approval queue have their own
pins (tests/escalation/admin, tests/core/test_roles_http.py).
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from contacts.models import ContactChannel, Department, OnCallShift
from core import roles
from escalation import services
from escalation.models import Category, CategoryGroup, CommunicationTemplate, Metric, MetricTarget
from outbox.services import Outgoing, outbox_enqueue_many
from sla.models import BreachEvent, BusinessCalendar, Clock, EscalationMatrixRow, SlaPolicy
from tests.factories import CustomerFactory, UserFactory, full_handoff
from verification.models import SensitiveAction
from verification.services import verification_start

FEW, MANY = 3, 30
FIRST_BOUND = 25  # a list page stays small even before the comparison


class World:
    """What the row makers need: people, and tickets made through the services."""

    def __init__(self, make_ticket, agent, lead):
        self.make_ticket, self.agent, self.lead = make_ticket, agent, lead
        self.made = 0

    def serial(self) -> int:
        self.made += 1
        return self.made

    def open_ticket(self):
        return self.make_ticket(state="open", customer=CustomerFactory())


def customers(w: World, n: int) -> None:
    CustomerFactory.create_batch(n, success_manager=w.lead)


def categories(w: World, n: int) -> None:
    departments = list(Department.objects.all()[:2])
    for _ in range(n):
        i = w.serial()
        category = Category.objects.create(
            code=f"extra-{i}",
            name=f"Extra {i}",
            group=CategoryGroup.choices[0][0],
            route_to=departments[0],
        )
        category.copy_to.set(departments)


def escalations(w: World, n: int) -> None:
    for _ in range(n):
        ticket = w.open_ticket()
        services.ticket_escalate(
            ticket=ticket, actor=w.agent, to_tier=2, reason="DB", handoff=full_handoff(ticket)
        )


def communications(w: World, n: int) -> None:
    for _ in range(n):
        services.communication_log(
            ticket=w.open_ticket(), actor=w.agent, direction="outbound", channel="email", body="Hi"
        )


def communication_templates(w: World, n: int) -> None:
    for _ in range(n):
        i = w.serial()
        CommunicationTemplate.objects.create(
            code=f"extra-{i}", name=f"Extra {i}", purpose="internal", subject="S", body="B"
        )


def department_requests(w: World, n: int) -> None:
    for _ in range(n):
        services.department_request_open(
            ticket=w.open_ticket(),
            actor=w.agent,
            needed="Logs",
            customer_impact="Blocked",
            findings="E-42",
        )


def major_incidents(w: World, n: int) -> None:
    for _ in range(n):
        incident = services.incident_declare(
            actor=w.lead,
            title="Down",
            affected_service="Sync",
            holding_message="Hi {customer_name}",
        )
        services.incident_link_tickets(incident=incident, actor=w.lead, tickets=[w.open_ticket()])


def metric_targets(w: World, n: int) -> None:
    """One target per metric at most: a few first (the seeded ones removed), then the rest."""
    if not w.made:
        MetricTarget.objects.all().delete()
    taken = set(MetricTarget.objects.values_list("metric", flat=True))
    for metric in [m for m in Metric.values if m not in taken][:n]:
        w.serial()
        MetricTarget.objects.create(metric=metric, comparison="gte", value=1)


def sensitive_actions(w: World, n: int) -> None:
    for _ in range(n):
        i = w.serial()
        SensitiveAction.objects.create(code=f"extra-{i}", name=f"Extra {i}", risk_level="low")


def verification_requests(w: World, n: int) -> None:
    action = SensitiveAction.objects.get(code="2fa-removal")
    for _ in range(n):
        verification_start(subject=CustomerFactory(), action=action, actor=w.agent)


def departments(w: World, n: int) -> None:
    calendar = BusinessCalendar.objects.first()
    now = timezone.now()
    for _ in range(n):
        i = w.serial()
        department = Department.objects.create(
            code=f"extra-{i}", name=f"Extra {i}", calendar=calendar
        )
        ContactChannel.objects.create(
            department=department, kind="email", value=f"x{i}@example.com"
        )
        OnCallShift.objects.create(
            department=department,
            person=w.agent,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=8),
        )


def on_call_shifts(w: World, n: int) -> None:
    department = Department.objects.first()
    start = timezone.now()
    for _ in range(n):
        i = w.serial()
        OnCallShift.objects.create(
            department=department,
            person=w.agent,
            starts_at=start + timedelta(days=i),
            ends_at=start + timedelta(days=i, hours=8),
        )


def business_calendars(w: World, n: int) -> None:
    for _ in range(n):
        BusinessCalendar.objects.create(name=f"Extra {w.serial()}", always_open=True)


def tickets_with_clocks(w: World, n: int) -> None:
    for _ in range(n):
        w.open_ticket()


def breach_events(w: World, n: int) -> None:
    for _ in range(n):
        ticket = w.open_ticket()
        clock = Clock.objects.filter(subject_id=ticket.pk).first()
        BreachEvent.objects.create(
            clock=clock,
            subject_type=ContentType.objects.get_for_model(ticket),
            subject_id=ticket.pk,
            kind=clock.kind,
        )


def outbox_messages(w: World, n: int) -> None:
    outbox_enqueue_many(
        Outgoing(event_key=f"test:{w.serial()}", recipient="a@example.com", subject="S", body="B")
        for _ in range(n)
    )


def access_events(w: World, n: int) -> None:
    for _ in range(n):  # each new account in a role is an account and a permission event
        UserFactory(username=f"extra{w.serial()}", role=roles.AGENT)


Maker = Callable[[World, int], None]
CASES: dict[str, tuple[str, Maker]] = {
    "escalation_customer": ("lead", customers),
    "escalation_category": ("lead", categories),
    "escalation_escalation": ("lead", escalations),
    "escalation_communication": ("lead", communications),
    "escalation_communicationtemplate": ("lead", communication_templates),
    "escalation_departmentrequest": ("lead", department_requests),
    "escalation_majorincident": ("lead", major_incidents),
    "escalation_metrictarget": ("lead", metric_targets),
    "verification_sensitiveaction": ("lead", sensitive_actions),
    "verification_verificationrequest": ("lead", verification_requests),
    "contacts_department": ("directory_admin", departments),
    "contacts_oncallshift": ("directory_admin", on_call_shifts),
    "sla_businesscalendar": ("lead", business_calendars),
    "sla_clock": ("lead", tickets_with_clocks),
    "sla_timer": ("lead", tickets_with_clocks),
    "sla_breachevent": ("lead", breach_events),
    "outbox_outboxmessage": ("lead", outbox_messages),
    "audit_accessevent": ("auditor", access_events),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_list_costs_the_same_queries_for_few_and_many_rows(
    name, request, client_as, make_ticket, agent, lead, django_assert_max_num_queries
):
    role, make = CASES[name]
    client = client_as(request.getfixturevalue(role))
    url = reverse(f"admin:{name}_changelist")
    world = World(make_ticket, agent, lead)
    make(world, FEW)
    client.get(url)  # warm caches (content types, permissions, sessions)
    with django_assert_max_num_queries(FIRST_BOUND) as few:
        client.get(url)
    make(world, MANY - FEW)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    shown = len(response.context["cl"].result_list)
    assert shown >= MANY or (name == "escalation_metrictarget" and shown == len(Metric.values))


# Tables with one row per priority, cell or installation cannot grow: they are measured
# with some of their rows, then with all of them.


def test_the_sla_policy_list_costs_the_same_queries_for_one_and_all_priorities(
    client_as, lead, django_assert_max_num_queries
):
    policies = list(SlaPolicy.objects.all())
    SlaPolicy.objects.exclude(pk=policies[0].pk).delete()
    client = client_as(lead)
    url = reverse("admin:sla_slapolicy_changelist")
    client.get(url)
    with django_assert_max_num_queries(FIRST_BOUND) as few:
        client.get(url)
    for policy in policies[1:]:
        policy.save(force_insert=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == len(policies) > 1


def test_the_escalation_matrix_costs_the_same_queries_for_few_and_all_cells(
    client_as, lead, django_assert_max_num_queries
):
    cells = list(EscalationMatrixRow.objects.all())
    EscalationMatrixRow.objects.exclude(pk__in=[c.pk for c in cells[:FEW]]).delete()
    client = client_as(lead)
    url = reverse("admin:sla_escalationmatrixrow_changelist")
    client.get(url)
    with django_assert_max_num_queries(FIRST_BOUND) as few:
        client.get(url)
    for cell in cells[FEW:]:
        cell.save(force_insert=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == len(cells) > FEW


def test_the_sla_settings_list_is_a_handful_of_queries(
    client_as, lead, django_assert_max_num_queries
):
    client = client_as(lead)
    url = reverse("admin:sla_slasettings_changelist")
    client.get(url)
    with django_assert_max_num_queries(FIRST_BOUND):
        assert client.get(url).status_code == 200
