"""Issue 14: a ticket's SLA status in words and colour, the same on the desk and in the
admin, and the admin's ticket list sorted by the next breach."""

from datetime import timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import strip_tags

from escalation import services
from escalation.models import SlaStatus, Ticket, TicketState
from escalation.selectors import ticket_list_queryset
from escalation.templatetags.sla import sla_status, sla_words
from tests.escalation.sla.conftest import ny

NOW = ny(2026, 11, 2, 12, 30)


def ticket(due=None, warn=None, paused=False, state=TicketState.OPEN) -> Ticket:
    t = Ticket(sla_due_at=due, sla_warn_at=warn, sla_paused=paused)
    t.__dict__["state"] = state  # the state field is protected; an unsaved row for words only
    return t


@pytest.mark.parametrize(
    ("row", "status", "text"),
    [
        (ticket(due=NOW - timedelta(hours=3)), SlaStatus.BREACHED, "Breached 3 h ago"),
        (ticket(due=NOW - timedelta(seconds=20)), SlaStatus.BREACHED, "Breached just now"),
        (
            ticket(due=NOW + timedelta(minutes=40), warn=NOW - timedelta(minutes=5)),
            SlaStatus.AT_RISK,
            "At risk: 40 min left",
        ),
        (
            ticket(due=NOW + timedelta(hours=5), warn=NOW + timedelta(hours=4)),
            SlaStatus.ON_TRACK,
            "On track: 5 h left",
        ),
        (
            ticket(due=NOW + timedelta(days=1, hours=2)),
            SlaStatus.ON_TRACK,
            "On track: 1 d 2 h left",
        ),
        (
            ticket(paused=True, state=TicketState.WAITING_ON_CUSTOMER),
            SlaStatus.PAUSED,
            "Paused (waiting on customer)",
        ),
        (ticket(state=TicketState.CLOSED), SlaStatus.NONE, "No running target"),
    ],
)
def test_each_status_reads_in_words(row, status, text):
    words = sla_words(row, NOW)
    assert (words.status, words.text) == (status, text)


def test_the_filter_gives_colour_and_words_never_colour_alone():
    row = ticket(due=NOW - timedelta(hours=3))
    html = Template("{% load sla %}{{ t|sla_words:now }}").render(Context({"t": row, "now": NOW}))
    assert html == '<span class="sla sla-breached"><strong>Breached</strong> 3 h ago</span>'
    plain = Template("{% load sla %}{{ t|sla_text:now }}").render(Context({"t": row, "now": NOW}))
    assert plain == "Breached 3 h ago"


def test_the_words_agree_with_the_lists_filters(make_ticket, agent, lead):
    """sla_status in Python and the SQL conditions of the filters say the same thing."""
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        made = [
            make_ticket(code="fraud"),
            make_ticket(code="feature-request", priority="high"),
            make_ticket(code="feature-request", priority="medium"),
            make_ticket(code="feature-request", priority="high", state="waiting_on_customer"),
            make_ticket(state="resolved"),
        ]
    in_sql = dict(ticket_list_queryset(NOW).values_list("pk", "sla_status"))
    rows = Ticket.objects.in_bulk([t.pk for t in made])
    assert {pk: sla_status(t, NOW) for pk, t in rows.items()} == in_sql
    assert sorted(in_sql.values()) == sorted(SlaStatus.values)


def test_the_admin_ticket_list_shows_the_words_and_sorts_by_the_next_breach(
    make_ticket, agent, client_as, lead
):
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        on_track = make_ticket(code="feature-request", priority="medium")  # due Tue
        paused = make_ticket(code="feature-request", priority="high", state="waiting_on_customer")
        breached = make_ticket(code="fraud")  # first response 09:30
        closed = make_ticket(state="closed")
        at_risk = make_ticket(code="feature-request", priority="high")  # due 13:00
    with time_machine.travel(NOW, tick=False):
        response = client_as(lead).get(reverse("admin:escalation_ticket_changelist"))
    rows = list(response.context["cl"].result_list)
    assert rows[:3] == [breached, at_risk, on_track]  # soonest deadline first
    assert set(rows[3:]) == {paused, closed}  # no deadline: last
    page = " ".join(strip_tags(response.content.decode()).split())
    for words in (
        "Breached 3 h ago",
        "At risk: 30 min left",
        "Paused (waiting on customer)",
        "No running target",
    ):
        assert words in page
    html = response.content.decode()
    assert '<span class="sla sla-breached"><strong>Breached</strong>' in html
    assert '<span class="sla sla-at_risk"><strong>At risk:</strong>' in html
    assert '<span class="sla sla-on_track"><strong>On track:</strong>' in html


@pytest.mark.parametrize("n", [3, 30])
def test_the_sorted_admin_list_costs_the_same_queries_for_3_or_30_tickets(
    make_ticket, agent, client_as, lead, n, django_assert_max_num_queries
):
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        for _ in range(n):
            make_ticket(code="feature-request", priority="high")
    client = client_as(lead)
    url = reverse("admin:escalation_ticket_changelist")
    with time_machine.travel(NOW, tick=False):
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_waiting_on_the_customer_reads_paused_and_resuming_reads_on_track(make_ticket, agent):
    with time_machine.travel(ny(2026, 11, 2, 9), tick=False):
        t = make_ticket(code="feature-request", priority="high", state="waiting_on_customer")
        assert sla_words(t).text == "Paused (waiting on customer)"
        t = services.ticket_resume(ticket=t, actor=agent, reason="Logs came")
        assert sla_words(t).text.startswith("On track: ")
