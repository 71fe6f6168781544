"""How a stored change reason reads in the audit trail: in words, never codes.

The apps that write reasons ("accept_escalation", "wait_on_department: asked Billing")
know what their codes mean; the audit trail sits below them and may not import them. So
each registers its translator here from its AppConfig.ready(), and the trail (page and
CSV) shows every reason through them. A reason no translator knows is shown as written.
"""

from collections.abc import Callable

ReasonWords = Callable[[str], str]
_translators: list[ReasonWords] = []


def register_reason_words(translate: ReasonWords) -> None:
    if translate not in _translators:
        _translators.append(translate)


def reason_words(reason: str) -> str:
    for translate in _translators:
        reason = translate(reason)
    return reason
