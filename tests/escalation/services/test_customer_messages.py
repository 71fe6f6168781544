"""A message logged "to the customer" by email reaches the customer; anything else is only
a record, and the form says which (002 "Communicate updates to the customer until
resolution"; 003 "Document all interactions"). Templates name the team the customer will
deal with (003 "I'm connecting you with our [team name]"; 001 "escalated your case to our
[Senior Support/Technical] team")."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from contacts.models import Department
from core.errors import InvalidInput
from escalation import services
from escalation.models import Communication, CommunicationTemplate
from outbox.models import OutboxMessage
from tests.factories import CustomerFactory, full_handoff


def log(ticket, actor, direction, channel, body="We are on it", **kwargs):
    return services.communication_log(
        ticket=ticket, actor=actor, direction=direction, channel=channel, body=body, **kwargs
    )


def sent_to(address) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=address))


def test_a_message_to_the_customer_by_email_is_emailed_to_them(
    make_ticket, agent, django_capture_on_commit_callbacks
):
    ticket = make_ticket(state="open")
    with django_capture_on_commit_callbacks(execute=True):
        message = log(ticket, agent, "outbound", "email", "Your sync is fixed.")
    [queued] = sent_to(ticket.customer.email)
    assert queued.event_key == f"communication:{message.pk}"
    assert (queued.subject, queued.body) == (f"{ticket.reference}: Sync stopped", message.body)
    [email] = [m for m in mail.outbox if ticket.customer.email in m.to]
    assert email.body.startswith("Your sync is fixed.")


def test_each_message_is_its_own_email(make_ticket, agent):
    ticket = make_ticket(state="open")
    first = log(ticket, agent, "outbound", "email", "Looking into it")
    second = log(ticket, agent, "outbound", "email", "Still looking")
    keys = {m.event_key for m in sent_to(ticket.customer.email)}
    assert keys == {f"communication:{first.pk}", f"communication:{second.pk}"}


@pytest.mark.parametrize(
    ("direction", "channel"),
    [("outbound", "phone"), ("outbound", "chat"), ("inbound", "email"), ("internal", "internal")],
)
def test_other_channels_and_notes_are_only_recorded(make_ticket, agent, direction, channel):
    ticket = make_ticket(state="open")
    log(ticket, agent, direction, channel, "Said on the phone: we are on it")
    assert Communication.objects.filter(ticket=ticket).count() == 1
    assert sent_to(ticket.customer.email) == []


def test_a_template_message_is_sent_with_the_templates_subject(make_ticket, agent):
    ticket = make_ticket(state="open")
    template = CommunicationTemplate.objects.get(code="standard-escalation")
    body = services.template_render(template, ticket, agent)
    log(ticket, agent, "outbound", "email", body, template=template)
    [queued] = sent_to(ticket.customer.email)
    assert queued.subject == "We're connecting you with our Technical Support team"


def test_nothing_is_recorded_as_emailed_when_the_customer_has_no_address(make_ticket, agent):
    ticket = make_ticket(state="open", customer=CustomerFactory(email=""))
    with pytest.raises(InvalidInput, match="no email address"):
        log(ticket, agent, "outbound", "email")
    assert not Communication.objects.exists() and not OutboxMessage.objects.exists()


def test_the_contact_form_says_what_is_emailed_and_what_is_only_recorded(
    client_as, make_ticket, agent
):
    ticket = make_ticket(state="open")
    client = client_as(agent)
    url = reverse("desk:ticket_action", args=[ticket.pk, "log_contact"])
    form = html.unescape(client.get(url).content.decode())
    assert f"This is emailed to {ticket.customer.email}" in form
    assert "only recorded on the ticket: nothing is sent" in form
    phoned = client.post(
        url, {"direction": "outbound", "channel": "phone", "body": "Called back"}, follow=True
    )
    assert "recorded on the ticket; nothing was sent" in phoned.content.decode()
    emailed = client.post(
        url, {"direction": "outbound", "channel": "email", "body": "Written back"}, follow=True
    )
    assert f"emailed to {ticket.customer.email}" in emailed.content.decode()
    assert [m.body for m in sent_to(ticket.customer.email)] == ["Written back"]


def team_name(ticket, actor):
    return services.template_values(ticket, actor)["team_name"]


def test_team_name_is_the_receiving_team_never_the_senders_tier(make_ticket, agent, senior):
    """003: '[team name] who specialize in [this type of issue]': before a hand-off the
    department the category routes to; after it, the hand-off's target team."""
    ticket = make_ticket(state="open")  # a core-functionality bug: Technical Support
    assert team_name(ticket, agent) == "Technical Support"
    billing = Department.objects.get(code="billing")
    ticket = services.ticket_escalate(
        ticket=ticket,
        actor=agent,
        to_tier=2,
        reason="Billing must decide",
        handoff=full_handoff(ticket),
        target_team=billing,
    )
    assert team_name(ticket, agent) == "Billing"
    assert team_name(ticket, agent) != ticket.get_tier_display()
    template = CommunicationTemplate.objects.get(code="escalation-acknowledgement")
    assert "our Billing team" in services.template_render(template, ticket, agent)


def test_team_name_is_the_tier_when_the_hand_off_names_no_team(make_ticket, agent, senior):
    """001 'escalated your case to our [Senior Support/Technical] team': an automatic or
    team-less hand-off goes to a tier, and that is who the customer deals with."""
    ticket = make_ticket(state="open")
    ticket = services.ticket_escalate(
        ticket=ticket, actor=agent, to_tier=2, reason="Needs L2", handoff=full_handoff(ticket)
    )
    assert team_name(ticket, senior) == "Senior Support"
    returned = services.ticket_return_escalation(ticket=ticket, actor=senior, reason="Incomplete")
    assert team_name(returned, agent) == "Technical Support"  # a returned hand-off names none
