"""Per-topic retention and segment settings from an age goal, and the peak disk one partition replica can reach.

The model of Kafka's deletion (see docs/retention.md for the derivation):
- Only closed segments are deleted. After a size check, a partition holds less than retention.bytes plus one
  segment (the check deletes the oldest segment only while what remains is still at least retention.bytes).
  Between checks it grows by rate x (check interval + how late a check may run), and deleted files linger
  file.delete.delay.ms. So the log peaks at retention.bytes + segment.bytes + rate x (interval + lateness), and
  the disk at that plus rate x delete delay, plus index files.
- A segment is deleted by time once its newest record is older than retention.ms; its oldest record is up to
  segment.ms older, and the check runs every interval (maybe late). So the oldest data outlives retention.ms by at
  most segment.ms + check interval + lateness (+ the allowed future timestamp skew for CreateTime topics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from logpipe.errors import LogpipeError
from logpipe.retention.model import MiB, Settings, Topic, TopicClass
from logpipe.units import format_duration


@dataclass(frozen=True)
class TopicRetention:
    """The settings for one topic and what they cost per partition replica."""

    topic: str
    topic_class: str
    partitions: int
    replication_factor: int
    stored_bytes_per_s: float  # per partition, expected
    age_goal_ms: int  # the class goal
    retention_ms: int  # may be below the goal when degraded
    retention_bytes: int  # per partition
    segment_bytes: int
    segment_ms: int
    timestamp_type: str
    future_skew_ms: int  # message.timestamp.after.max.ms; 0 for LogAppendTime
    file_delete_delay_ms: int
    peak_log_bytes: int  # per partition replica, as the admin API reports log size
    peak_disk_bytes: int  # per partition replica, with lingering deleted files and indexes
    age_overshoot_ms: int  # bound on how long data outlives retention.ms
    disk_release_ms: int  # bound on how long after retention.ms its bytes leave the disk

    @property
    def degraded(self) -> bool:
        return self.retention_ms < self.age_goal_ms

    def kafka_config(self) -> dict[str, str]:
        """Topic configs as Kafka takes them (all values strings), sorted by key."""
        config = {
            "cleanup.policy": "delete",
            "file.delete.delay.ms": str(self.file_delete_delay_ms),
            "message.timestamp.type": self.timestamp_type,
            "retention.bytes": str(self.retention_bytes),
            "retention.ms": str(self.retention_ms),
            "segment.bytes": str(self.segment_bytes),
            "segment.ms": str(self.segment_ms),
        }
        if self.timestamp_type == "CreateTime":
            config["message.timestamp.after.max.ms"] = str(self.future_skew_ms)
        return dict(sorted(config.items()))


def segment_bytes_for(retention_bytes: int, settings: Settings) -> int:
    """About 1/segments_per_retention of retention.bytes, whole MiB, within [min, max] segment bytes."""
    target = (retention_bytes // settings.segments_per_retention) // MiB * MiB
    return max(settings.min_segment_bytes, min(settings.max_segment_bytes, target))


def segment_ms_for(topic_class: TopicClass, retention_ms: int, settings: Settings) -> int:
    """The longest segment.ms that keeps the age overshoot within overshoot_fraction x retention.ms + floor."""
    allowed = settings.overshoot_fraction * retention_ms + settings.overshoot_floor_ms
    skew = settings.future_skew_ms if topic_class.timestamp_type == "CreateTime" else 0
    check = settings.retention_check_interval_ms + settings.retention_check_lateness_ms
    segment_ms = int(math.floor(allowed)) - check - skew
    if segment_ms < 1000:
        raise LogpipeError(
            f"class {topic_class.name!r}: an age of {format_duration(retention_ms)} allows "
            f"{format_duration(allowed)} of overshoot, but the retention check interval and its lateness "
            f"({format_duration(check)})"
            + (f" and the future timestamp skew ({format_duration(skew)})" if skew else "")
            + " leave less than 1s for segment.ms; lower log.retention.check.interval.ms or lengthen the age"
        )
    return min(segment_ms, settings.max_segment_ms)


def peak_log_bytes(retention_bytes: int, segment_bytes: int, rate: float, settings: Settings) -> int:
    """Largest log size of one partition replica (as describe_log_dirs reports it) at `rate` bytes/s."""
    growth = rate * (settings.retention_check_interval_ms + settings.retention_check_lateness_ms) / 1000
    return int(math.ceil(retention_bytes + segment_bytes + growth))


def peak_disk_bytes(retention_bytes: int, segment_bytes: int, rate: float, settings: Settings) -> int:
    """Largest disk use of one partition replica: the log peak, deleted files not yet removed, and indexes."""
    log_peak = peak_log_bytes(retention_bytes, segment_bytes, rate, settings)
    lingering = rate * settings.file_delete_delay_ms / 1000
    indexes = settings.index_bytes_per_log_byte * (log_peak + lingering) + 2 * settings.segment_index_bytes
    return int(math.ceil(log_peak + lingering + indexes))


def topic_retention(
    topic: Topic, topic_class: TopicClass, settings: Settings, retention_ms: int | None = None
) -> TopicRetention:
    """Settings for `topic` keeping its class age (or `retention_ms` when degraded)."""
    if topic.topic_class != topic_class.name:
        raise LogpipeError(f"topics[{topic.name}].class is {topic.topic_class!r}, not {topic_class.name!r}")
    age = topic_class.age_ms if retention_ms is None else retention_ms
    rate = topic.stored_bytes_per_s_per_partition
    # Size covers the age goal even when the rate runs rate_margin above the expectation.
    by_age = int(math.ceil(rate * settings.rate_margin * age / 1000))
    retention_bytes = max(by_age, settings.min_segment_bytes)
    segment_bytes = segment_bytes_for(retention_bytes, settings)
    segment_ms = segment_ms_for(topic_class, age, settings)
    skew = settings.future_skew_ms if topic_class.timestamp_type == "CreateTime" else 0
    # The budget assumes the rate may reach the margin: that is where retention.bytes takes over.
    budget_rate = rate * settings.rate_margin
    overshoot = segment_ms + settings.retention_check_interval_ms + settings.retention_check_lateness_ms + skew
    return TopicRetention(
        topic=topic.name,
        topic_class=topic_class.name,
        partitions=topic.partitions,
        replication_factor=topic.replication_factor,
        stored_bytes_per_s=rate,
        age_goal_ms=topic_class.age_ms,
        retention_ms=age,
        retention_bytes=retention_bytes,
        segment_bytes=segment_bytes,
        segment_ms=segment_ms,
        timestamp_type=topic_class.timestamp_type,
        future_skew_ms=skew,
        file_delete_delay_ms=settings.file_delete_delay_ms,
        peak_log_bytes=peak_log_bytes(retention_bytes, segment_bytes, budget_rate, settings),
        peak_disk_bytes=peak_disk_bytes(retention_bytes, segment_bytes, budget_rate, settings),
        age_overshoot_ms=overshoot,
        disk_release_ms=overshoot + settings.file_delete_delay_ms,
    )
