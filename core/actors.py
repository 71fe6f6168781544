"""The named actor for changes no person made (demo loads, sweeps, background tasks)."""

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.auth.models import User as Actor
else:
    Actor = Any  # the project keeps Django's user model; services annotate `actor: Actor`

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


def current_request():
    """The request simple_history's middleware is serving, if any (None in tasks)."""
    return getattr(HistoricalRecords.context, "request", None)


def request_user(request=None):
    """The signed-in user of `request` (default: the one being served), else None."""
    user = getattr(request or current_request(), "user", None)
    return user if user is not None and user.is_authenticated else None


def acting_user():
    """Who a history row should name: the signed-in user of the request being served,
    else the system actor (background tasks, the sweep, management commands)."""
    return request_user() or system_user()
