"""Accounting of a fault scenario: totals, catch-up time after the heal, the oversized line's outcome."""

from __future__ import annotations

import json

from logpipe.faults.file_scenarios import first_line_intact, oversized_outcome
from logpipe.faults.measure import ScenarioResult, catch_up_seconds, format_summary, seen_seqs, totals
from logpipe.lab.reconcile import Arrival, Stream, make_line, reconcile

STREAM = Stream("p1", "/a.log", "t", 4)


def arrival(seq: int, written: int, at: int, topic: str = "t") -> Arrival:
    return Arrival(topic, make_line("p1", "/a.log", seq, written).encode(), at)


def test_catch_up_is_the_last_pre_heal_line_arriving_after_the_heal():
    arrivals = [arrival(0, 1000, 1100), arrival(1, 2000, 9000), arrival(2, 6000, 6100), arrival(3, 8000, 8100)]
    # lines 0..2 were written before the heal at 5000 ms... no: 0 and 1; line 1 arrived at 9000
    assert catch_up_seconds([STREAM], arrivals, healed_ms=5000) == 4.0


def test_catch_up_counts_the_first_copy_and_is_zero_when_nothing_waited():
    arrivals = [arrival(0, 1000, 1100), arrival(0, 1000, 7000), arrival(1, 1500, 1600)]
    assert catch_up_seconds([STREAM], arrivals, healed_ms=5000) == 0.0


def test_catch_up_is_unknown_when_a_pre_heal_line_never_arrived():
    arrivals = [arrival(0, 1000, 1100), arrival(2, 3000, 5200)]  # line 1 (written before seq 2) is missing
    assert catch_up_seconds([STREAM], arrivals, healed_ms=5000) is None


def test_totals_and_summary():
    arrivals = [arrival(0, 1, 2), arrival(1, 1, 2), arrival(1, 1, 2), arrival(3, 1, 2)]
    result = totals(ScenarioResult("4", "leader kills", recovery_s=1.5, wall_s=30), reconcile([STREAM], arrivals))
    assert (result.sent, result.received, result.lost, result.duplicated) == (4, 3, 1, 1)
    assert seen_seqs(arrivals, "p1", "/a.log") == {0, 1, 3}
    line = format_summary([result]).splitlines()[1]
    assert line.split()[:6] == ["4", "4", "3", "1", "1", "1.5"]


def test_oversized_outcomes():
    dead = Arrival("dlq", b'{"message":"p1|oversized-1|0|5|yyy', 1, (("logpipe-reason", b"oversized"),))
    assert oversized_outcome([dead], b"oversized-1", "t", "dlq") == "dead-lettered: oversized"
    flagged = Arrival("t", b'{"message":"p1|oversized-1|0|5|y","log":{"flags":["truncated"]}}', 1)
    assert oversized_outcome([flagged], b"oversized-1", "t", "dlq") == "delivered truncated"
    assert oversized_outcome([dead], b"oversized-2", "t", "dlq") == "missing"


def test_first_line_intact_needs_the_whole_line():
    whole = json.dumps({"message": make_line("p1", "/a.log", 7, 5)}).encode()
    tail = json.dumps({"message": make_line("p1", "/a.log", 7, 5)[:150]}).encode()
    assert first_line_intact([Arrival("t", whole, 1)], "p1", "/a.log", 7)
    assert not first_line_intact([Arrival("t", tail, 1)], "p1", "/a.log", 7)
    assert not first_line_intact([Arrival("t", whole, 1)], "p1", "/a.log", 8)
