"""The generated security tests report how much they tried at the end of the run."""

from collections import Counter

TRIED: Counter = Counter()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if TRIED:
        parts = ", ".join(f"{n} {what}" for what, n in sorted(TRIED.items()))
        terminalreporter.write_line(f"security tests tried: {parts}")
