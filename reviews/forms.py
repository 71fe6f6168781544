"""The desk forms of the review page; the services check the rules that need other rows."""

from typing import cast

from django import forms
from django.contrib.auth import get_user_model

from core.roles import ROLE_TIERS
from escalation.models import Category, RootCauseAnalysis

from .services import NOTE_MAX, TITLE_MAX


def _owners():
    """Support staff who can own an action (agents of every tier and leads)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(ROLE_TIERS))
        .distinct()
        .order_by("username")
    )


def _rca_label(rca: RootCauseAnalysis) -> str:
    return f"{rca.ticket.reference}: {rca.root_cause[:60]}"


class ActionCreateForm(forms.Form):
    month = forms.CharField(widget=forms.HiddenInput, max_length=7)
    title = forms.CharField(max_length=TITLE_MAX)
    rca = forms.ModelChoiceField(
        RootCauseAnalysis.objects.none(),
        required=False,
        label="From the root-cause analysis",
        empty_label="(none: a category-wide action)",
    )
    category = forms.ModelChoiceField(
        Category.objects.order_by("name"), required=False, label="Or for the category"
    )
    owner = forms.ModelChoiceField(_owners())
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, rcas=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets are set per form so the owners and RCAs are read when the form is used.
        rca = cast(forms.ModelChoiceField, self.fields["rca"])
        rca.queryset = rcas if rcas is not None else RootCauseAnalysis.objects.all()
        rca.label_from_instance = _rca_label
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = _owners()


class ActionCompleteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX)


class ActionReopenForm(forms.Form):
    reason = forms.CharField(max_length=NOTE_MAX)


def form_error_text(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        label = label or name.replace("_", " ").capitalize()
        parts += [str(e) if name == "__all__" else f"{label}: {e}" for e in errors]
    return " ".join(parts)
