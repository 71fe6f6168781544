"""The audit trail follows a ticket by its reference, alone or with everything attached to
it: its hand-offs, communications, department requests, root-cause analysis and the
identity verifications started from that ticket (a customer's checks for other tickets
stay on those tickets). 001 Common Pitfalls, "Poor Handoffs: information lost during
transfers"; 003 "Document all interactions"; the auditor's "see every change to every
record, who made it and when", one stream."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import views
from audit.selectors import TrailFilters, trail_page
from contacts.models import Department
from escalation import services
from tests.audit.conftest import TRAIL, TRAIL_CSV, csv_rows
from tests.factories import full_handoff
from verification import services as verify
from verification.models import SensitiveAction

ATTACHED_TYPES = {
    "Ticket",
    "Escalation",
    "Communication",
    "Department request",
    "Verification request",
}


def verification(ticket, agent, tied=True):
    return verify.verification_start(
        subject=ticket.customer,
        action=SensitiveAction.objects.get(code="password-reset"),
        actor=agent,
        ticket_id=ticket.pk if tied else None,
    )


def work_on(ticket, agent, senior, notes=1):
    """A ticket's story with one of each attached record, and `notes` notes."""
    verification(ticket, agent)
    for n in range(notes):
        services.communication_log(
            ticket=ticket, actor=agent, direction="internal", channel="internal", body=f"n{n}"
        )
    services.department_request_open(
        ticket=ticket,
        actor=agent,
        department=Department.objects.get(code="billing"),
        needed="Refund decision",
        customer_impact="Charged twice",
        findings="Two captures",
    )
    ticket = services.ticket_resume(ticket=ticket, actor=agent, reason="Billing answered")
    ticket = services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="Needs L2", handoff=full_handoff(ticket)
    )
    return services.ticket_accept_escalation(ticket=ticket, actor=senior)


@pytest.fixture
def story(make_ticket, agent, senior):
    """Two tickets of the same customer, both worked; and a check tied to no ticket."""
    mine = work_on(make_ticket(state="open"), agent, senior)
    theirs = work_on(make_ticket(state="open"), agent, senior)
    verification(mine, agent, tied=False)
    return mine, theirs


def test_a_ticket_reference_is_accepted_as_the_record(client_as, auditor, story):
    mine, _ = story
    response = client_as(auditor).get(TRAIL, {"object_id": mine.reference})
    assert response.status_code == 200 and not response.context["form"].errors
    entries = response.context["entries"]
    assert entries and {(e.type_label, e.object_id) for e in entries} == {("Ticket", str(mine.pk))}
    typed = client_as(auditor).get(
        TRAIL, {"model": "escalation.ticket", "object_id": mine.reference.lower()}
    )
    assert [e.cursor for e in typed.context["entries"]] == [e.cursor for e in entries]


def test_the_ticket_with_everything_attached_is_one_stream(client_as, auditor, story):
    mine, theirs = story
    response = client_as(auditor).get(TRAIL, {"object_id": mine.reference, "attached": "on"})
    entries = response.context["entries"]
    assert {e.type_label for e in entries} == ATTACHED_TYPES
    keys = [(e.at, e.source, e.id) for e in entries]
    assert keys == sorted(keys, reverse=True)  # newest first, one order
    # Only this ticket's records: the other ticket's and the untied check are not here.
    expected = trail_page(
        TrailFilters(model="escalation.ticket", object_id=str(mine.pk), attached=True),
        page_size=1000,
    ).entries
    assert [e.cursor for e in entries] == [e.cursor for e in expected]
    assert str(theirs.pk) not in {e.object_id for e in entries if e.type_label == "Ticket"}
    labels = {e.object_label for e in entries if e.type_label == "Escalation"}
    assert labels and all(label.startswith(mine.reference) for label in labels)
    page = response.content.decode()
    assert "with everything attached: its own history and its" in page


def test_the_verification_requests_are_those_started_from_the_ticket(
    client_as, auditor, agent, story
):
    mine, _ = story
    response = client_as(auditor).get(TRAIL, {"object_id": mine.reference, "attached": "on"})
    checks = {e.object_id for e in response.context["entries"] if e.type_label.startswith("Ver")}
    from verification.models import VerificationRequest

    assert checks == {str(v.pk) for v in VerificationRequest.objects.filter(ticket_id=mine.pk)}
    assert len(checks) == 1  # the customer's untied check and the other ticket's are not


def test_the_attached_stream_pages_by_keyset_without_gaps_or_repeats(
    client_as, auditor, story, monkeypatch
):
    mine, _ = story
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client = client_as(auditor)
    params = {"object_id": mine.reference, "attached": "on"}
    url, seen = TRAIL, []
    while url:
        response = client.get(url, params if url == TRAIL else None)
        seen += [e.cursor for e in response.context["entries"]]
        url = response.context["next_url"] and TRAIL + response.context["next_url"]
    everything = trail_page(
        TrailFilters(model="escalation.ticket", object_id=str(mine.pk), attached=True),
        page_size=1000,
    ).entries
    assert seen == [e.cursor for e in everything] and len(seen) > 8


def test_the_export_carries_everything_attached(client_as, auditor, story):
    mine, _ = story
    params = {"object_id": mine.reference, "attached": "on"}
    exported = csv_rows(client_as(auditor).get(TRAIL_CSV, params))
    assert {row[3] for row in exported[1:]} == ATTACHED_TYPES


def count(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TRAIL, params).status_code == 200
    return len(queries.captured_queries)


def test_the_attached_stream_costs_the_same_queries_however_long_the_story(
    client_as, auditor, agent, senior, make_ticket, django_assert_max_num_queries
):
    client = client_as(auditor)
    ticket = work_on(make_ticket(state="open"), agent, senior, notes=1)
    params = {"object_id": ticket.reference, "attached": "on"}
    client.get(TRAIL, params)
    few = count(client, params)
    for n in range(30):  # the senior owns it now
        services.communication_log(
            ticket=ticket, actor=senior, direction="internal", channel="internal", body=f"x{n}"
        )
    ticket = services.ticket_wait_on_customer(ticket=ticket, actor=senior, reason="Need logs")
    verification(ticket, agent)
    with django_assert_max_num_queries(few):
        response = client.get(TRAIL, params)
    assert len(response.context["entries"]) == 50 and response.context["next_url"]
    with django_assert_max_num_queries(few):
        client.get(TRAIL + response.context["next_url"])


def test_the_tickets_own_history_page_links_to_everything_attached(client_as, auditor, story):
    mine, _ = story
    client = client_as(auditor)
    history = client.get(reverse("admin:escalation_ticket_history", args=[mine.pk]))
    link = TRAIL + f"?model=escalation.ticket&amp;object_id={mine.pk}&amp;attached=on"
    assert link in history.content.decode()
    assert "This ticket with everything attached" in history.content.decode()
    trail = client.get(TRAIL, {"model": "escalation.ticket"}).content.decode()
    assert "with everything attached</a>" in trail  # from each ticket entry too


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"attached": "on"}, "Choose the record first"),
        ({"object_id": "ESC-", "attached": "on"}, "Choose the type of record"),
        ({"model": "escalation.ticket", "object_id": "ESC-x1"}, "is not a valid record ID"),
        ({"model": "auth.user", "object_id": "1", "attached": "on"}, "Nothing is attached"),
    ],
)
def test_an_unusable_record_filter_is_a_message_not_a_500(client_as, auditor, params, message):
    client = client_as(auditor)
    for url in (TRAIL, TRAIL_CSV):
        response = client.get(url, params)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert response.context["entries"] == []
