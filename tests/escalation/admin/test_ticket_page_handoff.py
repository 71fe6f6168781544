"""The admin's ticket page shows each hand-off in full in its timeline, as the desk does
(issue 14: "information lost during transfers" is the pitfall the product exists for)."""

from html import unescape

from django.urls import reverse

from escalation.models import Escalation
from escalation.timeline import HANDOFF_TEXT


def test_the_admin_timeline_shows_every_item_of_the_hand_off(client_as, lead, make_ticket):
    ticket = make_ticket(state="escalated")
    handoff = Escalation.objects.get(ticket=ticket)
    page = client_as(lead).get(reverse("admin:escalation_ticket_change", args=[ticket.pk]))
    timeline = unescape(page.content.decode()).split('class="timeline"', 1)[1]

    for name, label in HANDOFF_TEXT:
        value = getattr(handoff, name)
        assert f"<dt>{label}</dt>" in timeline
        if value:
            assert value.splitlines()[0] in timeline
    assert "<dt>Business impact</dt>" in timeline
