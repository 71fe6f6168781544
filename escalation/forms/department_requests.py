"""The steps of a department request in the admin: one small form per button."""

from django import forms


class RequestAcknowledgeForm(forms.Form):
    external_reference = forms.CharField(
        label="Department's reference (e.g. Jira key)",
        required=False,
        max_length=100,  # the reference column holds 100 characters
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequestAnswerForm(forms.Form):
    answer = forms.CharField(
        label="The department's answer", widget=forms.Textarea(attrs={"rows": 3})
    )


class RequestCancelForm(forms.Form):
    reason = forms.CharField(label="Why cancel", widget=forms.Textarea(attrs={"rows": 3}))
