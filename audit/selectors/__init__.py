"""The audit trail's reads, shared by the trail page, its export and each record's history."""

from .entries import Change, Entry, format_when, person, readable
from .sources import (
    ACCESS_LABEL,
    ACCESS_OBJECTS,
    EMPTY,
    HISTORY_KINDS,
    KIND_CHOICES,
    PAGE_SIZE,
    Cursor,
    Source,
    history_sources,
    model_choices,
)
from .stream import TrailFilters, TrailPage, iter_trail, trail_page

__all__ = [
    "ACCESS_LABEL",
    "ACCESS_OBJECTS",
    "EMPTY",
    "HISTORY_KINDS",
    "KIND_CHOICES",
    "PAGE_SIZE",
    "Change",
    "Cursor",
    "Entry",
    "Source",
    "TrailFilters",
    "TrailPage",
    "format_when",
    "history_sources",
    "iter_trail",
    "model_choices",
    "person",
    "readable",
    "trail_page",
]
