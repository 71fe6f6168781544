"""Major incidents in the admin: declaring one, and the message that resolves it.

The service checks the messages' placeholders; the admin shows its refusal on the field.
"""

from django import forms

from ..models import MajorIncident


class MajorIncidentForm(forms.ModelForm):
    class Meta:
        model = MajorIncident
        fields = ["title", "affected_service", "holding_message"]


class IncidentResolveForm(forms.Form):
    message = forms.CharField(
        label="Message to every linked customer", widget=forms.Textarea(attrs={"rows": 4})
    )
