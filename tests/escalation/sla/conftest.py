from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla import services as sla

NY = ZoneInfo("America/New_York")


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


@pytest.fixture
def at():
    """Run a block at a frozen instant: `with at(ny(2026, 11, 2, 9)): ...`."""

    def travel(instant: datetime):
        return time_machine.travel(instant, tick=False)

    return travel


@pytest.fixture
def sweep_at(at):
    def run(instant: datetime) -> int:
        with at(instant):
            return sla.sweep()

    return run
