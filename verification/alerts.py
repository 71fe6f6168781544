"""Where this app's alerts go, without it importing the contact directory.

A locked request alerts security and a high-risk one asks a department for approval; a
department's address is the directory's business (`contacts`), which sits beside this app
in the layers, not below it. So the address lookup is registered at start-up by the code
that wires the apps together (an AppConfig.ready()), as `sla.registry` does for timers.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

AddressLookup = Callable[[str], str | None]
_lookups: dict[str, AddressLookup] = {}


def register_department_address(lookup: AddressLookup) -> AddressLookup:
    """Use `lookup(department_code)` (an email address, or None) for every alert."""
    _lookups["department"] = lookup
    return lookup


def department_address(code: str) -> str | None:
    """The address of the department with this code, or None (then no alert is queued)."""
    lookup = _lookups.get("department")
    if lookup is None:
        logger.error("no department address lookup registered: alert to %s not queued", code)
        return None
    return lookup(code)
