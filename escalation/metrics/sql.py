"""Time arithmetic that runs natively in the database (SQLite and PostgreSQL).

Django's datetime subtraction on SQLite calls a Python function per row, which costs
seconds at 100,000 rows; julianday() and EXTRACT(EPOCH) are built in. The hot figures
read stored durations instead (Ticket.escalated_after, Escalation.time_at_tier, ...).
"""

from datetime import datetime, timedelta

from django.db.models import Case, DateField, Field, FloatField, Func, IntegerField, Q, Value, When


class SecondsBetween(Func):
    """end - start in seconds (float); SQLite keeps milliseconds, so round to them."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)",
            arg_joiner=" - ",
            **extra,
        )


class DurationSeconds(Func):
    """A duration column as seconds (SQLite stores microseconds; PostgreSQL an interval)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s / 1000000.0)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)",
            **extra,
        )


def as_duration(value) -> timedelta | None:
    """An average as a duration: from a duration column already one, from seconds not."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=float(value))


def bucket(field: str, edges: list[datetime], labels: list | None = None):
    """The index of the [edges[i], edges[i+1]) interval `field` falls in: day or week
    numbers computed in SQL with local midnights as edges (no per-row time zone calls),
    as a binary search so a row costs log2(intervals) comparisons, not one per interval.
    Rows are expected inside [edges[0], edges[-1]). With `labels` (one per interval, e.g.
    its date) the label is returned instead of the index."""
    output: Field = IntegerField() if labels is None else DateField()

    def search(lo: int, hi: int):  # the interval is one of lo..hi-1
        if hi - lo == 1:
            return Value(lo) if labels is None else Value(labels[lo], output_field=output)
        mid = (lo + hi) // 2
        return Case(
            When(Q(**{f"{field}__lt": edges[mid]}), then=search(lo, mid)),
            default=search(mid, hi),
            output_field=output,
        )

    return search(0, len(edges) - 1)
