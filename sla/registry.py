"""What a due timer does is decided by the app that owns its subject.

`escalation` registers its handlers in AppConfig.ready(), so `sla` never imports it
and the import graph points one way (DESIGN.md). A handler takes a list of due
timers of its kind and the sweep's `now`; handlers on the hot path do their work in
bulk, the others simply loop.
"""

from collections.abc import Callable

Handler = Callable[..., None]
_handlers: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    """Decorator: `handler(timers, now)` runs for the due timers of `kind`."""

    def decorate(handler: Handler) -> Handler:
        _handlers[kind] = handler
        return handler

    return decorate


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)
