"""A real HTTP server on 127.0.0.1 playing PagerDuty's Events API v2: POST /v2/enqueue
answers 202 with the event's dedup key (or the statuses a test chooses first, e.g. 503),
and records each event as it was posted, routing key included."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakePagerDuty:
    answers: list[int] = field(default_factory=list)  # then 202 for the rest
    events: list[dict] = field(default_factory=list)  # bodies of the accepted events
    paths: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def events_url(self) -> str:
        return f"{self.url}/v2/enqueue"

    def handle(self, path: str, raw: bytes) -> tuple[int, dict]:
        self.paths.append(path)
        if path != "/v2/enqueue":
            return 404, {"status": "invalid", "message": "Not found in this fake PagerDuty."}
        if self.answers:
            return self.answers.pop(0), {"status": "error", "message": "Try again"}
        body = json.loads(raw)
        if not body.get("routing_key") or body.get("event_action") not in (
            "trigger",
            "acknowledge",
            "resolve",
        ):
            return 400, {"status": "invalid event", "message": "Event object is invalid"}
        self.events.append(body)
        dedup = body.get("dedup_key") or f"generated-{len(self.events)}"
        return 202, {"status": "success", "message": "Event processed", "dedup_key": dedup}


def serve(pagerduty: FakePagerDuty):
    """Start the fake PagerDuty; returns a function that stops it."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, payload = pagerduty.handle(self.path, raw)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    pagerduty.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop
