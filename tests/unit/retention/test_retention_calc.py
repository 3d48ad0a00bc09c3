"""Per-topic settings: retention.bytes per partition from the age goal, segment sizing, the age overshoot bound and
the peak one replica can reach."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logpipe.errors import LogpipeError
from logpipe.retention import Settings, Topic, TopicClass, peak_disk_bytes, peak_log_bytes, topic_retention

MiB = 1024**2
GiB = 1024**3
DAY = 86_400_000

ACCESS = TopicClass("access", age_ms=7 * DAY, priority=2)


def topic(partitions: int = 12, ingest: float = 20 * MiB, ratio: float = 4.0) -> Topic:
    return Topic("access", "access", partitions, 3, ingest, ratio)


def test_retention_bytes_covers_the_age_at_the_rate_margin_per_partition() -> None:
    settings = Settings(rate_margin=1.25)
    entry = topic_retention(topic(), ACCESS, settings)
    per_partition = 20 * MiB / 4 / 12
    assert entry.stored_bytes_per_s == pytest.approx(per_partition)
    assert entry.retention_bytes == math.ceil(per_partition * 1.25 * 7 * 86_400)
    assert entry.retention_ms == 7 * DAY


def test_doubling_partitions_halves_retention_bytes_per_partition() -> None:
    twelve = topic_retention(topic(12), ACCESS, Settings())
    twenty_four = topic_retention(topic(24), ACCESS, Settings())
    assert twenty_four.retention_bytes == pytest.approx(twelve.retention_bytes / 2, abs=1)


def test_segment_bytes_is_a_twentieth_of_retention_in_whole_mib_within_kafka_limits() -> None:
    small = topic_retention(topic(ingest=1024), ACCESS, Settings())
    assert small.segment_bytes == MiB  # Kafka 4 refuses segment.bytes below 1 MiB
    assert small.retention_bytes >= small.segment_bytes
    big = topic_retention(topic(), ACCESS, Settings())
    assert big.segment_bytes == GiB
    middle = topic_retention(topic(ingest=20 * MiB / 4000), ACCESS, Settings())
    expected = middle.retention_bytes // 20 // MiB * MiB
    assert middle.segment_bytes == expected and MiB < expected < GiB


def test_segment_ms_keeps_the_overshoot_within_five_percent_plus_five_minutes() -> None:
    entry = topic_retention(topic(), ACCESS, Settings())
    # The 5 min floor pays for the 5 min check interval; segment.ms also leaves room for a check 30 s late.
    assert entry.segment_ms == int(0.05 * 7 * DAY) - 30_000
    assert entry.age_overshoot_ms == entry.segment_ms + 300_000 + 30_000 == int(0.05 * 7 * DAY) + 300_000
    assert entry.disk_release_ms == entry.age_overshoot_ms + 60_000


@given(
    age_ms=st.integers(min_value=3_600_000, max_value=400 * DAY),
    interval_ms=st.integers(min_value=1_000, max_value=300_000),
    create_time=st.booleans(),
)
def test_overshoot_bound_holds_for_any_age(age_ms: int, interval_ms: int, create_time: bool) -> None:
    settings = Settings(retention_check_interval_ms=interval_ms)
    topic_class = TopicClass("c", age_ms, 1, timestamp_type="CreateTime" if create_time else "LogAppendTime")
    entry = topic_retention(Topic("t", "c", 3, 3, 1e6), topic_class, settings)
    assert entry.age_overshoot_ms <= 0.05 * age_ms + 300_000
    assert 1000 <= entry.segment_ms <= settings.max_segment_ms
    assert entry.peak_log_bytes > entry.retention_bytes + entry.segment_bytes


def test_create_time_pays_for_future_timestamps_and_caps_them() -> None:
    topic_class = TopicClass("access", 7 * DAY, 2, timestamp_type="CreateTime")
    entry = topic_retention(topic(), topic_class, Settings(future_skew_ms=60_000))
    log_append = topic_retention(topic(), ACCESS, Settings(future_skew_ms=60_000))
    assert entry.segment_ms == log_append.segment_ms - 60_000
    assert entry.kafka_config()["message.timestamp.after.max.ms"] == "60000"
    assert entry.kafka_config()["message.timestamp.type"] == "CreateTime"
    assert "message.timestamp.after.max.ms" not in log_append.kafka_config()


def test_short_age_with_a_long_check_interval_is_refused_naming_the_class() -> None:
    settings = Settings(overshoot_fraction=0.05, overshoot_floor_ms=0, retention_check_interval_ms=300_000)
    with pytest.raises(
        LogpipeError,
        match=r"class 'access': an age of 1h allows 3m of overshoot.*check interval and its lateness \(5m 30s\)",
    ):
        topic_retention(topic(), TopicClass("access", 3_600_000, 1), settings)


def test_peaks_follow_the_model() -> None:
    settings = Settings(retention_check_interval_ms=2_000, retention_check_lateness_ms=500, file_delete_delay_ms=1_000)
    rate = 1_000_000.0
    assert peak_log_bytes(32 * MiB, MiB, rate, settings) == 33 * MiB + 2_500_000
    disk = peak_disk_bytes(32 * MiB, MiB, rate, settings)
    log_and_lingering = 33 * MiB + 3_500_000
    indexes = settings.index_bytes_per_log_byte * log_and_lingering + 2 * settings.segment_index_bytes
    assert disk == math.ceil(log_and_lingering + indexes)


def test_budget_peak_uses_the_rate_margin() -> None:
    settings = Settings(rate_margin=2.0)
    entry = topic_retention(topic(), ACCESS, settings)
    expected = peak_disk_bytes(entry.retention_bytes, entry.segment_bytes, entry.stored_bytes_per_s * 2, settings)
    assert entry.peak_disk_bytes == expected


def test_kafka_config_is_strings_sorted_by_key() -> None:
    config = topic_retention(topic(), ACCESS, Settings()).kafka_config()
    assert list(config) == sorted(config)
    assert all(isinstance(v, str) for v in config.values())
    assert config["cleanup.policy"] == "delete"
    assert {"retention.ms", "retention.bytes", "segment.bytes", "segment.ms"} <= set(config)


def test_degraded_age_is_reported() -> None:
    entry = topic_retention(topic(), ACCESS, Settings(), retention_ms=3 * DAY)
    assert entry.degraded and entry.retention_ms == 3 * DAY and entry.age_goal_ms == 7 * DAY
    assert entry.kafka_config()["retention.ms"] == str(3 * DAY)
