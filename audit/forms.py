"""The trail's filter form: bad input becomes a message on the page, never a 500."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from .selectors import ACCESS_OBJECTS, KIND_CHOICES, TrailFilters, history_sources, model_choices
from .selectors.sources import attached_sources, reference_sources


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
    object_id = forms.CharField(
        required=False,
        max_length=40,
        label="Record ID or reference",
        help_text="A number, or a ticket reference such as ESC-000130.",
    )
    attached = forms.BooleanField(
        required=False,
        label="With everything attached",
        help_text="The record's history together with the records attached to it; for a "
        "ticket: its hand-offs, communications, department requests, root-cause analysis "
        "and the identity verifications started from that ticket.",
    )
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
            model = _model_of_reference(object_id)
            if model:
                data["model"] = model
        if object_id and not model:
            self.add_error("model", "Choose the type of record the ID belongs to.")
        elif object_id:
            pk = _record_pk(model, object_id)
            if pk is None:
                self.add_error("object_id", f"“{object_id}” is not a valid record ID.")
            else:
                data["object_id"] = str(pk)
        if data.get("attached") and not (object_id and model):
            self.add_error("attached", "Choose the record first: its type and ID, or a reference.")
        elif data.get("attached") and not attached_sources(model):
            self.add_error("attached", "Nothing is attached to this type of record.")
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
            attached=bool(data.get("attached")),
        )


def _model_of_reference(text: str) -> str | None:
    """The one type of record whose references look like `text` (ESC-000130: a ticket);
    a bare number names no type."""
    if text.isdigit():
        return None
    matches = [s.label for s in reference_sources() if _from_reference(s.label, text) is not None]
    return matches[0] if len(matches) == 1 else None


def _from_reference(model: str, text: str) -> int | None:
    """The key a reference names, for types of record that have references."""
    source = history_sources().get(model)
    read = getattr(source.model, "pk_from_reference", None) if source else None
    return read(text) if callable(read) else None


def _record_pk(model: str, text: str):
    """The record's key from what was typed: its reference or its ID; None if neither."""
    sources = history_sources()
    pk = _from_reference(model, text)
    if pk is not None:
        return pk if 0 < pk < 2**63 else None
    pk_field = (
        sources[model].model._meta.pk if model not in ACCESS_OBJECTS else get_user_model()._meta.pk
    )
    try:
        pk = pk_field.to_python(text)
    except ValidationError:
        return None
    if isinstance(pk, int) and not 0 < pk < 2**63:
        return None
    return pk
