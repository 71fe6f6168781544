"""The desk's training pages, end to end (003 "Training & Resources", week 3 supervised
escalations): the trainee's hand-off form says it waits for the mentor, the mentor
reviews it from /desk/training/, and the learning view shows what was sent back and why."""

from django.contrib.messages import get_messages
from django.urls import reverse

from escalation.models import Communication, Escalation, TicketState
from tests.factories import UserFactory, escalate_form
from training.models import HeldAction, HeldState

LIST = reverse("training:review_list")


def act(ticket, action):
    return reverse("desk:ticket_action", args=[ticket.pk, action])


def review(held, action):
    return reverse("training:held_review", args=[held.pk, action])


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_003_trainees_desk_handoff_says_waiting_for_mentor_and_mentor_approves(
    client_as, make_trainee, make_ticket, agent, mentor, django_assert_max_num_queries
):
    make_trainee(days=15)
    ticket = make_ticket(state="open")
    client = client_as(agent)
    response = client.post(act(ticket, "escalate"), escalate_form(ticket))
    assert response["Location"] == reverse("desk:ticket", args=[ticket.pk])
    assert len(shown(response)) == 1
    assert "Waiting for your mentor's review" in shown(response)[0]
    assert not Escalation.objects.exists()
    held = HeldAction.objects.get()
    waiting = client.get(LIST)
    assert [h.pk for h in waiting.context["waiting"]] == [held.pk]

    mentor_client = client_as(mentor)
    with django_assert_max_num_queries(12):
        page = mentor_client.get(LIST)
    assert [h.pk for h in page.context["held"]] == [held.pk]
    detail = mentor_client.get(reverse("training:held", args=[held.pk]))
    assert review(held, "approve") in detail.content.decode()
    response = mentor_client.post(review(held, "approve"), {"note": ""})
    assert response["Location"] == LIST
    ticket.refresh_from_db()
    assert (ticket.state, ticket.tier) == (TicketState.ESCALATED, 2)
    assert Escalation.objects.get().requested_by == agent


def test_003_trainees_desk_email_waits_and_mentor_edits_it(
    client_as, make_trainee, make_ticket, agent, mentor
):
    make_trainee(days=15)
    ticket = make_ticket(state="open")
    response = client_as(agent).post(
        act(ticket, "log_contact"),
        {"direction": "outbound", "channel": "email", "body": "Fixed by Friday!"},
    )
    assert "Waiting for your mentor's review" in shown(response)[0]
    assert not Communication.objects.exists()
    held = HeldAction.objects.get()
    client = client_as(mentor)
    refused = client.post(review(held, "edit"), {"body": "We will update you by 5pm."})
    assert refused.status_code == 400 and "note" in refused.context["forms"]["edit"].errors
    assert not Communication.objects.exists()
    client.post(review(held, "edit"), {"body": "We will update you by 5pm.", "note": "No dates"})
    assert Communication.objects.get().body == "We will update you by 5pm."


def test_trainee_cannot_approve_their_own_from_the_desk(
    client_as, make_trainee, make_ticket, agent
):
    make_trainee(days=15)
    ticket = make_ticket(state="open")
    client = client_as(agent)
    client.post(act(ticket, "escalate"), escalate_form(ticket))
    held = HeldAction.objects.get()
    page = client.get(reverse("training:held", args=[held.pk])).content.decode()
    assert review(held, "approve") not in page  # no button offered
    refused = client.post(review(held, "approve"), {"note": ""})
    assert refused["Location"] == reverse("training:held", args=[held.pk])
    assert shown(refused) == ["You cannot review your own actions: your mentor does."]
    held.refresh_from_db()
    assert held.state == HeldState.PENDING and not Escalation.objects.exists()


def test_send_back_from_the_desk_needs_a_reason_then_shows_in_the_learning_view(
    client_as, make_trainee, make_ticket, agent, mentor, lead, agent2
):
    make_trainee(days=15)
    ticket = make_ticket(state="open")
    client_as(agent).post(act(ticket, "escalate"), escalate_form(ticket))
    held = HeldAction.objects.get()
    client = client_as(mentor)
    refused = client.post(review(held, "send_back"), {"reason": ""})
    assert refused.status_code == 400
    held.refresh_from_db()
    assert held.state == HeldState.PENDING
    client.post(review(held, "send_back"), {"reason": "Check the status page first"})
    held.refresh_from_db()
    assert held.state == HeldState.SENT_BACK
    learning = reverse("training:learning", args=[agent.pk])
    for viewer in (agent, mentor, lead):
        page = client_as(viewer).get(learning)
        assert "Check the status page first" in page.content.decode()
        assert page.context["counts"]["sent_back"] == 1
    assert client_as(agent2).get(learning).status_code == 403
    # Reviewing twice is refused.
    again = client_as(lead).post(review(held, "approve"), {"note": ""})
    assert shown(again)[0].startswith("Already reviewed (sent back by mentor1)")
    assert not Escalation.objects.exists()


def test_review_week_entry_marked_reviewed_from_the_list(
    client_as, make_trainee, make_ticket, agent, mentor
):
    make_trainee(days=23)
    ticket = make_ticket(state="open")
    client_as(agent).post(act(ticket, "escalate"), escalate_form(ticket))
    assert Escalation.objects.exists()  # week 4: it took effect
    client = client_as(mentor)
    entry = client.get(LIST).context["entries"][0]
    client.post(reverse("training:entry_reviewed", args=[entry.pk]), {"note": "Fine"})
    assert client.get(LIST).context["entries"] == []


def test_the_review_list_query_count_does_not_grow_with_rows(
    client_as, make_trainee, make_ticket, agent, mentor, django_assert_max_num_queries
):
    make_trainee(days=15)
    for _ in range(4):
        ticket = make_ticket(state="open")
        client_as(agent).post(act(ticket, "escalate"), escalate_form(ticket))
    client = client_as(mentor)
    with django_assert_max_num_queries(12):
        assert len(client.get(LIST).context["held"]) == 4
    with django_assert_max_num_queries(12):
        client.get(reverse("training:learning", args=[agent.pk]))


def test_directory_admin_adds_a_trainee_in_the_admin_and_agents_cannot(
    client_as, directory_admin, agent, mentor
):
    new_hire = UserFactory(username="newhire")
    add = reverse("admin:training_trainee_add")
    data = {"user": new_hire.pk, "mentor": mentor.pk, "start_date": "2026-03-02", "note": ""}
    assert client_as(agent).post(add, data).status_code == 403
    response = client_as(directory_admin).post(add, data)
    assert response.status_code == 302
    trainee = new_hire.trainee
    assert (trainee.mentor, str(trainee.start_date)) == (mentor, "2026-03-02")
    assert trainee.history.get().history_user == directory_admin
    own = client_as(directory_admin).post(add, {**data, "user": mentor.pk, "mentor": mentor.pk})
    assert "cannot be their own mentor" in own.content.decode()
