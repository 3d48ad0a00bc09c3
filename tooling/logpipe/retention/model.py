"""The plain-data inputs of the retention planner: brokers and their disks, topic classes, topics, the placement
(which partition replicas each broker hosts) and the settings that model how Kafka deletes data.

Everything here is a frozen dataclass of built-in types, so callers (the CLI, the Ansible filter, the placement
engineer's adapters) build inputs without depending on any other logpipe class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from logpipe.errors import LogpipeError

MiB = 1024**2
GiB = 1024**3

TIMESTAMP_TYPES = ("LogAppendTime", "CreateTime")

# A replica reference: (topic name, partition number).
Replica = tuple[str, int]
# broker id -> the replicas it hosts (leader or follower alike: each costs the same disk).
Placement = Mapping[int, Sequence[Replica]]


@dataclass(frozen=True)
class Disk:
    """One Kafka log directory and the capacity of the filesystem under it."""

    path: str
    capacity_bytes: int


@dataclass(frozen=True)
class Broker:
    id: int
    disks: tuple[Disk, ...]


@dataclass(frozen=True)
class TopicClass:
    """A retention class: how long its data must stay readable, and how important that is.

    priority: 1 is the most important; when asked to degrade, classes with the largest priority number are
    shortened first, never below min_age_ms. A class without min_age_ms is never shortened.
    """

    name: str
    age_ms: int
    priority: int
    min_age_ms: int | None = None
    timestamp_type: str = "LogAppendTime"

    @property
    def floor_ms(self) -> int:
        return self.age_ms if self.min_age_ms is None else self.min_age_ms


@dataclass(frozen=True)
class Topic:
    """A topic as the planner sees it. ingest_bytes_per_s is the uncompressed rate for the whole topic;
    compression_ratio is uncompressed / stored (4.0 means the broker stores a quarter of what is produced)."""

    name: str
    topic_class: str
    partitions: int
    replication_factor: int
    ingest_bytes_per_s: float
    compression_ratio: float = 1.0

    @property
    def stored_bytes_per_s_per_partition(self) -> float:
        return self.ingest_bytes_per_s / self.compression_ratio / self.partitions


@dataclass(frozen=True)
class Settings:
    """How Kafka behaves and how much room to keep. Defaults are Kafka's broker defaults where one exists."""

    # Fraction of each disk the peak footprint (plus the move reserve) may use.
    disk_headroom: float = 0.8
    # retention.bytes keeps the age goal at this multiple of the expected rate; above it, size wins.
    rate_margin: float = 1.25
    # Broker log.retention.check.interval.ms: how often deletion runs.
    retention_check_interval_ms: int = 300_000
    # How late a deletion pass may run past its interval: scheduler delay plus one pass over every partition.
    retention_check_lateness_ms: int = 30_000
    # Topic file.delete.delay.ms: how long a deleted segment's files stay on disk.
    file_delete_delay_ms: int = 60_000
    # Age overshoot allowed past retention.ms: fraction of retention.ms plus a floor.
    overshoot_fraction: float = 0.05
    overshoot_floor_ms: int = 300_000
    # For CreateTime classes: message.timestamp.after.max.ms (future timestamps delay time-based deletion).
    future_skew_ms: int = 60_000
    # Segment sizing: about this many segments per retention.bytes, clamped to Kafka's limits.
    segments_per_retention: int = 20
    min_segment_bytes: int = MiB
    max_segment_bytes: int = GiB
    max_segment_ms: int = 7 * 86_400_000
    # Index files: the active segment's offset and time indexes are preallocated to segment.index.bytes each;
    # closed segments keep about 20 bytes of index per index.interval.bytes (4096) of log.
    segment_index_bytes: int = 10 * MiB
    index_bytes_per_log_byte: float = 20 / 4096
    # Free room per disk for in-flight reassignments: this many copies of the largest partition in the cluster.
    move_reserve_partitions: int = 1
    # When goals do not fit: shorten classes by priority (down to their min_age) instead of failing.
    degrade: bool = False


@dataclass(frozen=True)
class BudgetInputs:
    """Everything one budget needs. `placement` must host every replica of every topic exactly once."""

    brokers: tuple[Broker, ...]
    classes: tuple[TopicClass, ...]
    topics: tuple[Topic, ...]
    placement: Mapping[int, tuple[Replica, ...]]
    settings: Settings = field(default_factory=Settings)

    def class_named(self, name: str) -> TopicClass:
        for topic_class in self.classes:
            if topic_class.name == name:
                return topic_class
        raise LogpipeError(f"no topic class named {name!r} (known: {', '.join(c.name for c in self.classes)})")

    def topic_named(self, name: str) -> Topic:
        for topic in self.topics:
            if topic.name == name:
                return topic
        raise LogpipeError(f"no topic named {name!r} in the retention inputs")


def validate(inputs: BudgetInputs) -> None:
    """Raise LogpipeError naming the first inconsistent field; return quietly when the inputs are coherent."""
    validate_definitions(inputs.settings, inputs.brokers, inputs.classes, inputs.topics)
    validate_placement(inputs.placement, inputs.brokers, inputs.topics)


def validate_definitions(
    settings: Settings, brokers: Sequence[Broker], classes: Sequence[TopicClass], topics: Sequence[Topic]
) -> None:
    """Everything but the placement (which may still have to be derived from these)."""
    _validate_settings(settings)
    _validate_brokers(brokers)
    _validate_classes(classes)
    _validate_topics(topics, {c.name for c in classes})


def _validate_settings(s: Settings) -> None:
    if not 0 < s.disk_headroom <= 1:
        raise LogpipeError(f"settings.disk_headroom must be in (0, 1], got {s.disk_headroom}")
    if s.rate_margin < 1:
        raise LogpipeError(f"settings.rate_margin must be at least 1, got {s.rate_margin}")
    for name in (
        "retention_check_interval_ms",
        "retention_check_lateness_ms",
        "overshoot_floor_ms",
        "file_delete_delay_ms",
        "future_skew_ms",
    ):
        if getattr(s, name) < 0:
            raise LogpipeError(f"settings.{name} must not be negative, got {getattr(s, name)}")
    if s.retention_check_interval_ms < 1:
        raise LogpipeError("settings.retention_check_interval_ms must be at least 1")
    if s.overshoot_fraction < 0:
        raise LogpipeError(f"settings.overshoot_fraction must not be negative, got {s.overshoot_fraction}")
    if s.segments_per_retention < 1:
        raise LogpipeError(f"settings.segments_per_retention must be at least 1, got {s.segments_per_retention}")
    if not 0 < s.min_segment_bytes <= s.max_segment_bytes:
        raise LogpipeError("settings.min_segment_bytes must be positive and at most settings.max_segment_bytes")
    if s.move_reserve_partitions < 0:
        raise LogpipeError(f"settings.move_reserve_partitions must not be negative, got {s.move_reserve_partitions}")


def _refuse_repeats(values: Sequence[object], message: str) -> None:
    """Raise LogpipeError(message with {value}) for the first value that appears twice."""
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise LogpipeError(message.format(value=value))
        seen.add(value)


def _validate_brokers(brokers: Sequence[Broker]) -> None:
    if not brokers:
        raise LogpipeError("brokers: at least one broker is needed")
    _refuse_repeats([b.id for b in brokers], "brokers: broker id {value} appears twice")
    for broker in brokers:
        if not broker.disks:
            raise LogpipeError(f"brokers[{broker.id}].disks: a broker needs at least one data disk")
        _refuse_repeats([d.path for d in broker.disks], f"brokers[{broker.id}].disks: path {{value}} appears twice")
        for disk in broker.disks:
            if disk.capacity_bytes <= 0:
                raise LogpipeError(f"brokers[{broker.id}].disks[{disk.path}].capacity must be positive")


def _validate_classes(classes: Sequence[TopicClass]) -> None:
    _refuse_repeats([c.name for c in classes], "classes: class {value!r} is defined twice")
    for topic_class in classes:
        where = f"classes[{topic_class.name}]"
        if topic_class.age_ms <= 0:
            raise LogpipeError(f"{where}.age must be positive")
        if topic_class.min_age_ms is not None and not 0 < topic_class.min_age_ms <= topic_class.age_ms:
            raise LogpipeError(f"{where}.min_age must be positive and at most its age")
        if topic_class.timestamp_type not in TIMESTAMP_TYPES:
            raise LogpipeError(
                f"{where}.timestamp_type must be one of {TIMESTAMP_TYPES}, got {topic_class.timestamp_type!r}"
            )


def _validate_topics(topics: Sequence[Topic], class_names: set[str]) -> None:
    _refuse_repeats([t.name for t in topics], "topics: topic {value!r} is listed twice")
    for topic in topics:
        where = f"topics[{topic.name}]"
        if topic.topic_class not in class_names:
            known = ", ".join(sorted(class_names))
            raise LogpipeError(f"{where}.class: unknown class {topic.topic_class!r} (known: {known})")
        if topic.partitions < 1:
            raise LogpipeError(f"{where}.partitions must be at least 1, got {topic.partitions}")
        if topic.replication_factor < 1:
            raise LogpipeError(f"{where}.replication_factor must be at least 1, got {topic.replication_factor}")
        if topic.ingest_bytes_per_s < 0:
            raise LogpipeError(f"{where}.ingest must not be negative")
        if topic.compression_ratio <= 0:
            raise LogpipeError(f"{where}.compression_ratio must be positive, got {topic.compression_ratio}")


def validate_placement(placement: Placement, brokers: Sequence[Broker], topics: Sequence[Topic]) -> None:
    """Every replica of every topic on exactly replication_factor distinct brokers, and nothing else."""
    broker_ids = {broker.id for broker in brokers}
    by_name = {topic.name: topic for topic in topics}
    counts: dict[Replica, int] = {}
    for broker_id, replicas in placement.items():
        if broker_id not in broker_ids:
            raise LogpipeError(f"placement: broker {broker_id} is not among the brokers ({sorted(broker_ids)})")
        if len(set(replicas)) != len(replicas):
            raise LogpipeError(f"placement: broker {broker_id} lists the same partition twice")
        for topic_name, partition in replicas:
            topic = by_name.get(topic_name)
            if topic is None:
                raise LogpipeError(f"placement: broker {broker_id} hosts {topic_name}-{partition}, an unknown topic")
            if not 0 <= partition < topic.partitions:
                raise LogpipeError(
                    f"placement: broker {broker_id} hosts {topic_name}-{partition}, "
                    f"but topic {topic_name!r} has partitions 0..{topic.partitions - 1}"
                )
            counts[(topic_name, partition)] = counts.get((topic_name, partition), 0) + 1
    for topic in topics:
        for partition in range(topic.partitions):
            found = counts.get((topic.name, partition), 0)
            if found != topic.replication_factor:
                raise LogpipeError(
                    f"placement: {topic.name}-{partition} has {found} replicas, "
                    f"topic {topic.name!r} has replication_factor {topic.replication_factor}"
                )


def normalise_placement(placement: Placement) -> dict[int, tuple[Replica, ...]]:
    """A placement with sorted broker ids and sorted replica lists (tuples), for deterministic output."""
    return {
        int(broker_id): tuple(sorted((str(t), int(p)) for t, p in replicas))
        for broker_id, replicas in sorted(placement.items())
    }


def even_placement(brokers: Sequence[Broker], topics: Sequence[Topic]) -> dict[int, tuple[Replica, ...]]:
    """An assumed placement when none is given: replicas striped round-robin over the brokers in id order, each
    topic starting one broker further on, as Kafka spreads a newly created topic. Needs RF <= brokers."""
    ids = sorted(broker.id for broker in brokers)
    hosted: dict[int, list[Replica]] = {broker_id: [] for broker_id in ids}
    for offset, topic in enumerate(sorted(topics, key=lambda t: t.name)):
        if topic.replication_factor > len(ids):
            raise LogpipeError(
                f"topics[{topic.name}].replication_factor is {topic.replication_factor} "
                f"but there are only {len(ids)} brokers"
            )
        for partition in range(topic.partitions):
            for replica in range(topic.replication_factor):
                hosted[ids[(offset + partition + replica) % len(ids)]].append((topic.name, partition))
    return normalise_placement(hosted)
