"""The mentor's review forms; the services check the rules again (who, what state)."""

from django import forms

from .models import HeldAction, Kind
from .services import EDITABLE, NOTE_LIMIT, TEXT_LIMIT

LABELS = {
    "reason": "Why escalating",
    "summary": "Summary",
    "impact": "Impact",
    "troubleshooting": "Troubleshooting steps taken",
    "questions": "Questions for the next tier",
    "customer_expectation": "Customer's expectation",
    "business_impact": "Business impact",
    "body": "Message to the customer",
}


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label="Why it goes back (what they could have tried)",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewedForm(ApproveForm):
    pass


class EditForm(forms.Form):
    """The held texts, editable; the note saying what changed and why is required."""

    note = forms.CharField(
        label="What you changed and why",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, held: HeldAction, **kwargs):
        super().__init__(*args, **kwargs)
        payload = held.payload
        handoff = payload.get("handoff") or {}
        for field in EDITABLE[Kind(held.kind)]:
            value = payload.get(field) if field in ("reason", "body") else handoff.get(field)
            self.fields[field] = forms.CharField(
                label=LABELS[field],
                required=field in ("reason", "body"),
                max_length=TEXT_LIMIT,
                initial=value or "",
                widget=forms.Textarea(attrs={"rows": 4 if field == "body" else 2}),
            )
        self.order_fields([*EDITABLE[Kind(held.kind)], "note"])

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "note"}
