"""The decision matrix's form: one category, what its hand-offs must contain."""

from django import forms

from ..models import Category, HandoffInfo


class CategoryForm(forms.ModelForm):
    required_info = forms.MultipleChoiceField(
        label="Information the hand-off must contain",
        choices=HandoffInfo.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "group",
            "default_priority",
            "route_to",
            "copy_to",
            "required_info",
            "verification_level",
            "troubleshooting_required",
            "guidance",
            "is_active",
        ]
