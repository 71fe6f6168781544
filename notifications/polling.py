"""Pages that refresh themselves must not keep an unattended desk signed in.

The bell and the queue poll every 30 s (htmx; `static/desk/poll.js` marks those requests
with the `X-Desk-Poll` header). `core.middleware.KeepSessionAlive` pushes the idle
timeout forward on every request of a signed-in person, so without this an open desk
tab would never time out. This middleware sits just outside it and undoes that renewal
for polls only. Polled views write nothing else to the session.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.middleware import LAST_SEEN

POLL_HEADER = "X-Desk-Poll"


def is_poll(request: HttpRequest) -> bool:
    return request.headers.get(POLL_HEADER) == "1"


class PollsKeepNoSessionAlive:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None or not is_poll(request):
            return self.get_response(request)
        seen, modified = session.get(LAST_SEEN), session.modified
        response = self.get_response(request)
        if session.get(LAST_SEEN) != seen:
            if seen is None:
                session.pop(LAST_SEEN, None)
            else:
                session[LAST_SEEN] = seen
            session.modified = modified
        return response
