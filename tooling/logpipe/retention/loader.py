"""Build BudgetInputs from plain data (a YAML file, Ansible variables) and placements from Kafka's JSON.

The document shape (docs/retention.md has a full example):

    settings: {disk_headroom: 0.8, retention_check_interval_ms: 5m, degrade: false}   # optional
    classes:                                   # a mapping name -> class, or a list with `name`
      system: {age: 30d, priority: 1}
      access: {age: 7d, priority: 2, min_age: 3d}
    brokers:
      - {id: 1, disks: [{path: /var/lib/kafka/data, capacity: 2TiB}]}
    topics:
      - {name: access, class: access, partitions: 12, replication_factor: 3, ingest: 20MiB/s, compression_ratio: 4}
    placement:                                 # optional: broker id -> ["topic-partition", ...] or [[topic, p], ...]
      1: [access-0, access-1]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from logpipe.checks import keys_within, number, required, whole_number
from logpipe.errors import LogpipeError
from logpipe.retention.model import (
    Broker,
    BudgetInputs,
    Disk,
    Replica,
    Settings,
    Topic,
    TopicClass,
    even_placement,
    normalise_placement,
    validate,
    validate_definitions,
)
from logpipe.units import parse_bytes, parse_duration_ms, parse_rate

CLASS_KEYS = {"name", "age", "priority", "min_age", "timestamp_type"}
TOPIC_KEYS = {"name", "class", "partitions", "replication_factor", "ingest", "compression_ratio"}
BROKER_KEYS = {"id", "disks"}
DISK_KEYS = {"path", "capacity"}


def load_file(path: Path) -> tuple[BudgetInputs, bool]:
    """Inputs from a YAML file; the flag says whether the placement was assumed (none given)."""
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise LogpipeError(f"--input {path}: cannot read it ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise LogpipeError(f"--input {path}: not valid YAML ({exc})") from exc
    if not isinstance(document, Mapping):
        raise LogpipeError(f"--input {path}: expected a mapping with classes, brokers and topics")
    return inputs_from_data(document)


def inputs_from_data(document: Mapping[str, Any]) -> tuple[BudgetInputs, bool]:
    unknown = set(document) - {"settings", "classes", "brokers", "topics", "placement"}
    if unknown:
        raise LogpipeError(
            f"unknown top-level keys {sorted(unknown)} (expected settings, classes, brokers, topics, placement)"
        )
    for key in ("classes", "brokers", "topics"):
        if key not in document:
            raise LogpipeError(f"missing {key!r}: retention needs classes, brokers and topics")
    settings = settings_from_data(document.get("settings") or {})
    classes = classes_from_data(document["classes"])
    brokers = brokers_from_data(document["brokers"])
    topics = topics_from_data(document["topics"])
    validate_definitions(settings, brokers, classes, topics)
    assumed = document.get("placement") is None
    placement = even_placement(brokers, topics) if assumed else placement_from_data(document["placement"])
    inputs = BudgetInputs(brokers, classes, topics, placement, settings)
    validate(inputs)
    return inputs, assumed


def settings_from_data(data: Mapping[str, Any]) -> Settings:
    """Settings fields by name; `_ms` fields take durations (7d, 5m, or ms), `_bytes` fields take sizes."""
    if not isinstance(data, Mapping):
        raise LogpipeError(f"settings: expected a mapping, got {data!r}")
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in fields:
            raise LogpipeError(f"settings.{key}: unknown setting (known: {', '.join(sorted(fields))})")
        where = f"settings.{key}"
        if key.endswith("_ms"):
            values[key] = parse_duration_ms(raw, where)
        elif key.endswith("_bytes"):
            values[key] = parse_bytes(raw, where)
        elif key == "degrade":
            if not isinstance(raw, bool):
                raise LogpipeError(f"{where}: expected true or false, got {raw!r}")
            values[key] = raw
        elif key == "segments_per_retention" or key == "move_reserve_partitions":
            values[key] = whole_number(raw, where)
        else:
            values[key] = number(raw, where)
    return Settings(**values)


def _named_items(data: Any, where: str) -> list[Mapping[str, Any]]:
    """A list of mappings with `name`, or a mapping name -> attributes."""
    if isinstance(data, Mapping):
        items = []
        for name, attrs in data.items():
            if not isinstance(attrs, Mapping):
                raise LogpipeError(f"{where}[{name}]: expected a mapping, got {attrs!r}")
            items.append({"name": str(name), **attrs})
        return items
    if isinstance(data, Sequence) and not isinstance(data, str):
        return list(data)
    raise LogpipeError(f"{where}: expected a list or a mapping, got {data!r}")


def classes_from_data(data: Any) -> tuple[TopicClass, ...]:
    classes = []
    for index, item in enumerate(_named_items(data, "classes")):
        item = keys_within(item, CLASS_KEYS, f"classes[{index}]")
        name = str(required(item, "name", f"classes[{index}]"))
        where = f"classes[{name}]"
        min_age = item.get("min_age")
        classes.append(
            TopicClass(
                name=name,
                age_ms=parse_duration_ms(required(item, "age", where), f"{where}.age"),
                priority=whole_number(required(item, "priority", where), f"{where}.priority"),
                min_age_ms=None if min_age is None else parse_duration_ms(min_age, f"{where}.min_age"),
                timestamp_type=str(item.get("timestamp_type", "LogAppendTime")),
            )
        )
    return tuple(sorted(classes, key=lambda c: c.name))


def brokers_from_data(data: Any) -> tuple[Broker, ...]:
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise LogpipeError(f"brokers: expected a list, got {data!r}")
    brokers = []
    for index, item in enumerate(data):
        item = keys_within(item, BROKER_KEYS, f"brokers[{index}]")
        broker_id = whole_number(required(item, "id", f"brokers[{index}]"), f"brokers[{index}].id")
        where = f"brokers[{broker_id}]"
        raw_disks = required(item, "disks", where)
        if not isinstance(raw_disks, Sequence) or isinstance(raw_disks, str):
            raise LogpipeError(f"{where}.disks: expected a list of {{path, capacity}}")
        disks = []
        for disk_index, disk in enumerate(raw_disks):
            disk = keys_within(disk, DISK_KEYS, f"{where}.disks[{disk_index}]")
            path = str(required(disk, "path", f"{where}.disks[{disk_index}]"))
            capacity = parse_bytes(
                required(disk, "capacity", f"{where}.disks[{path}]"), f"{where}.disks[{path}].capacity"
            )
            disks.append(Disk(path, capacity))
        brokers.append(Broker(broker_id, tuple(disks)))
    return tuple(sorted(brokers, key=lambda b: b.id))


def topic_from_data(item: Any, where: str) -> Topic:
    item = keys_within(item, TOPIC_KEYS, where)
    name = str(required(item, "name", where))
    where = f"topics[{name}]"
    return Topic(
        name=name,
        topic_class=str(required(item, "class", where)),
        partitions=whole_number(required(item, "partitions", where), f"{where}.partitions"),
        replication_factor=whole_number(required(item, "replication_factor", where), f"{where}.replication_factor"),
        ingest_bytes_per_s=parse_rate(required(item, "ingest", where), f"{where}.ingest"),
        compression_ratio=number(item.get("compression_ratio", 1.0), f"{where}.compression_ratio"),
    )


def topics_from_data(data: Any) -> tuple[Topic, ...]:
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise LogpipeError(f"topics: expected a list, got {data!r}")
    return tuple(sorted((topic_from_data(item, f"topics[{i}]") for i, item in enumerate(data)), key=lambda t: t.name))


def parse_replica(value: Any, where: str) -> Replica:
    """`topic-3` (split at the last dash) or `[topic, 3]`."""
    if isinstance(value, str):
        topic, sep, partition = value.rpartition("-")
        if sep and topic and partition.isdigit():
            return topic, int(partition)
    elif isinstance(value, Sequence) and len(value) == 2 and isinstance(value[0], str):
        return value[0], whole_number(value[1], where)
    raise LogpipeError(f"{where}: expected 'topic-partition' or [topic, partition], got {value!r}")


def placement_from_data(data: Any) -> dict[int, tuple[Replica, ...]]:
    if not isinstance(data, Mapping):
        raise LogpipeError(f"placement: expected a mapping broker id -> replicas, got {data!r}")
    placement: dict[int, list[Replica]] = {}
    for key, replicas in data.items():
        try:
            broker_id = int(key)
        except (TypeError, ValueError) as exc:
            raise LogpipeError(f"placement: broker id {key!r} is not a number") from exc
        if not isinstance(replicas, Sequence) or isinstance(replicas, str):
            raise LogpipeError(f"placement[{broker_id}]: expected a list of replicas")
        placement[broker_id] = [parse_replica(r, f"placement[{broker_id}]") for r in replicas]
    return normalise_placement(placement)


def placement_from_reassignment(
    current: Mapping[int, Sequence[Replica]], document: Mapping[str, Any]
) -> dict[int, tuple[Replica, ...]]:
    """The placement after Kafka's reassignment JSON ({"version": 1, "partitions": [{"topic", "partition",
    "replicas"}]}) is applied to `current`; partitions it does not list keep their brokers, as in Kafka."""
    if document.get("version") != 1 or not isinstance(document.get("partitions"), list):
        raise LogpipeError('reassignment: expected {"version": 1, "partitions": [...]}')
    replicas_of: dict[Replica, list[int]] = {}
    for broker_id, replicas in current.items():
        for replica in replicas:
            replicas_of.setdefault((replica[0], replica[1]), []).append(int(broker_id))
    for index, entry in enumerate(document["partitions"]):
        where = f"reassignment.partitions[{index}]"
        entry = keys_within(entry, {"topic", "partition", "replicas", "log_dirs"}, where)
        partition = whole_number(required(entry, "partition", where), f"{where}.partition")
        key = (str(required(entry, "topic", where)), partition)
        brokers = [whole_number(b, f"{where}.replicas") for b in required(entry, "replicas", where)]
        replicas_of[key] = brokers
    placement = placement_from_partitions((t, p, brokers) for (t, p), brokers in replicas_of.items())
    return normalise_placement({int(b): () for b in current} | placement)


def placement_from_partitions(partitions: Iterable[tuple[str, int, Sequence[int]]]) -> dict[int, tuple[Replica, ...]]:
    """broker -> replicas from (topic, partition, replica broker ids) triples, e.g. a placement plan's partitions:
    `placement_from_partitions((p.topic, p.partition, p.replicas) for p in cluster.partitions)`."""
    placement: dict[int, list[Replica]] = {}
    for topic, partition, brokers in partitions:
        for broker_id in brokers:
            placement.setdefault(int(broker_id), []).append((str(topic), int(partition)))
    return normalise_placement(placement)
