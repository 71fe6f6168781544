"""Leads edit SLA rules as data in the admin; everyone else reads them."""

from datetime import timedelta

from django.urls import reverse

from sla.models import BusinessCalendar, EscalationMatrixRow, Holiday, SlaPolicy


def policy_form(policy, **changes):
    """The change form as a lead posts it: targets as hours and minutes boxes."""
    data = {
        "priority": policy.priority,
        "first_response_h": "4",
        "first_response_min": "0",
        "resolution_h": "24",
        "resolution_min": "0",
        "update_every_h": "4",
        "update_every_min": "0",
        "calendar": policy.calendar_id,
        "pause_when_waiting_on_customer": "on",
        "warning_thresholds": "75",
        "enterprise_percent": 50,
        "enterprise_calendar": policy.enterprise_calendar_id,
    }
    data.update(changes)
    return data


def test_003_seeded_policies_match_the_response_sla_commitments(db):
    policies = {p.priority: p for p in SlaPolicy.objects.select_related("calendar")}
    assert (policies["critical"].first_response, policies["critical"].resolution) == (
        timedelta(minutes=30),
        timedelta(hours=4),
    )
    assert policies["critical"].calendar.always_open
    assert (policies["high"].first_response, policies["high"].resolution) == (
        timedelta(hours=4),
        timedelta(hours=24),
    )
    assert policies["high"].calendar.name == "US business hours"
    assert (policies["medium"].first_response, policies["medium"].resolution) == (
        timedelta(hours=24),
        timedelta(hours=72),
    )
    assert {p.enterprise_percent for p in policies.values()} == {50}


def test_001_seeded_escalation_matrix(db):
    cells = {(r.priority, r.tier): r.max_time for r in EscalationMatrixRow.objects.all()}
    assert cells[("critical", 1)] == timedelta(minutes=15)
    assert cells[("high", 3)] == timedelta(hours=8)
    assert cells[("medium", 2)] == timedelta(days=1)
    assert cells[("low", 4)] is None  # on request


def test_lead_edits_a_policy_and_it_becomes_a_new_version(client_as, lead):
    policy = SlaPolicy.objects.get(priority="high")
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])
    response = client_as(lead).post(
        url, policy_form(policy, first_response_h="2", warning_thresholds="50, 75, 90")
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.first_response, policy.version) == (timedelta(hours=2), 2)
    assert policy.warning_thresholds == [50, 75, 90]
    assert policy.history.latest().history_user == lead


def test_bad_thresholds_are_refused_with_a_message(client_as, lead):
    policy = SlaPolicy.objects.get(priority="high")
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])
    response = client_as(lead).post(url, policy_form(policy, warning_thresholds="150"))
    assert response.status_code == 200
    assert "150 % is out of range" in str(response.context["adminform"].form.errors)
    assert SlaPolicy.objects.get(pk=policy.pk).version == 1


def test_agent_reads_but_cannot_edit_policies(client_as, agent):
    policy = SlaPolicy.objects.get(priority="high")
    client = client_as(agent)
    assert client.get(reverse("admin:sla_slapolicy_changelist")).status_code == 200
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])
    assert client.post(url, policy_form(policy, first_response_h="1")).status_code == 403


def test_lead_imports_public_holidays_for_a_calendar(client_as, lead):
    calendar = BusinessCalendar.objects.get(name="US business hours")
    Holiday.objects.filter(calendar=calendar).delete()
    response = client_as(lead).post(
        reverse("admin:sla_businesscalendar_changelist"),
        {"action": "import_holidays", "_selected_action": [calendar.pk]},
    )
    assert response.status_code == 302
    names = set(calendar.holidays.values_list("name", flat=True))
    assert "Thanksgiving Day" in names or "Thanksgiving" in names


def test_import_without_a_country_is_refused_with_a_message(client_as, lead):
    always = BusinessCalendar.objects.get(name="24/7")
    response = client_as(lead).post(
        reverse("admin:sla_businesscalendar_changelist"),
        {"action": "import_holidays", "_selected_action": [always.pk]},
        follow=True,
    )
    assert "Set a holiday country" in response.content.decode()
    assert not always.holidays.exists()


def test_opening_span_must_close_after_it_opens(db):
    import pytest
    from django.core.exceptions import ValidationError

    from sla.models import OpeningSpan

    calendar = BusinessCalendar.objects.get(name="US business hours")
    span = OpeningSpan(calendar=calendar, weekday=0, opens="18:00", closes="09:00")
    with pytest.raises(ValidationError, match="Closing time must be after"):
        span.full_clean()
    OpeningSpan(calendar=calendar, weekday=5, opens="20:00", closes="00:00").full_clean()
