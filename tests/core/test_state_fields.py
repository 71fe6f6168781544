"""Two writers cannot both move one row's state (django-fsm's guard, with the state
fields looked up once per model class: `core.fields.ConcurrentStates`)."""

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from core.fields import ConcurrentStates
from escalation.models import DepartmentRequest, Escalation, MajorIncident, Ticket
from verification.models import VerificationRequest


@pytest.mark.django_db
def test_a_stale_copy_cannot_overwrite_a_state_another_writer_changed(make_ticket):
    ticket = make_ticket(state="open")
    first, second = Ticket.objects.get(pk=ticket.pk), Ticket.objects.get(pk=ticket.pk)
    first.resolve()
    first.save()
    second.wait_on_customer()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    ticket.refresh_from_db()
    assert ticket.state == "resolved"


@pytest.mark.parametrize(
    "model", [Ticket, Escalation, DepartmentRequest, MajorIncident, VerificationRequest]
)
def test_every_state_machine_guards_its_state_field(model):
    assert issubclass(model, ConcurrentStates)
    assert [f.name for f in model().state_fields] == ["state"]
