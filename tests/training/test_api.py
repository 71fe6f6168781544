"""Over the API a trainee's hand-off is accepted for review, not carried out (003
"Training & Resources", week 3 supervised escalations): 202 with the reason, nothing on
the ticket changes."""

from datetime import timedelta

from django.utils import timezone

from core.history import save_audited
from escalation.models import Escalation, TicketState
from tests.factories import escalate_form
from training.models import HeldAction, Trainee


def test_003_a_trainees_api_handoff_answers_202_waiting_for_review(api_as, make_ticket, mentor):
    api = api_as("Agent", "Trainee console")
    trainee = Trainee(
        user=api.account, mentor=mentor, start_date=timezone.localdate() - timedelta(days=15)
    )
    save_audited(trainee, actor=mentor)
    ticket = make_ticket(owner=api.account, state="open")
    response = api.post(
        f"/api/v1/tickets/{ticket.reference}/actions/escalate/",
        escalate_form(ticket),
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["held"] is True
    assert "Waiting for your mentor's review" in response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and not Escalation.objects.exists()
    assert HeldAction.objects.get().trainee == trainee
