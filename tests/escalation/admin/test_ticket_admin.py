"""Leads run tickets from the admin; agents read it and act on the desk (the same forms and
services). Every button goes through the services."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.urls import reverse

from core import roles
from core.choices import Tier
from core.errors import PermissionRefused
from escalation import services
from escalation.forms import TicketAddForm
from escalation.models import ApprovalRequest, Ticket, TicketState
from escalation.policies import TICKET_ACTIONS, refusal
from escalation.services.approvals import approval_decide
from tests.factories import CustomerFactory, UserFactory, category, escalate_form

ADD_URL = reverse("admin:escalation_ticket_add")


def change_url(ticket):
    return reverse("admin:escalation_ticket_change", args=[ticket.pk])


def act_url(ticket, action):
    return reverse("admin:escalation_ticket_action", args=[ticket.pk, action])


def desk_url(ticket):
    return reverse("desk:ticket", args=[ticket.pk])


def desk_act_url(ticket, action):
    return reverse("desk:ticket_action", args=[ticket.pk, action])


def read_only(page: str, ticket) -> bool:
    """An admin ticket page with no Save and no step button on it."""
    return 'name="_save"' not in page and not any(
        act_url(ticket, code) in page for code in TICKET_ACTIONS
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def add_data(customer, owner, **extra):
    data = {
        "customer": customer.pk,
        "category": category("fraud").pk,
        "owner": owner.pk,
        "subject": "Charged twice",
        "description": "Two charges of $40",
        "priority": "",
        "sentiment": "frustrated",
        "external_reference": "ZD-1",
    }
    data.update(extra)
    return data


def test_lead_creates_a_ticket_for_a_customer(client_as, lead, agent, customer):
    response = client_as(lead).post(
        reverse("admin:escalation_ticket_add"), add_data(customer, agent)
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:escalation_ticket_changelist")
    assert messages_of(response) == [
        f'The ticket “<a href="{change_url(ticket)}">{ticket}</a>” was added successfully.'
    ]
    assert (ticket.owner, ticket.priority, ticket.state) == (agent, "critical", "new")
    created = ticket.history.get()
    assert created.history_user == lead and created.history_change_reason == "create"


def test_add_without_owner_shows_an_error_and_saves_nothing(client_as, lead, customer):
    data = add_data(customer, lead)
    data["owner"] = ""
    response = client_as(lead).post(reverse("admin:escalation_ticket_add"), data)
    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    assert not Ticket.objects.exists()


def test_add_with_unknown_category_shows_an_error_and_saves_nothing(
    client_as, lead, agent, customer
):
    response = client_as(lead).post(
        reverse("admin:escalation_ticket_add"), add_data(customer, agent, category=999999)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["category"])
    assert not Ticket.objects.exists()


def refused_add(response, field):
    """The add form shown again with exactly one error, on `field`, and nothing else said."""
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field] and len(errors[field]) == 1
    assert messages_of(response) == []
    page = response.content.decode()
    assert "added successfully" not in page and "/None/" not in page
    return errors[field][0]


def test_an_owner_who_is_not_a_support_agent_is_refused_once_and_nothing_is_saved(
    client_as, lead, auditor, customer
):
    response = client_as(lead).post(
        reverse("admin:escalation_ticket_add"), add_data(customer, auditor)
    )
    assert "Select a valid choice" in refused_add(response, "owner")
    assert not Ticket.objects.exists()


def test_a_retired_category_is_refused_once_and_nothing_is_saved(client_as, lead, agent, customer):
    retired = category("fraud")
    retired.is_active = False
    retired.save()
    response = client_as(lead).post(
        reverse("admin:escalation_ticket_add"), add_data(customer, agent)
    )
    assert "Select a valid choice" in refused_add(response, "category")
    assert not Ticket.objects.exists()


def test_an_agent_opens_tickets_on_the_desk_for_themselves_never_for_someone_else(
    client_as, agent, agent2, customer
):
    """The admin's add form offers every support agent as owner, so it is closed to agents:
    the page and every POST to it are a 403 and save nothing, whoever the owner. The
    service lets only leads open tickets for someone else; the desk's form has no owner:
    the agent who opens a ticket there owns it."""
    client = client_as(agent)
    assert client.get(ADD_URL).status_code == 403
    for owner in (agent2, agent):
        assert client.post(ADD_URL, add_data(customer, owner)).status_code == 403
    assert not Ticket.objects.exists()
    with pytest.raises(PermissionRefused, match="^Only leads open tickets for someone else.$"):
        services.ticket_create(
            actor=agent, customer=customer, category=category("fraud"), owner=agent2, subject="x"
        )
    assert not Ticket.objects.exists()
    response = client.post(
        reverse("desk:ticket_new"),
        {
            "email": customer.email,
            "category": category("fraud").pk,
            "subject": "Charged twice",
            "sentiment": "frustrated",
        },
    )
    assert response.status_code == 302 and Ticket.objects.get().owner == agent


def test_the_services_refusal_of_an_add_shows_on_the_form_not_as_a_success(
    client_as, lead, agent, customer, monkeypatch
):
    """The agent loses their role after the form offered them and before ticket_create ran
    (another lead, meanwhile): the service refuses, the form says why, once; no row, and
    no "added successfully" with a link to /ticket/None/."""

    def clean_then_role_removed(form):
        data = forms.ModelForm.clean(form)
        agent.groups.clear()
        return data

    monkeypatch.setattr(TicketAddForm, "clean", clean_then_role_removed)
    response = client_as(lead).post(
        reverse("admin:escalation_ticket_add"), add_data(customer, agent)
    )
    assert refused_add(response, "owner") == "agent1 is not an active support agent."
    assert not Ticket.objects.exists()


def test_a_user_without_the_add_permission_is_refused_and_nothing_is_saved(
    client_as, auditor, agent, customer
):
    response = client_as(auditor).post(
        reverse("admin:escalation_ticket_add"), add_data(customer, agent)
    )
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_change_page_shows_only_the_buttons_this_user_may_use(client_as, make_ticket, agent, lead):
    """An agent's buttons are on the desk; their admin page of the ticket is read-only. A
    lead's admin page has the lead's buttons and Save."""
    ticket = make_ticket(state="open")
    client = client_as(agent)
    desk_page = client.get(desk_url(ticket)).content.decode()
    assert desk_act_url(ticket, "escalate") in desk_page
    assert desk_act_url(ticket, "resolve") in desk_page
    assert desk_act_url(ticket, "cancel") not in desk_page
    assert desk_act_url(ticket, "open") not in desk_page
    agent_page = client.get(change_url(ticket))
    assert agent_page.status_code == 200 and read_only(agent_page.content.decode(), ticket)
    lead_page = client_as(lead).get(change_url(ticket)).content.decode()
    assert act_url(ticket, "cancel") in lead_page and act_url(ticket, "reassign") in lead_page
    assert act_url(ticket, "escalate") in lead_page and 'name="_save"' in lead_page
    assert act_url(ticket, "open") not in lead_page


def test_buttons_walk_a_ticket_through_its_lifecycle(client_as, make_ticket, agent, senior, lead):
    """The agent and the senior click the desk's buttons; the lead reads the whole walk,
    with who did each step, on the ticket's history page in the admin."""
    ticket = make_ticket()
    client = client_as(agent)
    assert client.get(desk_act_url(ticket, "open")).status_code == 200
    response = client.post(desk_act_url(ticket, "open"), {"reason": ""})
    assert response.status_code == 302 and messages_of(response) == [
        f"{ticket.reference} taken into work."
    ]
    client.post(desk_act_url(ticket, "escalate"), escalate_form(ticket, reason="Needs DB access"))
    client = client_as(senior)
    client.post(desk_act_url(ticket, "accept_escalation"), {"reason": ""})
    client.post(
        desk_act_url(ticket, "resolve"),
        {"summary": "Rebuilt the index", "customer_confirmed": "yes"},
    )
    client.post(
        desk_act_url(ticket, "close"),
        {"reason": "", "resolved_by_specialist": "yes", "first_level_possible": "no"},
    )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED and ticket.owner == senior
    history = client_as(lead).get(reverse("admin:escalation_ticket_history", args=[ticket.pk]))
    page = history.content.decode()
    for text in (  # each reason in words, as the timeline says it
        "Escalated: to L2 senior: Needs DB access",
        "Escalation accepted",
        "Resolved",
        "Closed",
    ):
        assert text in page
    assert "accept_escalation" not in page
    assert "agent1" in page and "senior1" in page


def test_missing_reason_is_shown_on_the_form_and_changes_nothing(client_as, make_ticket, agent):
    ticket = make_ticket(state="open")
    response = client_as(agent).post(
        desk_act_url(ticket, "escalate"), escalate_form(ticket, reason="")
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.tier == Tier.L1


def test_illegal_transition_by_hand_gets_a_message_not_a_500(client_as, make_ticket, agent):
    ticket = make_ticket()  # new: cannot be resolved
    response = client_as(agent).post(desk_act_url(ticket, "resolve"), {"summary": "done"})
    assert response.status_code == 302 and response["Location"] == desk_url(ticket)
    assert messages_of(response) == [f"{ticket.reference} is new: it cannot be resolved now."]
    ticket.refresh_from_db()
    assert ticket.state == TicketState.NEW


def test_agent_cannot_cancel_even_by_a_hand_made_post(client_as, make_ticket, agent):
    """A hand-made POST to the admin's Cancel step is a 403 (the admin is read-only for
    agents); on the desk the policy refuses it with a message. Either way nothing changes."""
    ticket = make_ticket(state="open")
    before = ticket.history.count()
    client = client_as(agent)
    assert client.post(act_url(ticket, "cancel"), {"reason": "dup"}).status_code == 403
    response = client.post(desk_act_url(ticket, "cancel"), {"reason": "dup"})
    assert messages_of(response) == ["Your role may not do this: cancel ticket."]
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN
    assert ticket.history.count() == before


def test_a_hand_made_fsm_transition_post_changes_neither_state_nor_history(
    client_as, make_ticket, lead
):
    """django-fsm-2's admin mixin would run `_fsm_transition_to` unchecked and save twice.
    A lead may cancel this ticket with the Cancel button; the hand-made field does nothing:
    the edit is saved (one history row, for the edit) and the ticket stays open."""
    ticket = make_ticket(state="open")
    assert refusal(ticket, lead, "cancel") is None  # the proper button would cancel it
    before = list(ticket.history.values_list("history_id", flat=True))
    data = edit_data(ticket, sentiment=ticket.sentiment, _fsm_transition_to="cancel")
    response = client_as(lead).post(change_url(ticket), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    assert list(ticket.history.values_list("history_id", flat=True)) == before
    data = edit_data(ticket, sentiment=ticket.sentiment, subject="Sync stopped again")
    data["_fsm_transition_to"] = "cancel"
    client_as(lead).post(change_url(ticket), data)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.subject) == (TicketState.OPEN, "Sync stopped again")
    latest = ticket.history.exclude(history_id__in=before)
    assert [(h.state, h.history_change_reason) for h in latest] == [("open", "edit: subject")]


def test_unknown_action_is_404(client_as, make_ticket, lead):
    ticket = make_ticket()
    assert client_as(lead).post(act_url(ticket, "delete_everything")).status_code == 404


def test_history_cannot_be_reverted_even_by_a_hand_made_post(client_as, make_ticket, lead, auditor):
    ticket = make_ticket(state="open")
    first = ticket.history.earliest()
    url = reverse("admin:escalation_ticket_simple_history", args=[ticket.pk, first.history_id])
    before = ticket.history.count()
    for user in (lead, auditor):
        response = client_as(user).post(url, {"subject": "reverted", "_continue": "1"})
        assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.history.count() == before


def test_editing_in_the_admin_records_the_user(client_as, make_ticket, lead):
    ticket = make_ticket(state="open")  # the agent's; a lead edits it in the admin
    data = {
        "subject": "Sync broken since Monday",
        "description": "",
        "priority": "critical",
        "category": ticket.category_id,
        "sentiment": "angry",
        "external_reference": "",
    }
    response = client_as(lead).post(change_url(ticket), data)
    assert response.status_code == 302
    latest = ticket.history.latest()
    assert latest.history_user == lead
    assert latest.history_change_reason == (
        "edit: priority, sentiment, subject (SLA re-targeted to policy v1)"
    )


def test_search_finds_by_reference_and_customer_email(client_as, make_ticket, lead):
    wanted = make_ticket(customer=CustomerFactory(email="jane@acme.test"))
    other = make_ticket()
    client = client_as(lead)
    url = reverse("admin:escalation_ticket_changelist")
    found = client.get(url, {"q": wanted.reference}).context["cl"].result_list
    assert list(found) == [wanted]
    found = client.get(url, {"q": "jane@acme"}).context["cl"].result_list
    assert list(found) == [wanted] and other not in found


@pytest.mark.parametrize("query", [{}, {"state__exact": "open"}, {"q": "Customer"}])
def test_ticket_list_does_a_fixed_number_of_queries(
    client_as, make_ticket, lead, django_assert_num_queries, query
):
    """12 queries for 3 rows and for 30: the session, the user, their permissions (2), their
    role names (the tier, for scoping), the category, owner and incident filters, the count,
    whether they write in the admin, the SLA settings, and the page of tickets."""
    client = client_as(lead)
    url = reverse("admin:escalation_ticket_changelist")
    for _ in range(3):
        make_ticket(state="open", customer=CustomerFactory())
    client.get(url, query)  # warm caches (content types, permissions)
    with django_assert_num_queries(12):
        client.get(url, query)
    for _ in range(27):
        make_ticket(state="open", customer=CustomerFactory())
    with django_assert_num_queries(12):
        response = client.get(url, query)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 30


def test_search_finds_by_external_reference_and_bare_number(client_as, make_ticket, lead):
    wanted = make_ticket(external_reference="ZD-48151")  # found as typed or upper-cased
    make_ticket()
    client = client_as(lead)
    url = reverse("admin:escalation_ticket_changelist")
    assert list(client.get(url, {"q": "zd-48151"}).context["cl"].result_list) == [wanted]
    assert wanted in client.get(url, {"q": str(wanted.pk)}).context["cl"].result_list


def edit_data(ticket, **changes):
    data = {
        "subject": ticket.subject,
        "description": "",
        "priority": ticket.priority,
        "category": ticket.category_id,
        "sentiment": "calm",
        "external_reference": "",
    }
    data.update(changes)
    return data


def test_lowering_the_priority_needs_a_lead(client_as, make_ticket, agent, lead):
    """The owner may not relax the SLA: the service says why, and the admin form, read-only
    for agents, refuses their POST outright. A lead lowers it in the admin."""
    ticket = make_ticket(state="open")  # high
    with pytest.raises(
        PermissionRefused, match="^Lowering the priority relaxes the SLA: ask a lead.$"
    ):
        services.ticket_update(ticket=ticket, actor=agent, changes={"priority": "low"})
    response = client_as(agent).post(change_url(ticket), edit_data(ticket, priority="low"))
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"
    response = client_as(lead).post(change_url(ticket), edit_data(ticket, priority="low"))
    assert response.status_code == 302
    # Four-eyes (issue 17): the lead's change waits for a second person with the approve
    # permission, and the admin says so.
    told = [m.message for m in get_messages(response.wsgi_request)]
    assert any("waits for a second person's approval" in m for m in told), told
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"
    approval_decide(
        request=ApprovalRequest.objects.get(ticket=ticket),
        actor=UserFactory(username="lead2", role=roles.LEAD),
        approve=True,
    )
    assert Ticket.objects.get(pk=ticket.pk).priority == "low"


def test_another_agent_cannot_edit_someone_elses_ticket(client_as, make_ticket, agent2):
    """agent2 sees agent1's ticket (same tier) read-only; a hand-made POST is a 403, and the
    service would refuse the edit anyway."""
    ticket = make_ticket(state="open")
    client = client_as(agent2)
    page = client.get(change_url(ticket))
    assert page.status_code == 200 and read_only(page.content.decode(), ticket)
    response = client.post(change_url(ticket), edit_data(ticket, subject="mine now"))
    assert response.status_code == 403
    with pytest.raises(PermissionRefused, match="^Only the owner of ESC-"):
        services.ticket_update(ticket=ticket, actor=agent2, changes={"subject": "mine now"})
    assert Ticket.objects.get(pk=ticket.pk).subject == "Sync stopped"


def test_the_ticket_form_offers_no_shortcuts_to_edit_or_delete_its_category(
    client_as, make_ticket, lead
):
    ticket = make_ticket(state="open")
    page = client_as(lead).get(change_url(ticket)).content.decode()
    assert 'id="delete_id_category"' not in page and 'id="change_id_category"' not in page
