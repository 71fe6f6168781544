"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), whose behaviour a test chooses:
accept, refuse, fail a few times then accept, or hang. Never a mocked client library."""

import asyncio
import email
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Behaviour:
    """What the server answers to each message's DATA, in order; then `then` for the rest."""

    answers: list[str] = field(default_factory=list)
    then: str = "250 Message accepted for delivery"
    hang_seconds: float = 0.0


class Handler:
    def __init__(self, behaviour: Behaviour):
        self.behaviour = behaviour
        self.received: list[email.message.Message] = []  # every DATA seen, accepted or not
        self.accepted: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        self.received.append(message)
        if self.behaviour.hang_seconds:
            await asyncio.sleep(self.behaviour.hang_seconds)
        answer = self.behaviour.answers.pop(0) if self.behaviour.answers else self.behaviour.then
        if answer.startswith("250"):
            self.accepted.append(message)
        return answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """Start with `start()`, point EMAIL_HOST/EMAIL_PORT at `.port`, `stop()` when done."""

    def __init__(self, behaviour: Behaviour | None = None):
        self.handler = Handler(behaviour or Behaviour())
        self.port = free_port()
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
