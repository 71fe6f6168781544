"""The bell (an htmx panel polled every 30 s), the inbox page, and marking read.

Without JavaScript the header's bell is a link to the inbox, and every notification is a
small form: opening it marks it read and goes where it points. Anyone signed in sees their
own bell (a directory admin on the desk's directory page has an empty one); marking read
is for the support roles, the only people notified.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from escalation.desk.base import actor_of, desk_role_required

from . import selectors
from .services import mark_all_read, mark_read


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


@require_safe
@login_required
def bell(request: HtmxRequest) -> HttpResponse:
    """The bell's panel: the newest notifications, and the unread count swapped into the
    header out of band. A plain visit (no htmx) goes to the inbox."""
    if not request.htmx:
        response: HttpResponse = redirect("notifications:inbox")
    else:
        response = render(request, "notifications/_bell.html", selectors.bell(request.user))
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notifications/inbox.html",
        selectors.bell(request.user, size=selectors.INBOX_SIZE),
    )


@require_POST
@desk_role_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = mark_read(
        notification=selectors.notification_for(request.user, pk), actor=actor_of(request)
    )
    link = notification.link
    if not url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        link = "notifications:inbox"
    return redirect(link)


@require_POST
@desk_role_required
def read_all(request: HttpRequest) -> HttpResponse:
    count = mark_all_read(actor=actor_of(request))
    messages.success(request, f"{count} notification(s) marked as read.")
    return redirect("notifications:inbox")
