"""The lab fixture (tests/support/lab_fixture.py) is defined here, once for the whole session: tests/lab and
tests/faults share one lab. Defined in each folder's conftest, it was two fixtures, and the second brought the
running lab up again (a whole `logpipe lab up`)."""

from tests.support.lab_fixture import lab

__all__ = ["lab"]
