"""What the API reads and writes. Reads are flat and named as on the desk; writes carry
only what the services take, so validation has one home: the services and their forms."""

from django.utils import timezone
from rest_framework import serializers

from core.choices import Priority
from core.validators import validate_single_line
from escalation.models import Category, Sentiment, Ticket, TicketState
from escalation.selectors import support_staff
from escalation.templatetags.sla import sla_words


class CustomerSerializer(serializers.Serializer):
    external_user_id = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(read_only=True)
    company = serializers.CharField(read_only=True)
    plan = serializers.CharField(read_only=True)
    is_vip = serializers.BooleanField(read_only=True)


class SlaSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="breached, at_risk, on_track, paused or none.")
    text = serializers.CharField(help_text='In words: "Breached 3 h ago", "At risk: 40 min left".')
    due_at = serializers.DateTimeField(allow_null=True)


class TicketSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    customer = CustomerSerializer(read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sla = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "reference",
            "external_reference",
            "subject",
            "description",
            "state",
            "priority",
            "tier",
            "category",
            "customer",
            "owner",
            "sla",
            "created_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_sla(self, ticket: Ticket) -> SlaSerializer:
        words = sla_words(ticket, self.context.get("now") or timezone.now())
        return SlaSerializer(
            {"status": words.status, "text": words.text, "due_at": ticket.sla_due_at}
        ).data


class CustomerInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_single_line]
    )
    company = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_single_line]
    )
    external_user_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True, validators=[validate_single_line]
    )


class TicketCreateSerializer(serializers.Serializer):
    """A ticket from another system. Sent again with the same `external_reference`, it
    answers with the ticket made the first time (200) instead of a second one."""

    customer = CustomerInputSerializer()
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    subject = serializers.CharField(max_length=200, validators=[validate_single_line])
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    sentiment = serializers.ChoiceField(choices=Sentiment.choices, required=False)
    external_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, validators=[validate_single_line]
    )
    owner = serializers.CharField(
        max_length=254,
        required=False,
        help_text="The agent who owns it, by username or email (the helpdesk's assignee). "
        "Default: this account; the helpdesk role must name one.",
    )

    def validate_owner(self, value: str):
        staff = support_staff()
        found = staff.filter(username=value).first() or staff.filter(email__iexact=value).first()
        if found is None:
            raise serializers.ValidationError(f"No active support agent is {value!r}.")
        return found


class HeldSerializer(serializers.Serializer):
    """202: the change waits for a second person (a four-eyes approval or a trainee's
    mentor, issue 17); nothing has changed yet."""

    held = serializers.BooleanField()
    detail = serializers.CharField()


class TicketUpdateSerializer(serializers.Serializer):
    """The descriptive fields an owner (or a lead) may change; state moves are actions.
    Lowering the priority relaxes the SLA, so only a lead may do it."""

    subject = serializers.CharField(
        max_length=200, required=False, validators=[validate_single_line]
    )
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True), required=False
    )


class TicketFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=TicketState.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    tier = serializers.IntegerField(min_value=1, max_value=4, required=False)
    external_reference = serializers.CharField(max_length=100, required=False)
