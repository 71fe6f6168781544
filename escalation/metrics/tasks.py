"""Periodic work of the metrics (declared in core.schedules)."""

from .rollup import refresh_rollups


def refresh_metrics_rollups() -> int:
    """Keep the dashboard's daily rollups built and fresh; returns the rows written."""
    return refresh_rollups()
