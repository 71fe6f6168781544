"""Opening a ticket on the desk: the customer found by email or added, the agent its owner."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from core import roles
from escalation.models import Customer, Ticket
from tests.factories import CustomerFactory, category

NEW = reverse("desk:ticket_new")


def new_ticket(**changes) -> dict:
    data = {
        "email": "maria@fjord.test",
        "name": "Maria Berg",
        "company": "Fjord AS",
        "category": category("fraud").pk,
        "subject": "Charged twice",
        "description": "Two charges of $40 on the same day",
        "priority": "",
        "sentiment": "frustrated",
        "external_reference": "ZD-77",
    }
    data.update(changes)
    return data


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def refused(response, field: str) -> str:
    """The form again with one error on `field` (None: above the form), and no success."""
    assert response.status_code == 200
    errors = response.context["form"].errors
    key = field or "__all__"
    assert list(errors) == [key] and len(errors[key]) == 1
    assert shown(response) == []
    return errors[key][0]


def test_an_agent_opens_a_ticket_for_a_new_customer(client_as, agent):
    response = client_as(agent).post(NEW, new_ticket())
    ticket = Ticket.objects.get()
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:ticket", args=[ticket.pk])
    assert shown(response) == [f"{ticket.reference} opened for Maria Berg."]
    assert (customer.email, customer.name, customer.company) == (
        "maria@fjord.test",
        "Maria Berg",
        "Fjord AS",
    )
    assert (ticket.customer, ticket.owner, ticket.state, ticket.tier) == (customer, agent, "new", 1)
    assert (ticket.priority, ticket.sentiment, ticket.external_reference) == (
        "critical",  # the category's default
        "frustrated",
        "ZD-77",
    )
    for record in (customer, ticket):
        (created,) = record.history.all()
        assert (created.history_type, created.history_user) == ("+", agent)
        assert created.history_change_reason == "create"


def test_a_known_customer_is_found_by_email_and_left_as_it_is(client_as, agent):
    known = CustomerFactory(email="maria@fjord.test", name="Maria Berg-Olsen", company="")
    before = known.history.count()
    response = client_as(agent).post(
        NEW, new_ticket(email="Maria@Fjord.test", name="Someone Else", priority="high")
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert shown(response) == [f"{ticket.reference} opened for Maria Berg-Olsen."]
    assert list(Customer.objects.all()) == [known]
    known.refresh_from_db()
    assert (known.name, known.company, known.history.count()) == ("Maria Berg-Olsen", "", before)
    assert (ticket.customer, ticket.owner, ticket.priority) == (known, agent, "high")
    (created,) = ticket.history.all()
    assert (created.history_user, created.history_change_reason) == (agent, "create")


def test_a_customer_name_with_a_line_break_is_refused_and_nothing_is_saved(client_as, agent):
    response = client_as(agent).post(NEW, new_ticket(name="Maria\nBcc: all@fjord.test"))
    assert refused(response, "name") == "Write this on one line: line breaks are not allowed here."
    assert "line breaks are not allowed" in response.content.decode()
    assert not Customer.objects.exists() and not Ticket.objects.exists()


def test_a_ticket_without_a_category_is_refused_and_nothing_is_saved(client_as, agent):
    response = client_as(agent).post(NEW, new_ticket(category=""))
    assert refused(response, "category") == "This field is required."
    assert not Customer.objects.exists() and not Ticket.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "directory_admin"])
def test_a_user_without_a_support_role_cannot_open_tickets_on_the_desk(
    db, client_as, request, role
):
    client = client_as(request.getfixturevalue(role))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, new_ticket()).status_code == 403
    assert not Customer.objects.exists() and not Ticket.objects.exists()


def test_a_support_role_without_the_grant_to_open_tickets_is_told_so_and_nothing_is_saved(
    client_as, agent
):
    """A role that may add customers but not open tickets (the Agent role with that grant
    withdrawn): the service's refusal is the one error above the form, and the customer
    added a moment before in the same step is not kept either."""
    Group.objects.get(name=roles.AGENT).permissions.remove(
        Permission.objects.get(content_type__app_label="escalation", codename="add_ticket")
    )
    response = client_as(agent).post(NEW, new_ticket())
    assert refused(response, None) == "Your role may not open tickets."
    assert "Your role may not open tickets." in response.content.decode()
    assert not Customer.objects.exists() and not Ticket.objects.exists()


def test_the_new_ticket_page_does_a_fixed_number_of_queries(
    client_as, agent, django_assert_num_queries, django_assert_max_num_queries
):
    """The empty form: the session, the user, their role names (the desk's door) and the
    active categories; a refused form also reads the chosen category. Opening the ticket
    costs the same whether the customer is new or known among many."""
    client = client_as(agent)
    refused_data, first, again = new_ticket(subject=""), new_ticket(), new_ticket(subject="2")
    client.get(NEW)
    with django_assert_num_queries(4):
        assert client.get(NEW).status_code == 200
    with django_assert_num_queries(5):
        assert client.post(NEW, refused_data).status_code == 200
    assert not Ticket.objects.exists()
    # (62: the confirmation message is kept in the session, not a cookie: +1 write)
    with django_assert_max_num_queries(62) as opened:
        assert client.post(NEW, first).status_code == 302
    CustomerFactory.create_batch(20)
    with django_assert_max_num_queries(len(opened.captured_queries)):
        assert client.post(NEW, again).status_code == 302
    assert Ticket.objects.count() == 2 and Customer.objects.count() == 21
