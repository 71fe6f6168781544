"""Input policies (issue 13, defects 1 and 6): no line breaks where they become email
headers, and no date nobody means (year 9999 became year 10000 UTC and broke the
directory for everyone)."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import Department, OnCallShift
from core.errors import InvalidInput
from core.validators import validate_sane_date, validate_single_line
from escalation import services
from escalation.models import Customer, Ticket
from tests.factories import category


@pytest.mark.parametrize(
    "value", [date(1, 1, 1), date(9999, 12, 31), datetime(2200, 1, 1, tzinfo=UTC)]
)
def test_dates_nobody_means_are_refused(value):
    with pytest.raises(ValidationError, match="between 1970 and 2199"):
        validate_sane_date(value)


@pytest.mark.parametrize("value", ["Evil Corp\r\nBcc: x@example.com", "a\nb", "nul\x00"])
def test_line_breaks_are_refused_in_single_line_text(value):
    with pytest.raises(ValidationError, match="one line"):
        validate_single_line(value)


def test_a_customer_name_with_a_header_injection_is_refused_in_the_admin(client_as, lead):
    response = client_as(lead).post(
        reverse("admin:escalation_customer_add"),
        {
            "name": "Evil Corp\r\nBcc: x@example.com",
            "email": "evil@example.com",
            "plan": "free",
        },
    )
    assert response.status_code == 200
    assert "line breaks are not allowed" in response.content.decode()
    assert not Customer.objects.exists()


def test_an_on_call_shift_ending_in_year_9999_is_refused(client_as, directory_admin, engineer):
    department = Department.objects.get(code="billing")
    response = client_as(directory_admin).post(
        reverse("admin:contacts_oncallshift_add"),
        {
            "department": department.pk,
            "person": engineer.pk,
            "starts_at_0": "2026-12-01",
            "starts_at_1": "09:00",
            "ends_at_0": "9999-12-31",
            "ends_at_1": "23:59",
        },
    )
    assert response.status_code == 200
    assert "between 1970 and 2199" in response.content.decode()
    assert not OnCallShift.objects.filter(person=engineer).exists()


def test_a_ticket_subject_on_two_lines_is_refused_by_the_service(agent, customer):
    with pytest.raises(InvalidInput) as refused:
        services.ticket_create(
            actor=agent, customer=customer, category=category(), subject="Hi\r\nBcc: x@x.io"
        )
    assert refused.value.field_errors["subject"] == ["Write the subject on one line."]
    assert not Ticket.objects.exists()
