"""The hand-offs waiting for my tier, most urgent first (001 "Acknowledge within 15 minutes"
and the escalation matrix's times per priority: critical before high before medium before
low), and ticket search by subject (003 "Document all interactions ... for reference")."""

import html

import time_machine
from django.urls import reverse

from escalation import services
from escalation.models import Ticket
from escalation.selectors import ticket_search
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory, full_handoff

QUEUE = reverse("desk:queue")
SEARCH = reverse("desk:search")


def escalate(ticket, actor):
    return services.ticket_escalate(
        ticket=ticket, actor=actor, to_tier=2, reason="Needs L2", handoff=full_handoff(ticket)
    )


def test_waiting_hand_offs_are_ordered_by_priority_then_sla_deadline_then_age(
    client_as, make_ticket, agent, senior
):
    """001: a critical hand-off is acknowledged first, whatever waited longer; among equal
    priorities the ticket whose SLA falls due first; then the one waiting longest."""
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        low_old = make_ticket(state="open", priority="low", subject="low, asked first")
        low_new = make_ticket(state="open", priority="low", subject="low, asked second")
        high_soon = make_ticket(state="open", priority="high", subject="high, due sooner")
    with time_machine.travel(ny(2026, 11, 2, 10), tick=False):
        high_later = make_ticket(state="open", priority="high", subject="high, due later")
        critical = make_ticket(state="open", priority="critical", subject="critical")
    assert high_soon.sla_due_at < high_later.sla_due_at
    assert low_old.sla_due_at == low_new.sla_due_at
    order_asked = [low_old, high_later, low_new, high_soon, critical]  # critical asked last
    for minute, ticket in enumerate(order_asked):
        with time_machine.travel(ny(2026, 11, 2, 10, 10 + minute), tick=False):
            escalate(ticket, agent)
    with time_machine.travel(ny(2026, 11, 2, 10, 20), tick=False):
        response = client_as(senior).get(QUEUE)
    waiting = [w["escalation"].ticket for w in response.context["waiting"]]
    assert waiting == [critical, high_soon, high_later, low_old, low_new]
    page = html.unescape(response.content.decode())
    table = page[page.index("Escalations waiting for") :]
    assert "<th>Priority</th>" in table
    rows = table.split("<tr")[2:]  # after the header row
    for row, expected in zip(rows, ["Critical", "High", "High", "Low", "Low"], strict=True):
        assert f'priority-{expected.lower()}">{expected}</span></td>' in row


def test_the_waiting_list_keeps_its_query_count_with_more_hand_offs(
    client_as, make_ticket, agent, senior, django_assert_max_num_queries
):
    client = client_as(senior)
    for priority in ("low", "high", "critical"):
        escalate(make_ticket(state="open", priority=priority, customer=CustomerFactory()), agent)
    client.get(QUEUE)
    with django_assert_max_num_queries(15) as few:
        assert len(client.get(QUEUE).context["waiting"]) == 3
    for n in range(27):
        priority = ("low", "medium", "high")[n % 3]
        escalate(make_ticket(state="open", priority=priority, customer=CustomerFactory()), agent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(QUEUE).context["waiting"]) == 30


def test_search_finds_tickets_by_words_of_their_subject_in_any_case(client_as, make_ticket, agent):
    wanted = make_ticket(subject="Invoice PDF shows the wrong VAT number")
    make_ticket(subject="Sync stopped")
    client = client_as(agent)
    for query in ("wrong vat", "INVOICE pdf", "vat NUMBER"):
        found = client.get(SEARCH, {"q": query}).context["page"].object_list
        assert list(found) == [wanted], query


def test_a_reference_search_is_a_key_lookup_not_a_scan(make_ticket):
    """The reference fast path: ESC-000123 looks the ticket up by its key, no LIKE."""
    ticket = make_ticket(subject="ESC-000999 mentioned in the subject")
    query = ticket_search(Ticket.objects.all(), ticket.reference)
    assert list(query) == [ticket]
    assert "LIKE" not in str(query.query).upper()
    assert "LIKE" in str(ticket_search(Ticket.objects.all(), "mentioned").query).upper()


def test_search_by_subject_keeps_a_fixed_number_of_queries(
    client_as, make_ticket, agent, django_assert_max_num_queries
):
    client = client_as(agent)
    for n in range(3):
        make_ticket(subject=f"Webhook retries fail {n}", customer=CustomerFactory())
    client.get(SEARCH, {"q": "webhook"})
    with django_assert_max_num_queries(7) as few:  # as for any other search
        client.get(SEARCH, {"q": "webhook"})
    for n in range(27):
        make_ticket(subject=f"Webhook retries fail again {n}", customer=CustomerFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(SEARCH, {"q": "WEBHOOK"})
    assert page.context["page"].paginator.count == 30
