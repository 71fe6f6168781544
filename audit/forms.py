"""The trail's filter form: bad input becomes a message on the page, never a 500."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from .selectors import ACCESS_OBJECTS, KIND_CHOICES, TrailFilters, history_sources, model_choices


class TrailFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model()._default_manager.order_by("username"),
        to_field_name="username",
        required=False,
        empty_label="Anyone",
        label="Changed by",
        error_messages={"invalid_choice": "There is no account with that username."},
    )
    model = forms.ChoiceField(
        required=False,
        label="Type of record",
        error_messages={"invalid_choice": "Unknown type of record: %(value)s."},
    )
    object_id = forms.CharField(required=False, max_length=40, label="Record ID")
    date_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the start date as YYYY-MM-DD."},
    )
    date_to = forms.DateField(
        required=False,
        label="To (inclusive)",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the end date as YYYY-MM-DD."},
    )
    kind = forms.ChoiceField(
        required=False,
        label="Kind of change",
        choices=[("", "Any"), *KIND_CHOICES],
        error_messages={"invalid_choice": "Unknown kind of change: %(value)s."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "Any"), *model_choices()]

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            raise ValidationError("The start date is after the end date.")
        model, object_id = data.get("model"), (data.get("object_id") or "").strip()
        if object_id and not model:
            self.add_error("model", "Choose the type of record the ID belongs to.")
        elif object_id:
            pk_field = (
                history_sources()[model].model._meta.pk
                if model not in ACCESS_OBJECTS
                else get_user_model()._meta.pk
            )
            try:
                pk = pk_field.to_python(object_id)
                if isinstance(pk, int) and not 0 < pk < 2**63:
                    raise ValidationError("out of range")
                data["object_id"] = str(pk)
            except ValidationError:
                self.add_error("object_id", f"“{object_id}” is not a valid record ID.")
        return data

    def filters(self) -> TrailFilters:
        data = self.cleaned_data
        since, until = TrailFilters.day_bounds(data.get("date_from"), data.get("date_to"))
        return TrailFilters(
            user_id=data["user"].pk if data.get("user") else None,
            model=data.get("model") or None,
            object_id=data.get("object_id") or None,
            since=since,
            until=until,
            kind=data.get("kind") or None,
        )
