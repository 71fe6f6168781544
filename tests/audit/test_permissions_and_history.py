"""Who may read the trail, and each record's own history page in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.selectors import TrailFilters, trail_page
from core import roles
from core.history import save_audited
from escalation.models import TicketState
from outbox.models import OutboxMessage
from tests.audit.conftest import TRAIL, TRAIL_CSV, csv_rows, rows


def history_url(ticket):
    return reverse("admin:escalation_ticket_history", args=[ticket.pk])


def test_the_auditor_role_holds_the_trail_permission_and_leads_do_not(db):
    def grants(role):
        group = Group.objects.get(name=role)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert {"audit.view_audit_trail", "audit.view_accessevent"} <= grants(roles.AUDITOR)
    for role in (roles.LEAD, roles.AGENT, roles.SENIOR, roles.DIRECTORY_ADMIN):
        assert not {g for g in grants(role) if g.startswith("audit.")}, role


def test_auditors_read_the_trail(client_as, auditor, make_ticket):
    from audit.views import COLUMNS

    ticket = make_ticket()
    client = client_as(auditor)
    tickets = {"model": "escalation.ticket"}
    screen = client.get(TRAIL, tickets)
    assert [(e.object_label, e.kind_label, e.who) for e in screen.context["entries"]] == [
        (f"{ticket.reference} Sync stopped", "Created", "agent1")
    ]
    exported = csv_rows(client.get(TRAIL_CSV, tickets))
    assert exported[0] == COLUMNS and exported[1:] == rows(screen)


@pytest.mark.parametrize("url", [TRAIL, TRAIL_CSV])
@pytest.mark.parametrize("who", ["lead", "agent", "directory_admin"])
def test_everyone_else_is_refused(db, client_as, request, who, url):
    # `db` is named so pytest-django runs this before tests that flush the seeded groups.
    assert client_as(request.getfixturevalue(who)).get(url).status_code == 403


@pytest.mark.parametrize("url", [TRAIL, TRAIL_CSV])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_access_event_list_links_to_the_trail(client_as, auditor):
    page = client_as(auditor).get(reverse("admin:audit_accessevent_changelist")).content.decode()
    assert f'href="{TRAIL}"' in page


def test_a_tickets_history_page_shows_the_same_diffs_as_the_trail(
    client_as, lead, auditor, ticket_story
):
    page = client_as(lead).get(history_url(ticket_story))
    assert page.status_code == 200
    trail = client_as(auditor).get(
        TRAIL, {"model": "escalation.ticket", "object_id": ticket_story.pk}
    )
    assert rows(page) == rows(trail)
    html = page.content.decode()
    assert "State: Open → Escalated" in html and "Owner: agent1 → senior1" in html
    # Leads may not read the trail: no link to it.
    assert "History of this object in the audit trail" not in html


def test_the_auditor_gets_a_link_from_the_history_page_to_the_trail(
    client_as, auditor, ticket_story
):
    html = client_as(auditor).get(history_url(ticket_story)).content.decode()
    assert "History of this object in the audit trail" in html
    assert f"{TRAIL}?model=escalation.ticket&amp;object_id={ticket_story.pk}" in html


def test_history_pages_of_other_models_work_too(client_as, auditor, ticket_story):
    escalation = ticket_story.escalations.get()
    url = reverse("admin:escalation_escalation_history", args=[escalation.pk])
    response = client_as(auditor).get(url)
    assert response.status_code == 200
    assert [e.kind_label for e in response.context["entries"]] == ["Created"]


def test_history_of_a_record_one_may_not_view_is_refused(client_as, agent):
    from outbox.services import outbox_enqueue

    message = outbox_enqueue(event_key="x", recipient="a@example.com", subject="s", body="b")
    url = reverse("admin:outbox_outboxmessage_history", args=[message.pk])
    assert client_as(agent).get(url).status_code == 403  # agents do not see the outbox
    assert OutboxMessage.objects.filter(pk=message.pk).exists()


def test_directory_admins_may_not_read_a_tickets_history(client_as, directory_admin, make_ticket):
    ticket = make_ticket()
    assert client_as(directory_admin).get(history_url(ticket)).status_code == 403


def test_history_of_an_unknown_record_is_404(client_as, auditor):
    client = client_as(auditor)
    assert client.get(reverse("admin:escalation_ticket_history", args=[999999])).status_code == 404
    assert client.get(reverse("admin:escalation_ticket_history", args=["abc"])).status_code == 404


def test_history_of_a_deleted_record_is_still_readable(client, lead, auditor):
    from escalation.models import CommunicationTemplate

    template = CommunicationTemplate(
        code="apology", name="Apology", purpose="customer", body="Sorry {customer_name}."
    )
    save_audited(template, actor=lead, reason="create")
    pk = template.pk
    client.force_login(lead)  # a lead deletes it in the admin: the history names them
    deleted = client.post(
        reverse("admin:escalation_communicationtemplate_delete", args=[pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302 and not CommunicationTemplate.objects.filter(pk=pk).exists()
    url = reverse("admin:escalation_communicationtemplate_history", args=[pk])
    client.force_login(auditor)
    response = client.get(url)
    assert response.status_code == 200
    assert [(e.kind_label, e.who) for e in response.context["entries"]] == [
        ("Deleted", "lead1"),
        ("Created", "lead1"),
    ]
    assert "History: Apology" in response.content.decode()


def test_history_cannot_be_reverted_from_the_product(client_as, make_ticket, lead, auditor):
    ticket = make_ticket(state="open")
    first = ticket.history.earliest()
    url = reverse("admin:escalation_ticket_simple_history", args=[ticket.pk, first.history_id])
    before = ticket.history.count()
    for user in (lead, auditor):
        client = client_as(user)
        # An old version is looked at on the record's history page, which shows every one.
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, history_url(ticket))
        assert client.get(history_url(ticket)).status_code == 200
        assert client.post(url, {"subject": "reverted", "_continue": "1"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.history.count() == before


def test_the_per_object_history_pages_by_keyset(client_as, lead, ticket_story, monkeypatch):
    from audit import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client, url, seen = client_as(lead), history_url(ticket_story), []
    while url:
        response = client.get(url)
        seen += [(e.source, e.id) for e in response.context["entries"]]
        nxt = response.context["next_url"]
        url = nxt and history_url(ticket_story) + nxt
    expected = trail_page(
        TrailFilters(model="escalation.ticket", object_id=str(ticket_story.pk)), page_size=100
    ).entries
    assert seen == [(e.source, e.id) for e in expected] and len(seen) == 5


def test_a_proxy_models_history_page_reads_the_concrete_models_history(
    client_as, agent, lead, make_ticket
):
    from tests.verification.test_verification_http import walk_high_risk

    request = walk_high_risk(client_as(agent), make_ticket(state="open"))
    url = reverse("admin:verification_approvalqueue_history", args=[request.pk])
    response = client_as(lead).get(url)
    assert response.status_code == 200
    entries = response.context["entries"]
    assert entries and {e.type_label for e in entries} == {"Verification request"}
    assert entries[-1].kind_label == "Created" and entries[-1].who == "agent1"
