"""The seed's own database connection, tuned while it loads and its statistics refreshed
after.

Apart from the planners because it is about the database, not the demo: on SQLite the
seed's connection stops waiting for the disk after each batch (`synchronous=OFF`) and
keeps more pages in memory, and both settings go back to what they were when the seed
ends, so the web process sharing the file is untouched. A crash mid-seed can at worst
lose the last batches (demo data, topped up again by the next run). `analyze` gives the
query planner statistics of the new volume (SQLite has none until then and picks poor
indexes at 100,000 tickets; PostgreSQL's autovacuum would only get there later).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# While seeding: about 128 MiB of page cache (negative: KiB), so the tickets' indexes
# stay in memory instead of going back to the file page by page.
SEED_PRAGMAS = {"synchronous": "OFF", "cache_size": "-131072"}


@contextmanager
def loading() -> Iterator[None]:
    """SQLite tuned for bulk loading on this connection while the block runs; no change
    inside a surrounding transaction (SQLite refuses some settings there) or elsewhere."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in SEED_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def analyze() -> None:
    """Refresh the planner's statistics (`ANALYZE` on SQLite and PostgreSQL alike)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
