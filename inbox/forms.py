"""The two decisions a lead takes on a held email; the services check the rest."""

from django import forms


class AttachForm(forms.Form):
    ticket_reference = forms.CharField(
        label="Ticket",
        max_length=40,
        help_text="The ticket's reference, e.g. ESC-000123. The email goes on it as the "
        "customer's message, with you in its history.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why it goes on no ticket",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
