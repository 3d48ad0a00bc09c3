"""Reading a scenario's lines back: from the offsets noted before the scenario, until every expected line has
arrived (then a short settle for trailing duplicates) or the deadline passes."""

from __future__ import annotations

import time
from collections.abc import Sequence

from logpipe.console import progress
from logpipe.faults.cluster import TopicPartitionOffsets
from logpipe.lab.reconcile import Arrival, Stream, reconcile

SETTLE_S = 5.0  # after the last expected line, keep reading this long: redelivered windows trail behind
# Give up early when nothing at all arrives for this long: longer than two of Filebeat's 30 s resend timeouts.
QUIET_S = 90.0


def collect(bootstrap: str, since: TopicPartitionOffsets, streams: Sequence[Stream], timeout: float,
            settle_s: float = SETTLE_S, quiet_s: float = QUIET_S) -> list[Arrival]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False,
                             fetch_max_bytes=16 << 20, max_partition_fetch_bytes=4 << 20)
    try:
        parts = [TopicPartition(t, p) for (t, p) in sorted(since)]
        consumer.assign(parts)
        for tp in parts:
            consumer.seek(tp, since[(tp.topic, tp.partition)])
        arrivals: list[Arrival] = []
        deadline = time.monotonic() + timeout
        complete_at: float | None = None
        next_check, last_new = 0.0, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last_new < quiet_s:
            for records in consumer.poll(timeout_ms=1000, max_records=20000).values():
                arrivals.extend(Arrival(r.topic, r.value, r.timestamp, tuple(r.headers or ())) for r in records)
                last_new = time.monotonic()
            if complete_at is None and time.monotonic() >= next_check:
                next_check = time.monotonic() + 2
                if all(r.lost <= 0 for r in reconcile(streams, arrivals).values()):
                    complete_at = time.monotonic()
            if complete_at is not None and time.monotonic() - complete_at >= settle_s:
                break
        if complete_at is None:
            progress(f"collect: gave up with lines still missing (deadline {timeout:.0f}s, quiet {quiet_s:.0f}s)")
        return arrivals
    finally:
        consumer.close()
