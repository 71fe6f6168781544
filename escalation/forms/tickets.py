"""The ticket's add and edit forms in the admin.

They offer the right choices and check each field; the services check everything that
needs other rows (an owner's role, a category still in use, who may edit), and the admin
shows their refusals on these forms (`core.admin_steps.ServiceAdminMixin`).
"""

from django import forms

from ..models import Category, Ticket
from ..policies import EDITABLE_FIELDS
from ..selectors import support_staff


class TicketAddForm(forms.ModelForm):
    priority = forms.ChoiceField(
        choices=[("", "Category default")] + list(Ticket._meta.get_field("priority").choices),
        required=False,
        help_text="Leave empty to take the category's default priority.",
    )

    class Meta:
        model = Ticket
        fields = [
            "customer",
            "category",
            "owner",
            "subject",
            "description",
            "priority",
            "sentiment",
            "external_reference",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["owner"].queryset = support_staff()
        self.fields["owner"].help_text = "The one person accountable for the ticket."


class TicketChangeForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = list(EDITABLE_FIELDS)  # exactly what ticket_update accepts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.filter(is_active=True)
