"""What every desk page shares: who may use the desk, and the page size."""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from core.actors import Actor
from core.roles import user_tier

PAGE_SIZE = 25


def actor_of(request: HttpRequest) -> Actor:
    """The signed-in user acting on a desk page (the decorator below let only them in)."""
    if not request.user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return cast(Actor, request.user)


def desk_role_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Support roles only (agents of every tier and leads); others get 403."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if user_tier(request.user) is None:
            raise PermissionDenied("The desk is for support agents and leads.")
        return view(request, *args, **kwargs)

    return wrapped
