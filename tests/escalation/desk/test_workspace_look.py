"""The workspace looks like a product (issue 14): priority and state as chips on the desk
and in the admin, the step forward as the primary button and the irreversible one red and
last, and a 403 page that says who you are and why you were stopped."""

import re

from django.urls import reverse

from core.choices import Priority


def test_desk_ticket_shows_chips_and_puts_escalate_first_and_cancel_last_in_red(
    client_as, lead, make_ticket
):
    ticket = make_ticket(owner=lead, state="open", priority=Priority.CRITICAL)
    html = client_as(lead).get(reverse("desk:ticket", args=[ticket.pk])).content.decode()

    assert '<span class="chip priority-critical">Critical</span>' in html
    assert '<span class="chip state-open">Open</span>' in html
    buttons = re.findall(r'<a class="button ([a-z]*)" href="[^"]+">([^<]+)</a>', html)
    labels = [label for _, label in buttons]
    assert labels[0] == "Escalate" and buttons[0][0] == "primary"
    assert labels[-1] == "Cancel ticket" and buttons[-1][0] == "danger"
    assert all(tone == "" for tone, label in buttons[1:-1] if label != "Resolve"), buttons


def test_the_cancel_step_has_a_red_button_and_a_way_back_not_a_second_cancel(
    client_as, lead, make_ticket
):
    ticket = make_ticket(owner=lead, state="open")
    page = client_as(lead).get(reverse("desk:ticket_action", args=[ticket.pk, "cancel"]))
    html = page.content.decode()
    assert '<button type="submit" class="danger">Cancel ticket</button>' in html
    assert "Back to the ticket</a>" in html and ">Cancel</a>" not in html


def test_admin_ticket_list_shows_priority_and_state_chips(client_as, lead, make_ticket):
    make_ticket(state="open", priority=Priority.HIGH)
    html = client_as(lead).get(reverse("admin:escalation_ticket_changelist")).content.decode()
    assert '<span class="chip priority-high">High</span>' in html
    assert '<span class="chip state-open">Open</span>' in html
    assert "desk/chips.css" in html


def test_admin_ticket_page_colours_its_buttons_by_weight(client_as, lead, make_ticket):
    ticket = make_ticket(state="open")
    html = (
        client_as(lead)
        .get(reverse("admin:escalation_ticket_change", args=[ticket.pk]))
        .content.decode()
    )
    assert re.search(r'class="ticket-action button primary" href="[^"]+">Escalate<', html)
    assert re.search(r'class="ticket-action button danger" href="[^"]+">Cancel ticket<', html)


def test_the_403_page_says_who_you_are_why_and_where_to_go(client_as, agent):
    response = client_as(agent).get(reverse("metrics:dashboard"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You may not open this page" in html
    assert "The metrics are for leads and auditors." in html
    assert f"signed in as <strong>{agent.username}</strong>" in html
    assert 'href="/">Back to my start page</a>' in html


def test_an_unknown_page_says_it_may_be_another_tiers(client_as, agent):
    response = client_as(agent).get("/desk/ticket/999999/")
    assert response.status_code == 404
    assert "not in your view" in response.content.decode()
