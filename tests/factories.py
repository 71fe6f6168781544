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
