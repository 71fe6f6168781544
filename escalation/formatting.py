"""Kept only for `escalation.admin`, which still imports `span` from here: use
`core.formatting.duration_text` (the same default style) and delete this module."""

from core.formatting import duration_text as span  # noqa: F401
