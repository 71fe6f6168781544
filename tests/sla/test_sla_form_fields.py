"""The two fields behind issue 14 (core.form_fields), on their own: what a lead may type
into the hours and minutes boxes and the percentages box, and the message for the rest."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from core.form_fields import HoursMinutesField, HoursMinutesWidget, PercentListField
from sla.forms import SlaPolicyForm
from sla.models import SlaPolicy
from tests.sla.test_sla_admin import policy_form

HOURS = "Hours: enter a whole number from 0 to 9,999."
MINUTES = "Minutes: enter a whole number from 0 to 59."


@pytest.mark.parametrize(
    ("hours", "minutes", "expected"),
    [
        ("4", "0", timedelta(hours=4)),
        ("1", "30", timedelta(hours=1, minutes=30)),
        ("0", "15", timedelta(minutes=15)),
        ("4", "", timedelta(hours=4)),  # an empty box is 0
        ("", "45", timedelta(minutes=45)),
        (" 2 ", "5", timedelta(hours=2, minutes=5)),
        ("9999", "59", timedelta(hours=9999, minutes=59)),
        ("0", "0", timedelta(0)),  # the matrix's "immediately"
    ],
)
def test_hours_and_minutes_become_one_timedelta(hours, minutes, expected):
    assert HoursMinutesField().clean([hours, minutes]) == expected


@pytest.mark.parametrize(
    ("hours", "minutes", "message"),
    [
        ("1", "75", MINUTES),
        ("1", "60", MINUTES),
        ("1", "-1", MINUTES),
        ("abc", "0", HOURS),
        ("-1", "0", HOURS),
        ("10000", "0", HOURS),
        ("1.5", "0", HOURS),
        ("1e3", "0", HOURS),
        ("\x00", "", HOURS),
        ("4", "3\x00", MINUTES),
        ("99999999999999999999", "0", HOURS),
        ("9" * 5000, "0", HOURS),  # past int()'s 4,300 digits: still a message
        ("0", "99999999999999999999", MINUTES),
    ],
)
def test_junk_in_the_boxes_is_a_message_not_a_crash(hours, minutes, message):
    with pytest.raises(ValidationError) as refused:
        HoursMinutesField().clean([hours, minutes])
    assert refused.value.messages == [message]


def test_both_boxes_empty_is_none_where_optional_and_required_elsewhere():
    assert HoursMinutesField(required=False).clean(["", ""]) is None
    with pytest.raises(ValidationError, match="Enter the hours and minutes."):
        HoursMinutesField().clean(["", ""])


@pytest.mark.parametrize(
    ("stored", "boxes"),
    [
        (timedelta(hours=4), [4, 0]),
        (timedelta(hours=26, minutes=5), [26, 5]),
        (timedelta(days=3), [72, 0]),
        (timedelta(hours=1, seconds=59), [1, 0]),
        (None, [None, None]),
    ],
)
def test_a_stored_duration_shows_as_whole_hours_and_minutes(stored, boxes):
    assert HoursMinutesWidget().decompress(stored) == boxes


@pytest.mark.parametrize(
    ("initial", "posted", "changed"),
    [
        (timedelta(hours=4), ["4", "0"], False),
        (timedelta(hours=4), ["4", ""], False),
        (timedelta(hours=4, seconds=30), ["4", "0"], False),
        (timedelta(hours=4), ["4", "1"], True),
        (timedelta(hours=4), ["", ""], True),
        (None, ["", ""], False),
        (None, ["0", "0"], True),
        (timedelta(hours=4), ["abc", "0"], True),
    ],
)
def test_only_a_different_number_of_minutes_is_a_change(initial, posted, changed):
    assert HoursMinutesField(required=False).has_changed(initial, posted) is changed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("50, 75, 90", [50, 75, 90]),
        ("50, 75 %, 90", [50, 75, 90]),
        ("90 50 75%", [50, 75, 90]),
        ("90;50;  75 % ,", [50, 75, 90]),
        ("[50, 75, 90]", [50, 75, 90]),  # the old JSON, out of habit
        ("  75  ", [75]),
        ("050", [50]),
        ("1, 99", [1, 99]),
    ],
)
def test_percentages_are_stored_as_a_sorted_list_of_ints(typed, stored):
    assert PercentListField().clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "“abc” is not a whole percentage: write numbers such as 50, 75, 90."),
        ("150", "150 % is out of range: each percentage is a whole number from 1 to 99."),
        ("0", "0 % is out of range"),
        ("100%", "100 % is out of range"),
        ("99999999999999999999", "999999999999… % is out of range"),
        ("1" * 100_000, "111111111111… % is out of range"),
        ("x" * 100_000, "“xxxxxxxxxxxx…” is not a whole percentage"),
        ("50, 75, 50 %", "50 % is listed twice: list each percentage once."),
        ("50\x00", "Remove the invisible control character"),
        ("50%%", "“50%%” is not a whole percentage"),
        ("-5", "“-5” is not a whole percentage"),
        ("7.5", "“7.5” is not a whole percentage"),
        ("\u202e50", "“?50” is not a whole percentage"),
        ("", "Enter at least one percentage, e.g. 50, 75, 90."),
        (" , ", "Enter at least one percentage"),
    ],
)
def test_bad_percentages_are_refused_with_a_message(typed, message):
    with pytest.raises(ValidationError) as refused:
        PercentListField().clean(typed)
    assert message in refused.value.messages[0]


def test_stored_percentages_show_as_the_text_a_lead_types():
    field = PercentListField()
    assert field.prepare_value([50, 75, 90]) == "50, 75, 90"
    assert field.prepare_value("50, abc") == "50, abc"  # a refused post shows as typed


@pytest.mark.parametrize(
    ("initial", "typed", "changed"),
    [
        ([75], "75 %", False),
        ([50, 75], "75, 50", False),
        ([75], "50", True),
        ([75], "abc", True),
    ],
)
def test_the_same_percentages_spelled_otherwise_are_no_change(initial, typed, changed):
    assert PercentListField().has_changed(initial, typed) is changed


def test_the_policy_form_refuses_a_nul_byte_itself(db):
    """The middleware refuses NUL before any form; the form does not rely on it."""
    policy = SlaPolicy.objects.get(priority="high")
    form = SlaPolicyForm(
        data=policy_form(policy, first_response_h="\x00", warning_thresholds="\x00"),
        instance=policy,
    )
    assert not form.is_valid()
    assert form.errors["first_response"] == [HOURS]
    assert "invisible control character" in form.errors["warning_thresholds"][0]


def test_the_policy_form_keeps_the_stored_format_the_sla_engine_reads(db):
    policy = SlaPolicy.objects.get(priority="high")
    form = SlaPolicyForm(
        data=policy_form(policy, warning_thresholds="90 %, 50", resolution_min="30"),
        instance=policy,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["warning_thresholds"] == [50, 90]
    assert form.cleaned_data["resolution"] == timedelta(hours=24, minutes=30)
    assert sorted(form.changed_data) == ["resolution", "warning_thresholds"]
