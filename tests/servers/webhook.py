"""A real HTTP receiver on 127.0.0.1 for webhook tests: it verifies each POST's Standard
Webhooks signature with the subscriber's secret, as a subscriber would, and answers with
the statuses a test chooses (e.g. 500 twice, then 200)."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: dict | None  # the parsed body when the signature checked out


@dataclass
class Receiver:
    secret: str = ""
    answers: list[int] = field(default_factory=list)  # then 200 for the rest
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        try:
            verified = Webhook(self.secret).verify(body, headers) if self.secret else None
        except WebhookVerificationError:
            verified = None
        self.received.append(Received(headers, body, verified))
        return self.answers.pop(0) if self.answers else 200


def serve(receiver: Receiver):
    """Start the receiver's server; returns a function that stops it."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.handle({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop
