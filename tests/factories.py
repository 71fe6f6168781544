"""Plain rows for tests; anything with a lifecycle is built through services."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from escalation.models import Category, Customer, Plan


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    external_user_id = factory.Sequence(lambda n: f"u-{n}")
    plan = Plan.PRO


def category(code: str = "core-functionality-bug") -> Category:
    """A seeded decision-matrix row (loaded by the data migration)."""
    return Category.objects.get(code=code)


def full_handoff(ticket, **overrides) -> dict:
    """A complete hand-off for this ticket's category (every required item present)."""
    handoff = {
        "summary": "Sync stops after 10 minutes",
        "impact": "Team of 12 cannot see new records",
        "ongoing_since": "Since Monday 09:00",
        "troubleshooting": "Reconnected integration: same error E-42. Cleared cache: no change.",
        "why_escalating": "Needs database access",
        "questions": "Is the sync worker stuck on this account?",
        "customer_expectation": "Working sync by tomorrow",
        "customer_blocked": True,
        "business_impact": "Sales team works from stale data",
        "sentiment": "frustrated",
        "required_info": {code: f"value for {code}" for code in ticket.category.required_info},
    }
    handoff.update(overrides)
    return handoff


def escalate_form(ticket, to_tier=2, **overrides) -> dict:
    """POST data of the escalate form with a complete hand-off."""
    handoff = full_handoff(ticket)
    data = {
        "to_tier": to_tier,
        "escalation_type": "functional",
        "trigger": "lacks_expertise",
        "target_team": ticket.category.route_to_id,
        "reason": handoff["why_escalating"],
        **{
            k: v
            for k, v in handoff.items()
            if k not in ("required_info", "customer_blocked", "why_escalating")
        },
        "customer_blocked": "on",
        **{f"info_{k}": v for k, v in handoff["required_info"].items()},
    }
    data.update(overrides)
    return data
