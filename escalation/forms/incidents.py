"""Major incidents in the admin: declaring one, and the message that resolves it.

The service checks the messages' placeholders; the admin shows its refusal on the field.
"""

from django import forms

from ..models import MajorIncident, Ticket


class MajorIncidentForm(forms.ModelForm):
    class Meta:
        model = MajorIncident
        fields = ["title", "affected_service", "priority", "holding_message"]


class IncidentResolveForm(forms.Form):
    message = forms.CharField(
        label="Message to every linked customer", widget=forms.Textarea(attrs={"rows": 4})
    )


class IncidentUpdateForm(forms.Form):
    text = forms.CharField(
        label="Status update to every linked customer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="May use {customer_name} and {ticket_reference}. Do not speculate about the "
        "cause or give ETAs (003).",
    )


class IncidentUnlinkForm(forms.Form):
    tickets = forms.CharField(
        label="Tickets to unlink",
        max_length=2000,
        help_text="References separated by spaces or commas, e.g. ESC-000123. Their clocks "
        "resume; the time suspended is not counted.",
    )

    def service_kwargs(self) -> dict:
        """The references as tickets (unknown ones are ignored by the service: only linked
        tickets are unlinked)."""
        refs = self.cleaned_data["tickets"].replace(",", " ").split()
        ids = [pk for pk in (Ticket.pk_from_reference(r) for r in refs) if pk is not None]
        return {"tickets": list(Ticket.objects.filter(pk__in=ids))}
