"""Forms of the desk's own pages: a new ticket (with its customer, found or added)."""

from django import forms

from ..models import Category, Sentiment, Ticket


class NewTicketForm(forms.Form):
    """What an agent types when a case reaches them by phone or chat: the customer (found
    by email, or added with a name), the category from the decision matrix, the issue."""

    email = forms.EmailField(label="Customer's email")
    name = forms.CharField(
        label="Customer's name",
        max_length=200,
        required=False,
        help_text="Needed only for a customer we do not know yet.",
    )
    company = forms.CharField(max_length=200, required=False)
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True).order_by("group", "name"),
        help_text="From the decision matrix: it sets the priority, route and hand-off items.",
    )
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    priority = forms.ChoiceField(
        choices=[("", "Category default"), *Ticket._meta.get_field("priority").choices],
        required=False,
    )
    sentiment = forms.ChoiceField(choices=Sentiment.choices, initial=Sentiment.CALM)
    external_reference = forms.CharField(label="Helpdesk reference", max_length=100, required=False)
