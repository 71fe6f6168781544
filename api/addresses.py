"""Where a webhook may be sent: a public http(s) address, never this machine, the private
network or the cloud metadata service (server-side request forgery), unless the setting
WEBHOOK_ALLOW_PRIVATE says this deployment wants it (tests, a one-machine setup)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def address_refusal(url: str) -> str | None:
    """Why `url` may not receive webhooks, or None. Resolves the host: a name pointing at
    a private address is refused like the address itself."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Give an http(s) address with a host name."
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return f"The host {parts.hostname} cannot be resolved."
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"{parts.hostname} is a private or local address; webhooks go to public hosts."
    return None
