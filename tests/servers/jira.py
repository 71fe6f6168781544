"""A real HTTP server on 127.0.0.1 playing Jira's REST API for the issue calls we make:
POST /rest/api/2/issue answers 201 with the new issue's id, key and self link (or the
statuses a test chooses first, e.g. 503 while "Jira is down"). It records each request
with its body and the basic-auth credentials it carried."""

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Call:
    method: str
    path: str
    body: dict
    auth: tuple[str, str] | None  # (email, token) from the Basic Authorization header


@dataclass
class FakeJira:
    project: str = "OPS"
    answers: list[int] = field(default_factory=list)  # then 201 for the rest
    calls: list[Call] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # issue keys, in order
    url: str = ""

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes):
        auth = None
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            email, _, token = base64.b64decode(value).decode().partition(":")
            auth = (email, token)
        body = json.loads(raw) if raw else {}
        self.calls.append(Call(method, path, body, auth))
        if (method, path) != ("POST", "/rest/api/2/issue"):
            return 404, {"errorMessages": ["Not found in this fake Jira."]}
        if self.answers:
            return self.answers.pop(0), {"errorMessages": ["Service unavailable"]}
        issue_id = str(10000 + len(self.created) + 1)
        key = f"{self.project}-{len(self.created) + 1}"
        self.created.append(key)
        return 201, {"id": issue_id, "key": key, "self": f"{self.url}/rest/api/2/issue/{issue_id}"}


def serve(jira: FakeJira):
    """Start the fake Jira; returns a function that stops it."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload = jira.handle(self.command, self.path, headers, raw)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer  # noqa: N815 - the http.server API

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    jira.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop
