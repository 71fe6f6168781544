"""Issue 14: leads edit SLA targets as hours and minutes and warning thresholds as a list
of percentages, in the policy, matrix and settings pages and in the matrix list."""

from datetime import timedelta

import pytest
from django.urls import reverse

from sla.models import EscalationMatrixRow, SlaPolicy, SlaSettings
from tests.sla.test_sla_admin import policy_form

MATRIX_URL = "admin:sla_escalationmatrixrow_changelist"


def policy_url(policy):
    return reverse("admin:sla_slapolicy_change", args=[policy.pk])


def snapshot(policy):
    """What a refused post must leave exactly as it was."""
    policy = SlaPolicy.objects.get(pk=policy.pk)
    return (
        policy.first_response,
        policy.resolution,
        policy.update_every,
        policy.warning_thresholds,
        policy.version,
        policy.history.count(),
    )


def form_errors(response):
    """The form's messages as a lead reads them (and the page shows them)."""
    errors = response.context["adminform"].form.errors
    messages = [message for field_errors in errors.values() for message in field_errors]
    assert all(message in response.content.decode() for message in messages)
    return " ".join(messages)


def matrix_post(*cells, **fields):
    """The matrix list's in-place editing form, posted for `cells` (first cell: `fields`)."""
    data = {
        "form-TOTAL_FORMS": str(len(cells)),
        "form-INITIAL_FORMS": str(len(cells)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, cell in enumerate(cells):
        hours, minutes = ("", "")  # on request
        if cell.max_time is not None:
            hours, minutes = divmod(int(cell.max_time.total_seconds()) // 60, 60)
        data |= {
            f"form-{i}-id": str(cell.pk),
            f"form-{i}-max_time_h": str(hours),
            f"form-{i}-max_time_min": str(minutes),
        }
    data |= {f"form-0-max_time_{unit}": value for unit, value in fields.items()}
    return data


def test_the_change_page_shows_a_4_hour_target_as_4_h_and_0_min(client_as, lead):
    policy = SlaPolicy.objects.get(priority="high")  # first response: 4 hours
    page = client_as(lead).get(policy_url(policy)).content.decode()
    assert 'name="first_response_h" value="4"' in page
    assert 'name="first_response_min" value="0"' in page
    assert '<label class="hours-minutes-unit" for="id_first_response_0">h</label>' in page
    assert '<label class="hours-minutes-unit" for="id_first_response_1">min</label>' in page
    assert 'name="warning_thresholds" value="75"' in page  # the seeded [75], as text
    assert "04:00:00" not in page


def test_1_h_30_min_is_saved_as_that_timedelta_and_bumps_the_version(client_as, lead):
    policy = SlaPolicy.objects.get(priority="high")
    response = client_as(lead).post(
        policy_url(policy), policy_form(policy, first_response_h="1", first_response_min="30")
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.first_response, policy.version) == (timedelta(hours=1, minutes=30), 2)
    assert policy.history.latest().history_change_reason == "edit: first_response (v2)"


def test_percentages_with_signs_and_spaces_are_stored_as_a_sorted_list_of_ints(client_as, lead):
    policy = SlaPolicy.objects.get(priority="high")
    response = client_as(lead).post(
        policy_url(policy), policy_form(policy, warning_thresholds=" 90, 50  75 %")
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.warning_thresholds, policy.version) == ([50, 75, 90], 2)


def test_saving_the_page_unchanged_keeps_the_version(client_as, lead):
    """An emptied minutes box is 0 and "75 %" is 75: the same targets, no new version."""
    policy = SlaPolicy.objects.get(priority="high")
    response = client_as(lead).post(
        policy_url(policy),
        policy_form(policy, first_response_min="", warning_thresholds="75 %"),
    )
    assert response.status_code == 302
    assert SlaPolicy.objects.get(pk=policy.pk).version == 1


def test_an_empty_customer_update_cadence_is_saved_as_none(client_as, lead):
    policy = SlaPolicy.objects.get(priority="high")
    response = client_as(lead).post(
        policy_url(policy), policy_form(policy, update_every_h="", update_every_min="")
    )
    assert response.status_code == 302
    assert SlaPolicy.objects.get(pk=policy.pk).update_every is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_response_min": "75"}, "Minutes: enter a whole number from 0 to 59."),
        ({"first_response_h": "abc"}, "Hours: enter a whole number from 0 to 9,999."),
        ({"first_response_h": "-1"}, "Hours: enter a whole number from 0 to 9,999."),
        ({"first_response_h": "99999999999999999999"}, "Hours: enter a whole number"),
        ({"resolution_h": "10000"}, "Hours: enter a whole number from 0 to 9,999."),
        ({"first_response_h": "", "first_response_min": ""}, "Enter the hours and minutes."),
        ({"first_response_h": "0", "first_response_min": "0"}, "Must be longer than zero."),
        ({"warning_thresholds": "abc"}, "“abc” is not a whole percentage"),
        ({"warning_thresholds": "150"}, "150 % is out of range"),
        ({"warning_thresholds": "0, 50"}, "0 % is out of range"),
        ({"warning_thresholds": "99999999999999999999"}, "is out of range"),
        ({"warning_thresholds": "50, 75, 50 %"}, "50 % is listed twice"),
        ({"warning_thresholds": "7.5"}, "“7.5” is not a whole percentage"),
        ({"warning_thresholds": ""}, "Enter at least one percentage"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_message_and_changes_nothing(
    client_as, lead, changes, message
):
    policy = SlaPolicy.objects.get(priority="high")
    before = snapshot(policy)
    response = client_as(lead).post(policy_url(policy), policy_form(policy, **changes))
    assert response.status_code == 200
    assert message in form_errors(response)
    assert snapshot(policy) == before


def test_a_nul_byte_is_refused_before_the_form_and_changes_nothing(client_as, lead):
    """core.middleware refuses any request with a NUL with its own message (the fields
    refuse it too: tests/sla/test_sla_form_fields.py)."""
    policy = SlaPolicy.objects.get(priority="high")
    before = snapshot(policy)
    for changes in ({"first_response_h": "\x00"}, {"warning_thresholds": "50\x00"}):
        response = client_as(lead).post(policy_url(policy), policy_form(policy, **changes))
        assert response.status_code == 400
        assert "Nothing was changed" in response.content.decode()
    assert snapshot(policy) == before


def test_the_policy_list_reads_targets_and_thresholds_in_words(client_as, lead):
    SlaPolicy.objects.filter(priority="high").update(warning_thresholds=[50, 75, 90])
    page = client_as(lead).get(reverse("admin:sla_slapolicy_changelist")).content.decode()
    assert '<td class="field-first_response_in_words">4 h</td>' in page  # high
    assert '<td class="field-first_response_in_words">30 min</td>' in page  # critical
    assert '<td class="field-resolution_in_words">72 h</td>' in page  # medium: no days
    assert '<td class="field-update_every_in_words">none</td>' in page  # low
    assert "50 %, 75 %, 90 %" in page
    assert "4:00:00" not in page


def test_the_lead_edits_the_matrix_in_place_in_hours_and_minutes(client_as, lead):
    cell = EscalationMatrixRow.objects.get(priority="high", tier=2)
    client = client_as(lead)
    page = client.get(reverse(MATRIX_URL)).content.decode()
    assert f'name="form-{list(EscalationMatrixRow.objects.all()).index(cell)}-max_time_h"' in page
    response = client.post(reverse(MATRIX_URL), matrix_post(cell, h="1", min="30"))
    assert response.status_code == 302
    assert EscalationMatrixRow.objects.get(pk=cell.pk).max_time == timedelta(hours=1, minutes=30)


def test_emptying_both_boxes_in_the_matrix_list_means_on_request(client_as, lead):
    cell = EscalationMatrixRow.objects.get(priority="high", tier=4)
    response = client_as(lead).post(reverse(MATRIX_URL), matrix_post(cell, h="", min=""))
    assert response.status_code == 302
    assert EscalationMatrixRow.objects.get(pk=cell.pk).max_time is None


def test_posting_the_matrix_list_unchanged_writes_nothing(client_as, lead):
    cells = list(EscalationMatrixRow.objects.all())
    histories = EscalationMatrixRow.history.count()
    response = client_as(lead).post(reverse(MATRIX_URL), matrix_post(*cells), follow=True)
    assert "changed successfully" not in response.content.decode()
    assert EscalationMatrixRow.history.count() == histories


def test_bad_minutes_in_the_matrix_list_are_shown_and_change_nothing(client_as, lead):
    cell = EscalationMatrixRow.objects.get(priority="high", tier=2)
    response = client_as(lead).post(reverse(MATRIX_URL), matrix_post(cell, h="1", min="75"))
    assert response.status_code == 200
    assert "Minutes: enter a whole number from 0 to 59." in response.content.decode()
    assert EscalationMatrixRow.objects.get(pk=cell.pk).max_time == timedelta(hours=4)


def test_the_matrix_list_reads_empty_as_on_request_and_zero_as_immediately(client_as, lead):
    page = client_as(lead).get(reverse(MATRIX_URL)).content.decode()
    assert '<td class="field-time_allowed">on request</td>' in page  # low at L4
    assert '<td class="field-time_allowed">immediately</td>' in page  # critical at L4
    assert '<td class="field-time_allowed">15 min</td>' in page  # critical at L1
    assert "Leave both boxes empty for <em>on request</em>" in page


def test_an_auditor_reads_the_matrix_in_words_without_boxes(client_as, auditor):
    page = client_as(auditor).get(reverse(MATRIX_URL)).content.decode()
    assert "on request" in page
    assert "max_time_h" not in page
    assert "0:15:00" not in page


def test_the_lead_edits_the_sla_settings_in_hours_and_minutes(client_as, lead):
    settings = SlaSettings.load()
    url = reverse("admin:sla_slasettings_change", args=[settings.pk])
    client = client_as(lead)
    page = client.get(url).content.decode()
    assert 'name="rca_due_after_h" value="48"' in page
    response = client.post(
        url,
        {
            "acknowledgement_target_h": "0",
            "acknowledgement_target_min": "20",
            "rca_due_after_h": "48",
            "rca_due_after_min": "0",
            "stale_after_h": "24",
            "stale_after_min": "",
        },
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert (settings.acknowledgement_target, settings.stale_after) == (
        timedelta(minutes=20),
        timedelta(hours=24),
    )
    listing = client.get(reverse("admin:sla_slasettings_changelist")).content.decode()
    assert "20 min" in listing
    assert "48 h" in listing


def test_an_auditor_reads_targets_and_thresholds_in_words_on_the_record_pages(client_as, auditor):
    from django.urls import reverse

    from sla.models import EscalationMatrixRow, SlaPolicy, SlaSettings

    client = client_as(auditor)
    policy = SlaPolicy.objects.get(priority="critical")
    page = client.get(reverse("admin:sla_slapolicy_change", args=[policy.pk])).content.decode()
    assert " h" in page and ":00:00" not in page and " %" in page
    row = EscalationMatrixRow.objects.exclude(max_time=None).first()
    page = client.get(reverse("admin:sla_escalationmatrixrow_change", args=[row.pk]))
    assert ":00:00" not in page.content.decode()
    settings = SlaSettings.objects.get()
    page = client.get(reverse("admin:sla_slasettings_change", args=[settings.pk]))
    assert page.status_code == 200 and ":00:00" not in page.content.decode()
