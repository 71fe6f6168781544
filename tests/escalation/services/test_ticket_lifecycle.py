"""The ticket state machine through its services (DESIGN.md "Ticket")."""

import pytest

from core.choices import Priority, Tier
from core.errors import InvalidInput, PermissionRefused, TransitionRefused
from escalation import services
from escalation.models import Ticket, TicketState
from tests.factories import UserFactory, category, full_handoff


def states(ticket):
    return list(ticket.history.order_by("history_id").values_list("state", flat=True))


def test_new_ticket_takes_priority_from_its_category_and_starts_at_l1(make_ticket):
    ticket = make_ticket(code="fraud")
    assert ticket.priority == Priority.CRITICAL
    assert ticket.tier == Tier.L1
    assert ticket.state == TicketState.NEW
    assert ticket.reference == f"ESC-{ticket.pk:06d}"


def test_explicit_priority_overrides_the_category_default(make_ticket):
    assert make_ticket(code="fraud", priority=Priority.LOW).priority == Priority.LOW


def test_ticket_without_an_accountable_owner_is_refused_and_nothing_is_saved(lead, customer):
    nobody = UserFactory(username="nobody")  # not a support role: no default owner either
    with pytest.raises(PermissionRefused, match="Your role may not open tickets"):
        services.ticket_create(actor=nobody, customer=customer, category=category(), subject="x")
    with pytest.raises(InvalidInput) as exc:
        services.ticket_create(
            actor=lead, owner=nobody, customer=customer, category=category(), subject="x"
        )
    assert exc.value.field_errors["owner"] == ["nobody is not an active support agent."]
    assert Ticket.objects.count() == 0


def test_ticket_without_category_is_refused_with_a_message(agent, customer):
    with pytest.raises(InvalidInput) as exc:
        services.ticket_create(actor=agent, customer=customer, category=None, subject="x")
    assert exc.value.field_errors["category"] == ["Choose a category from the decision matrix."]
    assert Ticket.objects.count() == 0


def test_retired_category_is_refused(agent, customer):
    retired = category("volume-discount")
    retired.is_active = False
    retired.save()
    with pytest.raises(InvalidInput, match="retired"):
        services.ticket_create(actor=agent, customer=customer, category=retired, subject="x")
    assert Ticket.objects.count() == 0


def test_full_lifecycle_records_every_state_with_user_and_reason(make_ticket, agent, senior):
    ticket = make_ticket(state="open")
    ticket = services.ticket_escalate(
        handoff=full_handoff(ticket),
        ticket=ticket,
        actor=agent,
        to_tier=Tier.L2,
        reason="Needs database access",
    )
    assert (ticket.state, ticket.tier, ticket.owner) == (TicketState.ESCALATED, Tier.L2, agent)
    ticket = services.ticket_accept_escalation(ticket=ticket, actor=senior)
    assert (ticket.state, ticket.owner) == (TicketState.OPEN, senior)
    ticket = services.ticket_wait_on_customer(ticket=ticket, actor=senior, reason="Need logs")
    ticket = services.ticket_resume(ticket=ticket, actor=senior, reason="Logs received")
    ticket = services.ticket_resolve(
        ticket=ticket, actor=senior, summary="Re-indexed the sync", customer_confirmed=True
    )
    ticket = services.ticket_close(
        ticket=ticket, actor=senior, resolved_by_specialist=True, first_level_possible=False
    )
    assert ticket.closed_at is not None and ticket.resolved_at is not None

    assert states(ticket) == [
        "new",
        "open",
        "escalated",
        "open",
        "waiting_on_customer",
        "open",
        "resolved",
        "closed",
    ]
    last = ticket.history.order_by("-history_id")[:8]
    assert [h.history_user.username for h in reversed(last)] == [
        "agent1",
        "agent1",
        "agent1",
        "senior1",
        "senior1",
        "senior1",
        "senior1",
        "senior1",
    ]
    reasons = list(
        ticket.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[2] == "escalate: to L2 senior: Needs database access"
    assert reasons[4] == "wait_on_customer: Need logs"


def test_open_records_first_response_once(make_ticket, agent):
    ticket = make_ticket(state="open")
    first = ticket.first_response_at
    assert first is not None
    ticket = services.ticket_wait_on_department(ticket=ticket, actor=agent, reason="Billing")
    ticket = services.ticket_resume(ticket=ticket, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).first_response_at == first


def test_illegal_transition_is_refused_and_changes_nothing(make_ticket, agent):
    ticket = make_ticket()  # still new
    with pytest.raises(TransitionRefused, match="is new: it cannot be resolved now"):
        services.ticket_resolve(ticket=ticket, actor=agent, summary="done", customer_confirmed=True)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.NEW
    assert ticket.history.count() == 1


def test_resolving_without_a_summary_is_refused(make_ticket, agent):
    ticket = make_ticket(state="open")
    with pytest.raises(InvalidInput, match="resolution summary and the customer.s confirmation"):
        services.ticket_resolve(ticket=ticket, actor=agent, summary="  ", customer_confirmed=True)
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN


def test_escalating_needs_a_reason_and_a_higher_tier(make_ticket, agent):
    ticket = make_ticket(state="open")
    with pytest.raises(InvalidInput, match="reason for escalating"):
        services.ticket_escalate(
            handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=Tier.L2, reason=""
        )
    with pytest.raises(InvalidInput, match="above L1"):
        services.ticket_escalate(
            handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=Tier.L1, reason="why"
        )
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN


def test_only_the_owner_or_a_lead_works_a_ticket(make_ticket, agent2, lead):
    ticket = make_ticket(state="open")
    with pytest.raises(PermissionRefused, match="Only the owner"):
        services.ticket_wait_on_customer(ticket=ticket, actor=agent2, reason="x")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN
    ticket = services.ticket_wait_on_customer(ticket=ticket, actor=lead, reason="Need logs")
    assert ticket.state == TicketState.WAITING_ON_CUSTOMER
    row = ticket.history.latest()
    assert (row.history_user, row.history_change_reason) == (lead, "wait_on_customer: Need logs")


def test_escalation_is_accepted_only_by_the_target_tier(
    make_ticket, agent, agent2, engineer, senior
):
    ticket = make_ticket(state="open")
    services.ticket_escalate(
        handoff=full_handoff(ticket), ticket=ticket, actor=agent, to_tier=Tier.L2, reason="x"
    )
    for wrong in (agent2, engineer):
        with pytest.raises(PermissionRefused, match="only that tier"):
            services.ticket_accept_escalation(ticket=ticket, actor=wrong)
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.ESCALATED
    ticket = services.ticket_accept_escalation(ticket=ticket, actor=senior)
    assert (ticket.state, ticket.owner) == (TicketState.OPEN, senior)
    with pytest.raises(TransitionRefused, match="is open: it cannot be accepted"):
        services.ticket_accept_escalation(ticket=ticket, actor=senior)


def test_only_leads_cancel(make_ticket, agent, lead):
    ticket = make_ticket(state="open")
    with pytest.raises(PermissionRefused, match="may not do this: cancel ticket"):
        services.ticket_cancel(ticket=ticket, actor=agent, reason="dup")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN
    ticket = services.ticket_cancel(ticket=ticket, actor=lead, reason="Duplicate of ESC-1")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.CANCELLED
    row = ticket.history.latest()
    assert (row.history_user, row.history_change_reason) == (lead, "cancel: Duplicate of ESC-1")
    with pytest.raises(TransitionRefused):
        services.ticket_cancel(ticket=ticket, actor=lead, reason="again")


def test_reopen_clears_the_resolution_time(make_ticket, agent):
    ticket = make_ticket(state="resolved")
    ticket = services.ticket_reopen(ticket=ticket, actor=agent, reason="Customer says no")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.resolved_at is None
    assert ticket.resolved_after is None
    row = ticket.history.latest()
    assert (row.history_user, row.history_change_reason) == (agent, "reopen: Customer says no")


def test_lead_reassigns_to_an_active_support_agent_only(make_ticket, lead, agent, senior):
    ticket = make_ticket(state="open")
    outsider = UserFactory(username="outsider")
    with pytest.raises(InvalidInput, match="not an active support agent"):
        services.ticket_reassign(ticket=ticket, actor=lead, owner=outsider, reason="x")
    with pytest.raises(PermissionRefused, match="Only leads"):
        services.ticket_reassign(ticket=ticket, actor=agent, owner=senior, reason="x")
    assert Ticket.objects.get(pk=ticket.pk).owner == agent
    ticket = services.ticket_reassign(ticket=ticket, actor=lead, owner=senior, reason="Holiday")
    assert Ticket.objects.get(pk=ticket.pk).owner == senior
    row = ticket.history.latest()
    assert (row.history_user, row.history_change_reason) == (lead, "reassign: to senior1: Holiday")


def test_csat_is_recorded_after_resolution_only_and_within_1_to_5(make_ticket, agent):
    ticket = make_ticket(state="open")
    with pytest.raises(PermissionRefused, match="once the ticket is resolved"):
        services.ticket_record_csat(ticket=ticket, actor=agent, score=4)
    ticket = services.ticket_resolve(
        ticket=ticket, actor=agent, summary="ok", customer_confirmed=True
    )
    with pytest.raises(InvalidInput, match="CSAT is a score from 1 to 5"):
        services.ticket_record_csat(ticket=ticket, actor=agent, score=6)
    assert Ticket.objects.get(pk=ticket.pk).csat is None
    services.ticket_record_csat(ticket=ticket, actor=agent, score=2)
    assert Ticket.objects.get(pk=ticket.pk).csat == 2
    # Below 3 the system then reopens and escalates it (001; tests/escalation/
    # test_seed_rules_csat.py): the score's own row names who recorded it.
    row = ticket.history.get(history_change_reason__startswith="record_csat")
    assert (row.history_user, row.history_change_reason) == (agent, "record_csat: 2")


def test_editing_records_which_fields_changed(make_ticket, agent):
    ticket = make_ticket(state="open")
    services.ticket_update(
        ticket=ticket, actor=agent, changes={"subject": "Sync broken", "priority": Priority.HIGH}
    )
    latest = ticket.history.latest()
    assert latest.history_change_reason == "edit: subject"  # priority was already high
    assert (latest.subject, latest.history_user) == ("Sync broken", agent)


def test_editing_state_owner_or_tier_directly_is_refused(make_ticket, agent):
    ticket = make_ticket()
    with pytest.raises(InvalidInput, match="cannot be edited here: owner, state"):
        services.ticket_update(
            ticket=ticket, actor=agent, changes={"state": "closed", "owner": agent}
        )
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.NEW
    assert ticket.history.count() == 1


def test_state_field_cannot_be_assigned_outside_a_transition(make_ticket):
    ticket = make_ticket()
    with pytest.raises(AttributeError):
        ticket.state = TicketState.CLOSED


@pytest.mark.parametrize(
    ("state", "walk"),
    [
        ("new", [("new", "agent1", "create")]),
        ("open", [("open", "agent1", "open")]),
        ("escalated", [("open", "agent1", "open"), ("escalated", "agent1", "escalate: to L2")]),
        (
            "waiting_on_customer",
            [("open", "agent1", "open"), ("waiting_on_customer", "agent1", "wait_on_customer")],
        ),
        (
            "waiting_on_department",
            [("open", "agent1", "open"), ("waiting_on_department", "agent1", "wait_on_dep")],
        ),
        ("resolved", [("open", "agent1", "open"), ("resolved", "agent1", "resolve")]),
        ("closed", [("resolved", "agent1", "resolve"), ("closed", "agent1", "close")]),
        ("cancelled", [("open", "agent1", "open"), ("cancelled", "lead1", "cancel: Opened")]),
    ],
)
def test_make_ticket_reaches_each_state_through_the_services(make_ticket, state, walk):
    ticket = make_ticket(state=state)
    assert Ticket.objects.get(pk=ticket.pk).state == state
    rows = list(ticket.history.order_by("-history_id")[: len(walk)])[::-1]
    assert [
        (r.state, r.history_user.username, r.history_change_reason[: len(why)])
        for r, (_, _, why) in zip(rows, walk, strict=True)
    ] == walk


def test_make_ticket_refuses_a_state_no_service_reaches(make_ticket):
    with pytest.raises(ValueError, match="cannot reach state 'solved'; use one of: new, open"):
        make_ticket(state="solved")
    assert Ticket.objects.count() == 0
