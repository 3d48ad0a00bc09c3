"""Topic configs for the `kafka_topic` module from inventory topics that declare a retention class.

Each inventory topic is {name, class, partitions, replication_factor, ingest, compression_ratio, config?}; its
optional `config` carries other topic settings (min.insync.replicas, ...) but never the retention settings, which
the planner owns. The result is exactly what `kafka_topic` takes:
[{"name": str, "partitions": int, "replication_factor": int, "config": {str: str}}], sorted by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from logpipe.errors import LogpipeError
from logpipe.retention.budget import RetentionPlan, plan
from logpipe.retention.loader import inputs_from_data

# Set by the planner; an inventory topic that sets one of these by hand is refused.
MANAGED_KEYS = frozenset(
    {
        "cleanup.policy",
        "file.delete.delay.ms",
        "message.timestamp.after.max.ms",
        "message.timestamp.type",
        "retention.bytes",
        "retention.ms",
        "segment.bytes",
        "segment.ms",
    }
)


def _config_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise LogpipeError(f"{where}: expected a string, number or boolean, got {value!r}")


def _extra_config(topic: Mapping[str, Any]) -> dict[str, str]:
    name = topic.get("name", "?")
    config = topic.get("config") or {}
    if not isinstance(config, Mapping):
        raise LogpipeError(f"topics[{name}].config: expected a mapping, got {config!r}")
    managed = sorted(set(config) & MANAGED_KEYS)
    if managed:
        raise LogpipeError(
            f"topics[{name}].config sets {', '.join(managed)}: topics declare a class, not raw retention numbers "
            "(remove them and pick or add a class in kafka_topic_classes)"
        )
    return {str(key): _config_value(value, f"topics[{name}].config.{key}") for key, value in config.items()}


def retention_topic_configs(
    topics: Sequence[Mapping[str, Any]],
    classes: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    brokers: Sequence[Mapping[str, Any]],
    settings: Mapping[str, Any] | None = None,
    placement: Mapping[Any, Any] | None = None,
) -> list[dict[str, Any]]:
    """[{"name": str, "partitions": int, "replication_factor": int, "config": {str: str}}], sorted by name."""
    if not isinstance(topics, Sequence) or isinstance(topics, str):
        raise LogpipeError(f"kafka_retention_topics: expected a list of topics, got {topics!r}")
    extras = {}
    planner_topics = []
    for index, topic in enumerate(topics):
        if not isinstance(topic, Mapping):
            raise LogpipeError(f"topics[{index}]: expected a mapping, got {topic!r}")
        extras[str(topic.get("name"))] = _extra_config(topic)
        planner_topics.append({key: value for key, value in topic.items() if key != "config"})
    document: dict[str, Any] = {"classes": classes, "brokers": brokers, "topics": planner_topics}
    if settings:
        document["settings"] = settings
    if placement:
        document["placement"] = placement
    inputs, _ = inputs_from_data(document)
    return kafka_topic_entries(plan(inputs), extras)


def kafka_topic_entries(result: RetentionPlan, extras: Mapping[str, Mapping[str, str]] | None = None) -> list[dict]:
    """The plan's topics in the `kafka_topic` shape; `extras` adds other config keys per topic name."""
    extras = extras or {}
    return [
        {
            "name": entry.topic,
            "partitions": entry.partitions,
            "replication_factor": entry.replication_factor,
            "config": dict(sorted((dict(extras.get(entry.topic, {})) | entry.kafka_config()).items())),
        }
        for entry in result.topics
    ]
