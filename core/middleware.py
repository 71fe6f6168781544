"""Request policies that hold for every page, so no view has to remember them."""

import time
from collections.abc import Callable

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse

from .roles import writes_in_admin

NUL = "\x00"
LAST_SEEN = "last_seen"
RENEW_AFTER_SECONDS = 60


def _carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    return False


class RefuseNulMiddleware:
    """A NUL character is never valid input: PostgreSQL refuses it in text (a 500 in any
    filter or search), and it hides text from people reading it. Any request carrying one
    is refused with a clear message before a view runs, so nothing is changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "POST") and _carries_nul(request):
            return HttpResponseBadRequest(
                "<!doctype html><title>Bad request</title><h1>Bad request</h1><p>The request "
                "contained a NUL character, which is never valid here. Nothing was changed: "
                "remove it and try again.</p>",
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="core-session-last-seen")
def _mark_login(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class KeepSessionAlive:
    """Sessions end after SESSION_COOKIE_AGE without a request (an idle timeout): an active
    session is saved again, which pushes its expiry forward, at most once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(LAST_SEEN, 0)) >= RENEW_AFTER_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


class AdminReadOnlyForViewers:
    """Every write to the admin by someone the admin is read-only for (agents, auditors)
    is a 403, whatever the page: one rule instead of a check in every view and action.
    Signing in and out stay open to everyone."""

    OPEN = ("login/", "logout/", "password_change/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            self.prefix = self.prefix or reverse("admin:index")
            path = request.path
            if (
                path.startswith(self.prefix)
                and not path[len(self.prefix) :].startswith(self.OPEN)
                and request.user.is_authenticated
                and not writes_in_admin(request.user)
            ):
                raise PermissionDenied("The admin is read-only for your role.")
        return self.get_response(request)
