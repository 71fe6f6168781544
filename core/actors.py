"""The named actor for changes no person made (demo loads, sweeps, background tasks)."""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system"


def system_user():
    """An inactive account that can never log in; history rows name it instead of nobody."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "System", "last_name": "(automatic)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def acting_user():
    """Who a history row should name: the signed-in user of the request being served,
    else the system actor (background tasks, the sweep, management commands)."""
    from simple_history.models import HistoricalRecords

    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    if user is not None and user.is_authenticated:
        return user
    return system_user()
