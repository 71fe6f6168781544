"""What a due timer does is decided by the app that owns its subject.

`escalation` registers its handlers in AppConfig.ready(), so `sla` never imports it
and the import graph points one way (DESIGN.md).
"""

from collections.abc import Callable

Handler = Callable[..., None]
_handlers: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    """Decorator: `handler(timer, now)` runs when a timer of `kind` is due."""

    def decorate(handler: Handler) -> Handler:
        _handlers[kind] = handler
        return handler

    return decorate


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)
