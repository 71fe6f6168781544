"""Major incidents list the tickets and customers they govern, and the ticket list filters
by incident (issue 14)."""

from django.urls import reverse

from escalation import services
from tests.factories import CustomerFactory


def test_an_incident_lists_its_tickets_and_customers_and_the_list_filters_by_it(
    client_as, lead, make_ticket, django_assert_max_num_queries
):
    incident = services.incident_declare(
        actor=lead, title="Sync outage", affected_service="Sync", holding_message="On it."
    )
    alice, bob = CustomerFactory(name="Alice Ops"), CustomerFactory(name="Bob Labs")
    linked = [make_ticket(customer=alice, state="open"), make_ticket(customer=bob, state="open")]
    other = make_ticket(customer=bob, state="open", subject="Unrelated")
    services.incident_link_tickets(incident=incident, actor=lead, tickets=linked)
    client = client_as(lead)

    page = client.get(reverse("admin:escalation_majorincident_change", args=[incident.pk]))
    html = page.content.decode()
    assert all(t.reference in html for t in linked) and other.reference not in html
    assert "Alice Ops" in html and "Bob Labs" in html

    changelist = reverse("admin:escalation_ticket_changelist")
    with django_assert_max_num_queries(15):
        rows = client.get(changelist, {"incident__id__exact": incident.pk}).context["cl"]
    assert sorted(t.pk for t in rows.result_list) == sorted(t.pk for t in linked)
