"""The leads' forms for SLA rules (issue 14): targets in hours and minutes, warning
thresholds as percentages. The model fields and their stored values stay as they were
(DurationField, a JSON list of ints), so the SLA engine reads exactly what it read before;
only what a lead types changes. Help texts are set here, not on the models, because the
models' texts describe the old input ("04:00:00", "[50, 75, 90]")."""

from django import forms

from core.form_fields import HoursMinutesField, PercentListField

from .models import EscalationMatrixRow, SlaPolicy, SlaSettings

POLICY_DURATIONS = ("first_response", "resolution", "update_every")
SETTINGS_DURATIONS = ("acknowledgement_target", "rca_due_after", "stale_after")


class SlaPolicyForm(forms.ModelForm):
    warning_thresholds = PercentListField(
        help_text="Warn when this share of a target has passed: whole percentages from 1 "
        "to 99, e.g. 50, 75, 90.",
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "priority",
            *POLICY_DURATIONS,
            "calendar",
            "pause_when_waiting_on_customer",
            "warning_thresholds",
            "enterprise_percent",
            "enterprise_calendar",
        ]
        field_classes = dict.fromkeys(POLICY_DURATIONS, HoursMinutesField)
        help_texts = {
            "first_response": "Business time.",
            "resolution": "Business time.",
            "update_every": "Status-update cadence. Leave both boxes empty for none.",
        }


class EscalationMatrixRowForm(forms.ModelForm):
    """Also the matrix list's in-place editing form (EscalationMatrixRowAdmin)."""

    class Meta:
        model = EscalationMatrixRow
        fields = ["priority", "tier", "max_time"]
        field_classes = {"max_time": HoursMinutesField}
        help_texts = {
            "max_time": "Leave both boxes empty for on request (no automatic escalation); "
            "0 h 0 min escalates immediately.",
        }


class SlaSettingsForm(forms.ModelForm):
    class Meta:
        model = SlaSettings
        fields = list(SETTINGS_DURATIONS)
        field_classes = dict.fromkeys(SETTINGS_DURATIONS, HoursMinutesField)
