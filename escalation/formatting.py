"""How durations read on pages (admin and desk share it)."""


def span(delta) -> str:
    """A duration as its two largest non-zero units: '2 d 3 h', '3 h', '45 min'."""
    if delta is None:
        return "-"
    minutes = int(abs(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return " ".join(parts[:2]) or "0 min"
