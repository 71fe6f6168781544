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
