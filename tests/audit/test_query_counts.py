"""A page of the trail costs the same number of queries whatever the volume behind it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalation import services
from tests.audit.conftest import TRAIL, TRAIL_CSV
from tests.factories import UserFactory


def work(make_ticket, agent, lead, senior, n):
    """n tickets, each created, opened, edited and reassigned, by three people."""
    tickets = []
    for i in range(n):
        ticket = make_ticket(state="open", subject=f"load {i}")
        services.ticket_update(ticket=ticket, actor=lead, changes={"subject": f"load {i}!"})
        services.ticket_reassign(ticket=ticket, actor=lead, owner=senior, reason="cover")
        tickets.append(ticket)
    return tickets


def count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries.captured_queries)


def test_the_trail_page_query_count_does_not_grow_with_rows(
    client_as, auditor, agent, lead, senior, make_ticket, django_assert_max_num_queries
):
    client = client_as(auditor)
    work(make_ticket, agent, lead, senior, 3)
    few = count(client, TRAIL)
    filtered = count(client, TRAIL, {"user": "lead1"})
    work(make_ticket, agent, lead, senior, 30)
    for n in range(5):  # more people, more access events
        UserFactory(username=f"extra{n}", role="Agent")
    with django_assert_max_num_queries(few):
        response = client.get(TRAIL)
    assert len(response.context["entries"]) == 50 and response.context["next_url"]
    with django_assert_max_num_queries(few):
        client.get(TRAIL + response.context["next_url"])  # an older page
    with django_assert_max_num_queries(filtered):
        client.get(TRAIL, {"user": "lead1"})


def test_the_one_ticket_views_cost_a_handful_of_queries(
    client_as, auditor, agent, lead, senior, make_ticket, django_assert_max_num_queries
):
    client = client_as(auditor)
    ticket = work(make_ticket, agent, lead, senior, 1)[0]
    history = reverse("admin:escalation_ticket_history", args=[ticket.pk])
    params = {"model": "escalation.ticket", "object_id": ticket.pk}
    page, filtered = count(client, history), count(client, TRAIL, params)
    for n in range(15):
        services.ticket_update(ticket=ticket, actor=lead, changes={"subject": f"again {n}"})
    with django_assert_max_num_queries(page):
        client.get(history)
    with django_assert_max_num_queries(filtered):
        client.get(TRAIL, params)
    assert page <= 20 and filtered <= 20


def test_the_csv_export_queries_per_chunk_not_per_row(
    client_as, auditor, agent, lead, senior, make_ticket, django_assert_max_num_queries
):
    client = client_as(auditor)
    work(make_ticket, agent, lead, senior, 2)
    params = {"model": "escalation.ticket"}
    with CaptureQueriesContext(connection) as few:
        b"".join(client.get(TRAIL_CSV, params).streaming_content)
    work(make_ticket, agent, lead, senior, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        b"".join(client.get(TRAIL_CSV, params).streaming_content)
