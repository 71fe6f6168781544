"""My queue a page at a time (issue 18): by cursor, in the same order as ever, each active
ticket once, and junk in the query string is never an error."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from escalation import services
from escalation.desk.base import PAGE_SIZE
from escalation.models import SlaStatus, Ticket
from tests.escalation.sla.conftest import ny

QUEUE = reverse("desk:queue")
URGENCY = [SlaStatus.BREACHED, SlaStatus.AT_RISK, SlaStatus.ON_TRACK, SlaStatus.PAUSED]


def _shape(ticket: Ticket, n: int, now) -> None:
    """Give ticket number `n` one of the SLA situations the queue sorts by (columns only:
    what the clocks would have written)."""
    kind = n % 6
    due = now + timedelta(minutes=(n * 37) % 300 - 120)
    columns = {
        0: {"sla_due_at": now - timedelta(minutes=n), "sla_warn_at": None},  # breached
        1: {"sla_due_at": now + timedelta(hours=5, minutes=n), "sla_warn_at": now},  # at risk
        2: {"sla_due_at": due, "sla_warn_at": due - timedelta(minutes=10)},
        3: {"sla_due_at": None, "sla_warn_at": None, "sla_paused": True},
        4: {"sla_due_at": None, "sla_warn_at": None},  # no running target
        5: {"sla_due_at": now + timedelta(minutes=n), "sla_warn_at": None},  # on track
    }[kind]
    columns.setdefault("sla_paused", False)
    columns["created_at"] = now - timedelta(hours=n % 4)  # ties on created_at too
    Ticket.objects.filter(pk=ticket.pk).update(**columns)


def _expected(user, now) -> list[int]:
    """Today's order, worked out in Python: breached, at risk, on track, paused, none;
    each by deadline (none last), then created, then id."""

    def key(t: Ticket):
        if t.sla_paused:
            rank = 3
        elif t.sla_due_at is None:
            rank = 4
        elif t.sla_due_at <= now:
            rank = 0
        elif t.sla_warn_at is not None and t.sla_warn_at <= now:
            rank = 1
        else:
            rank = 2
        return (rank, t.sla_due_at is None, t.sla_due_at or now, t.created_at, t.pk)

    active = Ticket.objects.filter(owner=user, state__in=["new", "open"])
    return [t.pk for t in sorted(active, key=key)]


def _walk(client, params=None) -> tuple[list[int], list]:
    """Follow "Next page" from the first page to the last: the ids seen, and the pages."""
    seen, pages = [], []
    params = params or {}
    for _ in range(20):
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append(page)
        seen += [t.pk for t in page.object_list]
        if not page.next_cursor:
            return seen, pages
        params = {"after": page.next_cursor}
    raise AssertionError("the queue never ended")


@pytest.fixture
def busy_queue(make_ticket, agent, agent2):
    """60 of my tickets in every SLA situation, plus ones that are not in my queue."""
    now = timezone.now()
    mine = [make_ticket(state="open" if n % 2 else "new") for n in range(60)]
    for n, ticket in enumerate(mine):
        _shape(ticket, n, now)
    make_ticket(owner=agent2)  # someone else's
    make_ticket(state="resolved")  # no longer active
    return now


def test_following_next_page_shows_every_active_ticket_once_in_urgency_order(
    client_as, agent, busy_queue
):
    with time_machine.travel(busy_queue, tick=False):
        seen, pages = _walk(client_as(agent))
        expected = _expected(agent, busy_queue)
    assert len(expected) == 60 and seen == expected
    assert [len(p.object_list) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 10]
    statuses = [t.sla_status for p in pages for t in p.object_list]
    assert statuses == sorted(statuses, key=lambda s: (URGENCY + [SlaStatus.NONE]).index(s))


def test_previous_goes_back_to_the_same_page_and_then_the_first(client_as, agent, busy_queue):
    client = client_as(agent)
    with time_machine.travel(busy_queue, tick=False):
        first = client.get(QUEUE).context["page"]
        second = client.get(QUEUE, {"after": first.next_cursor}).context["page"]
        third = client.get(QUEUE, {"after": second.next_cursor}).context["page"]
        back = client.get(QUEUE, {"before": third.previous_cursor}).context["page"]
        start = client.get(QUEUE, {"before": back.previous_cursor})
    assert back.object_list == second.object_list and not back.is_first
    assert start.context["page"].object_list == first.object_list
    assert start.context["page"].is_first and 'rel="prev"' not in start.content.decode()
    assert "First page" in client.get(QUEUE, {"after": first.next_cursor}).content.decode()


def test_the_queue_says_how_many_without_counting_them_all(client_as, agent, busy_queue):
    page = client_as(agent).get(QUEUE).content.decode()
    assert "60 active tickets" in page


def test_a_page_deep_in_the_queue_costs_the_same_queries_as_the_first(
    client_as, agent, busy_queue, django_assert_max_num_queries
):
    client = client_as(agent)
    client.get(QUEUE)
    with django_assert_max_num_queries(20) as first:
        page = client.get(QUEUE).context["page"]
    with django_assert_max_num_queries(len(first.captured_queries) + 5):  # <= 6 segments
        client.get(QUEUE, {"after": page.next_cursor})
    sql = " ".join(q["sql"] for q in first.captured_queries)
    assert "OFFSET" not in sql.upper()
    counts = [q["sql"] for q in first.captured_queries if "COUNT(" in q["sql"].upper()]
    assert all("LIMIT" in q.upper() for q in counts)  # each count stops at a cap


def test_a_ticket_whose_deadline_moves_up_moves_up_the_queue(client_as, make_ticket, agent):
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        soon = make_ticket(code="feature-request", priority="high")  # due 13:00
        later = make_ticket(code="feature-request", priority="medium")  # due Tuesday
        client = client_as(agent)
        assert list(client.get(QUEUE).context["page"].object_list) == [soon, later]
        services.ticket_update(ticket=later, actor=agent, changes={"priority": "critical"})
        assert list(client.get(QUEUE).context["page"].object_list) == [later, soon]
        resolved = make_ticket(state="resolved")
        assert resolved not in client.get(QUEUE).context["page"].object_list


JUNK = [
    "x",
    "",
    "0.1.2",
    "9.1.2.3",  # no such segment
    "4.123.456.7",  # a deadline where the segment has none
    "0.-.456.7",  # none where it has one
    "0.1.2.3\n",
    "0.999999999999999999.2.3",  # past the year 9999
    "0.1.-999999999999999999.3",  # before the year 1
    "0.1.2.99999999999999999999999",
    "1" * 5000,
]


def test_a_junk_cursor_shows_the_first_page(client_as, agent, busy_queue):
    # One queue for every junk value: building the 60 tickets is what costs.
    client = client_as(agent)
    first = client.get(QUEUE).context["page"].object_list
    for junk in JUNK:
        for key in ("after", "before"):
            response = client.get(QUEUE, {key: junk})
            assert response.status_code == 200, (key, junk)
            assert response.context["page"].object_list == first, (key, junk)


def test_a_cursor_with_a_nul_byte_is_a_bad_request(client_as, agent):
    assert client_as(agent).get(QUEUE, {"after": "0.1.2.3\x00"}).status_code == 400
