"""The session-wide lab fixture lives in tests/support/lab_fixture.py (shared with tests/faults)."""

from tests.support.lab_fixture import lab

__all__ = ["lab"]
