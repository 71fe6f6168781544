"""Actions a person may not yet take alone: held for someone's review before they act.

Escalation knows nothing of why an action is held (a new hire in training, 003 "Training
& Resources"): the app above it registers a hook in its `AppConfig.ready()` (training),
so this layer never imports the one above it. The hand-off and the customer-email
services call `check()` once their input is valid and before they change anything; a
hook that holds the action records it and returns a `Held`, which the service returns
instead of acting. Nothing else is changed then.

Approving a held action runs the same service again as the person who asked, inside
`released()`, so the hook lets it through and the history says who approved it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

# What may be held (the codes the hook receives).
HANDOFF = "handoff"
CUSTOMER_MESSAGE = "customer_message"


@dataclass(frozen=True)
class Held:
    """The action was not taken: it waits for review. `message` is what the person is
    told; `record` is the row that keeps the action until it is reviewed."""

    message: str
    record: Any = None


HoldHook = Callable[..., Held | None]
_hooks: list[HoldHook] = []
# While set, a held action is being carried out after review: the text for the history.
_releasing: ContextVar[str | None] = ContextVar("escalation_hold_releasing", default=None)


def register_hold(hook: HoldHook) -> None:
    """Add a hook called as `hook(actor=, kind=, ticket=, payload=)`; registering the same
    hook twice (a second `ready()` in tests) keeps one."""
    if hook not in _hooks:
        _hooks.append(hook)


def check(*, actor: Any, kind: str, ticket: Any, payload: dict) -> Held | None:
    """The first hook's `Held`, or None to go ahead. Called inside the service's
    transaction, so a hook's rows are undone with the service's when it fails later.
    `payload` is JSON-safe: the service's arguments, related rows by primary key."""
    if _releasing.get() is not None:
        return None
    for hook in _hooks:
        held = hook(actor=actor, kind=kind, ticket=ticket, payload=payload)
        if held is not None:
            return held
    return None


@contextmanager
def released(approval: str) -> Iterator[None]:
    """Carry out a reviewed action: `check()` holds nothing, and `approval_note()` gives
    `approval` (e.g. "approved by mentor Ann") for the history of what it changes."""
    token = _releasing.set(approval)
    try:
        yield
    finally:
        _releasing.reset(token)


def approval_note() -> str:
    """The approval in brackets for a history reason while a reviewed action is carried
    out, else "" (nothing is added to the history of ordinary actions)."""
    approval = _releasing.get()
    return f" ({approval})" if approval else ""
