"""Retention on a real Kafka broker: the computed settings hold the disk at the projection and delete on time.

A one-broker KRaft cluster from the artifact cache (tests/support/local_kafka.py), with a 2 s retention check, runs
two topics whose configs come from `logpipe.retention.plan` for lab-sized classes:
- `rt-burst` (2 partitions) declared at 0.2 MiB/s. It is first filled fast until both partitions hit
  retention.bytes, then produced at a steady 0.6 MiB/s: three times the declared rate, past the rate margin, so
  retention.bytes decides. Sampling log-dir sizes through the admin API (describe_log_dirs) in the steady phase,
  the measured peak per partition must stay under the projection (retention.bytes + one segment + rate x (check
  interval + lateness)) and come within 5% of it.
- `rt-age` (1 partition) produced at its declared rate, so time decides: no record may be seen alive later than
  its append time + retention.ms + the computed overshoot bound (segment.ms + check interval + lateness), and none
  may go before it is retention.ms old.
The test prints projected vs measured. It fails (never skips) when Kafka cannot start.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from confluent_kafka import TIMESTAMP_LOG_APPEND_TIME, Producer
from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import NewTopic, OffsetSpec

from logpipe.retention import (
    Broker,
    BudgetInputs,
    Disk,
    Settings,
    Topic,
    TopicClass,
    peak_log_bytes,
    plan,
)
from logpipe.retention.topics import kafka_topic_entries
from logpipe.units import format_bytes

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from tests.support.local_kafka import local_kafka  # noqa: E402

MiB = 1024**2
CHECK_INTERVAL_MS = 2_000
# This lab shares two cores with other jobs: a retention pass may run up to a whole interval late.
CHECK_LATENESS_MS = 2_000
RECORD_BYTES = 16 * 1024
SAMPLE_EVERY_S = 0.2
FILL_RATE = 4 * MiB  # rt-burst, whole topic, until both partitions reach retention.bytes
BURST_RATE = 6 * MiB // 10  # rt-burst steady, whole topic: 3x its declared 0.2 MiB/s
AGE_RATE = MiB // 4  # rt-age, as declared
OBSERVE_CYCLES = 12  # size deletions per rt-burst partition to watch in the steady phase
MIN_PRODUCE_S = 60  # long enough for rt-age records to pass retention.ms + the overshoot bound
MAX_PRODUCE_S = 150

LAB_SETTINGS = Settings(
    retention_check_interval_ms=CHECK_INTERVAL_MS,
    retention_check_lateness_ms=CHECK_LATENESS_MS,
    file_delete_delay_ms=1_000,
    overshoot_fraction=0.05,
    overshoot_floor_ms=10_000,
)
# burst: 0.1 MiB/s per partition x rate margin 1.25 x 192 s = 24 MiB per partition (segment.bytes 1 MiB).
CLASSES = (TopicClass("burst", 192_000, 2), TopicClass("short", 30_000, 1))
TOPICS = (
    Topic("rt-burst", "burst", 2, 1, MiB / 5, 1.0),
    Topic("rt-age", "short", 1, 1, float(AGE_RATE), 1.0),
)


@dataclass
class Producing:
    """Paced producers for both topics in a background thread; rt-age append times by offset."""

    bootstrap: str
    stop: threading.Event = field(default_factory=threading.Event)
    steady: threading.Event = field(default_factory=threading.Event)
    appended: dict[int, int] = field(default_factory=dict)  # rt-age offset -> LogAppendTime (ms)
    steady_bytes: int = 0  # rt-burst bytes produced in the steady phase
    steady_seconds: float = 0.0
    errors: list[BaseException] = field(default_factory=list)

    def run(self) -> None:
        # librdkafka (confluent-kafka): pacing a few MiB/s must not depend on a busy Python interpreter.
        producer = Producer(
            {"bootstrap.servers": self.bootstrap, "acks": "all", "linger.ms": 20, "compression.type": "none"}
        )
        payload = os.urandom(RECORD_BYTES)
        rates = {"rt-burst": FILL_RATE, "rt-age": AGE_RATE}
        credit = dict.fromkeys(rates, 0.0)
        last = time.monotonic()
        steady_since = None
        turn = 0
        try:
            while not self.stop.is_set():
                now = time.monotonic()
                elapsed = min(now - last, 0.1)  # no catch-up bursts after a stall
                last = now
                if steady_since is None and self.steady.is_set():
                    steady_since, rates["rt-burst"], credit["rt-burst"] = now, BURST_RATE, 0.0
                for topic, rate in rates.items():
                    credit[topic] += rate * elapsed
                    while credit[topic] >= RECORD_BYTES:
                        credit[topic] -= RECORD_BYTES
                        if topic == "rt-burst":
                            producer.produce(topic, payload, partition=turn % 2, on_delivery=self._delivered)
                            turn += 1
                            self.steady_bytes += RECORD_BYTES if steady_since is not None else 0
                        else:
                            producer.produce(topic, payload, partition=0, on_delivery=self._appended)
                producer.poll(0.02)
            if steady_since is not None:
                self.steady_seconds = time.monotonic() - steady_since
            if producer.flush(30) > 0:
                raise RuntimeError("records still unacknowledged 30s after the producer stopped")
        except BaseException as exc:  # reported by the test thread
            self.errors.append(exc)

    def _delivered(self, error, message) -> None:
        if error is not None:
            self.errors.append(RuntimeError(f"delivery to {message.topic()}-{message.partition()} failed: {error}"))

    def _appended(self, error, message) -> None:
        self._delivered(error, message)
        if error is None:
            kind, timestamp = message.timestamp()
            if kind != TIMESTAMP_LOG_APPEND_TIME:
                self.errors.append(RuntimeError(f"rt-age timestamps are not LogAppendTime (type {kind})"))
            self.appended[message.offset()] = timestamp


@dataclass(frozen=True)
class Sample:
    """Wall-clock stamps (the clock LogAppendTime uses) around the log-start query: the broker answered between
    them, so `asked_ms` under-estimates when a record was seen alive and `at_ms` over-estimates when it was gone."""

    asked_ms: int
    at_ms: int
    sizes: dict[tuple[str, int], int]
    age_log_start: int


def take_sample(admin: KafkaAdminClient) -> Sample:
    asked_ms = int(time.time() * 1000)
    sizes: dict[tuple[str, int], int] = {}
    for broker in admin.describe_log_dirs(["rt-burst", "rt-age"]):
        for log_dir in broker["log_dirs"]:
            for topic in log_dir["topics"]:
                for partition in topic["partitions"]:
                    key = (topic["name"], partition["partition_index"])
                    sizes[key] = sizes.get(key, 0) + partition["partition_size"]
    start = admin.list_partition_offsets({TopicPartition("rt-age", 0): OffsetSpec.EARLIEST})
    at_ms = int(time.time() * 1000)
    return Sample(asked_ms, at_ms, sizes, start[TopicPartition("rt-age", 0)].offset)


def size_deletions(samples: list[Sample], key: tuple[str, int]) -> int:
    """How many times the partition shrank between samples (each is a retention check deleting segments)."""
    return sum(1 for a, b in zip(samples, samples[1:], strict=False) if b.sizes.get(key, 0) < a.sizes.get(key, 0))


@pytest.mark.kafka
def test_computed_retention_holds_the_projection_and_deletes_on_time() -> None:
    overrides = {"log.retention.check.interval.ms": str(CHECK_INTERVAL_MS), "log.initial.task.delay.ms": "0"}
    began = time.monotonic()
    with local_kafka(overrides=overrides) as bootstrap:
        print(f"\nlocal Kafka ready after {time.monotonic() - began:.0f}s")
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15_000)
        try:
            capacity = admin.describe_log_dirs()[0]["log_dirs"][0]["total_bytes"]
            placement = {1: (("rt-age", 0), ("rt-burst", 0), ("rt-burst", 1))}
            inputs = BudgetInputs((Broker(1, (Disk("data", capacity),)),), CLASSES, TOPICS, placement, LAB_SETTINGS)
            result = plan(inputs)
            entries = kafka_topic_entries(result)
            admin.create_topics(
                [
                    NewTopic(e["name"], e["partitions"], e["replication_factor"], topic_configs=e["config"])
                    for e in entries
                ]
            )
            admin.wait_for_topics(["rt-burst", "rt-age"], timeout_ms=60_000)
            samples, steady, producing = observe(admin, bootstrap)
        finally:
            admin.close()
    report_and_assert(result, samples, steady, producing)


def observe(admin: KafkaAdminClient, bootstrap: str) -> tuple[list[Sample], list[Sample], Producing]:
    """All samples, the steady-phase samples (after the fill and a settling time), and the producer's record."""
    producing = Producing(bootstrap)
    thread = threading.Thread(target=producing.run, name="retention-producer", daemon=True)
    thread.start()
    began = time.monotonic()
    samples: list[Sample] = []
    steady: list[Sample] = []
    settled_ms = None
    partitions = [("rt-burst", 0), ("rt-burst", 1)]
    try:
        while time.monotonic() - began < MAX_PRODUCE_S and not producing.errors:
            samples.append(take_sample(admin))
            if settled_ms is None and all(size_deletions(samples, key) > 0 for key in partitions):
                producing.steady.set()
                # Skip two checks' worth of time so no peak still holds data from the fast fill.
                settled_ms = samples[-1].at_ms + 2 * (CHECK_INTERVAL_MS + CHECK_LATENESS_MS)
            if settled_ms is not None and samples[-1].asked_ms >= settled_ms:
                steady.append(samples[-1])
            cycles = min(size_deletions(steady, key) for key in partitions)
            if cycles >= OBSERVE_CYCLES and time.monotonic() - began >= MIN_PRODUCE_S:
                break
            time.sleep(SAMPLE_EVERY_S)
    finally:
        producing.stop.set()
        thread.join(timeout=60)
    assert not producing.errors, f"producer failed: {producing.errors[0]!r}"
    assert not thread.is_alive(), "the producer thread did not stop"
    cycles = min(size_deletions(steady, key) for key in partitions)
    assert cycles >= OBSERVE_CYCLES, (
        f"rt-burst saw {cycles} size deletions in the steady phase within {MAX_PRODUCE_S}s, expected {OBSERVE_CYCLES}"
        f" (filled: {settled_ms is not None})"
    )
    return samples, steady, producing


def report_and_assert(result, samples: list[Sample], steady: list[Sample], producing: Producing) -> None:
    settings = result.settings
    burst, age = result.topic("rt-burst"), result.topic("rt-age")
    produced_rate = producing.steady_bytes / max(producing.steady_seconds, 1e-9)
    per_partition_rate = BURST_RATE / 2
    projected = peak_log_bytes(burst.retention_bytes, burst.segment_bytes, per_partition_rate, settings)
    lines = [
        "",
        f"rt-burst: retention.bytes {format_bytes(burst.retention_bytes)}, segment.bytes "
        f"{format_bytes(burst.segment_bytes)}, check interval {CHECK_INTERVAL_MS} ms (+{CHECK_LATENESS_MS} ms "
        f"lateness); steady phase {format_bytes(produced_rate)}/s (target {format_bytes(BURST_RATE)}/s) for "
        f"{producing.steady_seconds:.0f}s, {len(steady)} samples",
    ]
    ratios = []
    for partition in (0, 1):
        measured = max(s.sizes.get(("rt-burst", partition), 0) for s in steady)
        ratios.append(measured / projected)
        lines.append(
            f"  rt-burst-{partition}: projected peak {format_bytes(projected)} ({projected} B), measured "
            f"{format_bytes(measured)} ({measured} B), measured/projected {measured / projected:.3f}"
        )
    broker_peak = max(s.sizes.get(("rt-burst", 0), 0) + s.sizes.get(("rt-burst", 1), 0) for s in steady)
    lines.append(
        f"  broker 1, rt-burst total: projected {format_bytes(2 * projected)}, measured {format_bytes(broker_peak)} "
        f"({broker_peak / (2 * projected):.3f})"
    )
    age_projected = peak_log_bytes(age.retention_bytes, age.segment_bytes, AGE_RATE, settings)
    age_measured = max(s.sizes.get(("rt-age", 0), 0) for s in samples)
    lines.append(
        f"rt-age: retention.ms {age.retention_ms}, segment.ms {age.segment_ms}; peak projected (size bound) "
        f"{format_bytes(age_projected)}, measured {format_bytes(age_measured)}"
    )
    lags = deletion_lags(samples, producing.appended, age.retention_ms)
    bound_ms = age.age_overshoot_ms
    lines.append(
        f"  deleted {lags.deleted} of {len(producing.appended)} records; age at deletion >= "
        f"{lags.min_age_at_deletion_ms / 1000:.1f}s (goal {age.retention_ms / 1000:.0f}s); deletion lag past "
        f"retention.ms <= {lags.max_lag_ms / 1000:.1f}s (first seen gone) / longest seen alive past it "
        f"{lags.max_alive_past_ms / 1000:.1f}s; computed bound {bound_ms / 1000:.1f}s"
    )
    print("\n".join(lines))

    assert all(r <= 1.0 for r in ratios), f"measured peak above the projection: {ratios}"
    assert all(r >= 0.95 for r in ratios), f"projection more than 5% above the measured peak: {ratios}"
    assert broker_peak <= 2 * projected
    assert age_measured <= age_projected
    assert lags.deleted > 0, "no rt-age record was deleted by time"
    assert lags.max_alive_past_ms <= bound_ms, (
        f"a record was still readable {lags.max_alive_past_ms} ms past retention.ms; bound {bound_ms} ms"
    )
    assert lags.min_age_at_deletion_ms >= age.retention_ms, "a record went before it was retention.ms old"
    overdue = [o for o, ts in producing.appended.items() if ts + age.retention_ms + bound_ms < samples[-1].at_ms]
    assert overdue and max(overdue) < samples[-1].age_log_start, "records past their window are still there"


@dataclass(frozen=True)
class Lags:
    deleted: int
    min_age_at_deletion_ms: int  # first sample that saw a record gone, minus its append time
    max_lag_ms: int  # the same, minus retention.ms: an upper estimate of the lag
    max_alive_past_ms: int  # the latest sample that still saw a record, past its append time + retention.ms


def deletion_lags(samples: list[Sample], appended: dict[int, int], retention_ms: int) -> Lags:
    min_age, max_lag, max_alive = 10**12, -(10**12), -(10**12)
    deleted = 0
    for offset, append_ms in appended.items():
        alive = [s.asked_ms for s in samples if s.age_log_start <= offset]
        gone = [s.at_ms for s in samples if s.age_log_start > offset]
        if alive:
            max_alive = max(max_alive, max(alive) - append_ms - retention_ms)
        if gone:
            deleted += 1
            first_gone = min(gone)
            min_age = min(min_age, first_gone - append_ms)
            max_lag = max(max_lag, first_gone - append_ms - retention_ms)
    return Lags(deleted, min_age, max_lag, max_alive)
