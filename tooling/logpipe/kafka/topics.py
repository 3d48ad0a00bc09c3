"""Topics as code: the desired topic, the topic the cluster has, and the plan between them.

Pure functions over dataclasses. The `kafka_topic` Ansible module and anything else that manages topics
call these; the admin-client adapter (`logpipe.kafka.admin`) only reads state and carries out a plan.

Rules:
- partitions only ever grow: Kafka cannot remove a partition, so a smaller count is an error, not a no-op;
- the replication factor is fixed once the topic exists (changing it is a reassignment: `logpipe placement`);
- `config` holds topic-level overrides; keys not named are left alone unless `purge_config` asks to reset them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from logpipe.checks import is_topic_name
from logpipe.errors import LogpipeError

# Kafka's own limits (org.apache.kafka.common.internals.Topic): legal characters and at most 249 of them.
CONFIG_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class TopicSpec:
    """A topic as the user declares it (`config` already normalised to Kafka's string form)."""

    name: str
    partitions: int
    replication_factor: int
    config: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TopicState:
    """A topic as the cluster has it; `config` holds only the topic-level overrides (DYNAMIC_TOPIC_CONFIG)."""

    name: str
    partitions: int
    replication_factor: int
    config: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConfigChange:
    key: str
    before: str | None  # None: no topic-level override today
    after: str | None  # None: remove the override (back to the broker default)


@dataclass(frozen=True)
class TopicPlan:
    """What to do to one topic. An empty plan (`changed` false) means the cluster already matches."""

    name: str
    create: TopicSpec | None = None
    delete: bool = False
    grow_partitions: tuple[int, int] | None = None  # (current, desired)
    config_changes: tuple[ConfigChange, ...] = ()

    @property
    def changed(self) -> bool:
        return self.create is not None or self.delete or self.grow_partitions is not None or bool(self.config_changes)

    def config_to_set(self) -> dict[str, str]:
        return {c.key: c.after for c in self.config_changes if c.after is not None}

    def config_to_delete(self) -> list[str]:
        return [c.key for c in self.config_changes if c.after is None]


def normalise_config_value(key: str, value: Any) -> str:
    """Kafka's string form of one config value: booleans lower-case, whole numbers without a fraction,
    lists comma-joined. Raises LogpipeError naming the key for values Kafka cannot take."""
    if value is None:
        raise LogpipeError(f"config '{key}' has no value; give a value, or leave the key out")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise LogpipeError(f"config '{key}' is {value!r}; give a finite number")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list | tuple):
        if not value:
            raise LogpipeError(f"config '{key}' is an empty list; give at least one item, or leave the key out")
        return ",".join(normalise_config_value(key, item) for item in value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise LogpipeError(f"config '{key}' is an empty string; give a value, or leave the key out")
        if "\n" in text or "\r" in text:
            raise LogpipeError(f"config '{key}' spans several lines; Kafka config values are one line")
        return text
    raise LogpipeError(f"config '{key}' has a {type(value).__name__} value {value!r}; use a string, number, "
                       "boolean or list")


def normalise_config(config: Mapping[str, Any] | None, what: str = "config") -> dict[str, str]:
    """All values in Kafka's string form, keys sorted; raises LogpipeError naming the bad key."""
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise LogpipeError(f"{what} must be a mapping of Kafka config names to values, got {type(config).__name__}")
    out: dict[str, str] = {}
    for key in sorted(config, key=str):
        if not isinstance(key, str) or not CONFIG_KEY_RE.match(key):
            raise LogpipeError(f"{what} key {key!r} is not a Kafka config name (lower-case words joined by dots, "
                               "such as retention.ms)")
        out[key] = normalise_config_value(key, config[key])
    return out


def _positive_int(topic: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise LogpipeError(f"topic '{topic}': {name} must be a whole number, got {value!r}")
    if value < 1:
        raise LogpipeError(f"topic '{topic}': {name} must be at least 1, got {value}")
    return value


def validate_topic_name(name: Any) -> str:
    if not is_topic_name(name):
        raise LogpipeError(f"topic name {name!r} is not valid: use 1-249 of the characters a-z A-Z 0-9 . _ - "
                           "(and not '.' or '..')")
    return name


def spec_from_dict(data: Mapping[str, Any]) -> TopicSpec:
    """A TopicSpec from the plain form the retention filter and the module use:
    {name, partitions, replication_factor, config}. Raises LogpipeError naming the field."""
    if not isinstance(data, Mapping):
        raise LogpipeError(f"a topic must be a mapping with name, partitions, replication_factor, config; "
                           f"got {type(data).__name__}")
    name = validate_topic_name(data.get("name"))
    unknown = sorted(set(data) - {"name", "partitions", "replication_factor", "config"})
    if unknown:
        raise LogpipeError(f"topic '{name}': unknown field(s) {', '.join(unknown)}; a topic has name, partitions, "
                           "replication_factor, config")
    for required in ("partitions", "replication_factor"):
        if data.get(required) is None:
            raise LogpipeError(f"topic '{name}': {required} is required")
    return TopicSpec(
        name=name,
        partitions=_positive_int(name, "partitions", data["partitions"]),
        replication_factor=_positive_int(name, "replication_factor", data["replication_factor"]),
        config=normalise_config(data.get("config"), what=f"topic '{name}': config"),
    )


def plan_config(desired: Mapping[str, str], current: Mapping[str, str], purge: bool) -> tuple[ConfigChange, ...]:
    """Config changes, sorted by key: set what differs, and with `purge` remove overrides not desired."""
    changes = [ConfigChange(key, current.get(key), value) for key, value in desired.items()
               if current.get(key) != value]
    if purge:
        changes += [ConfigChange(key, value, None) for key, value in current.items() if key not in desired]
    return tuple(sorted(changes, key=lambda c: c.key))


def plan_topic(desired: TopicSpec, current: TopicState | None, *, purge_config: bool = False,
               broker_count: int | None = None) -> TopicPlan:
    """The plan that makes the cluster's topic match `desired`. Raises LogpipeError (and so changes nothing)
    when the request is impossible: fewer partitions, another replication factor, more replicas than brokers."""
    if current is None:
        if broker_count is not None and desired.replication_factor > broker_count:
            raise LogpipeError(f"topic '{desired.name}': replication_factor {desired.replication_factor} needs "
                               f"{desired.replication_factor} brokers, the cluster has {broker_count}; lower "
                               "replication_factor or add brokers")
        return TopicPlan(name=desired.name, create=desired)
    if current.name != desired.name:
        raise LogpipeError(f"plan_topic was given topic '{current.name}' as the current state of '{desired.name}'")
    if desired.partitions < current.partitions:
        raise LogpipeError(f"topic '{desired.name}': partitions cannot decrease from {current.partitions} to "
                           f"{desired.partitions} (Kafka cannot remove partitions); set partitions to "
                           f"{current.partitions} or more, or create a new topic and move producers to it")
    if desired.replication_factor != current.replication_factor:
        raise LogpipeError(f"topic '{desired.name}': replication_factor is {current.replication_factor} in the "
                           f"cluster, {desired.replication_factor} requested; kafka_topic does not move replicas "
                           "(use a partition reassignment, `logpipe placement`), so keep "
                           f"replication_factor: {current.replication_factor}")
    grow = (current.partitions, desired.partitions) if desired.partitions > current.partitions else None
    return TopicPlan(name=desired.name, grow_partitions=grow,
                     config_changes=plan_config(desired.config, current.config, purge_config))


def plan_absent(name: str, current: TopicState | None) -> TopicPlan:
    """The plan that removes a topic (nothing when it is already gone)."""
    validate_topic_name(name)
    return TopicPlan(name=name, delete=current is not None)


def render_topic(topic: TopicSpec | TopicState | None) -> str:
    """A topic as stable text for `--diff`: one `key: value` line each, config keys sorted."""
    if topic is None:
        return ""
    lines = [f"name: {topic.name}", f"partitions: {topic.partitions}",
             f"replication_factor: {topic.replication_factor}", "config:"]
    lines += [f"  {key}: {topic.config[key]}" for key in sorted(topic.config)]
    return "\n".join(lines) + "\n"


def state_after(plan: TopicPlan, current: TopicState | None) -> TopicState | None:
    """The state the cluster will have once `plan` is carried out (for the diff's `after`)."""
    if plan.delete:
        return None
    if plan.create is not None:
        spec = plan.create
        return TopicState(spec.name, spec.partitions, spec.replication_factor, dict(spec.config))
    if current is None:
        return None
    config = dict(current.config)
    config.update(plan.config_to_set())
    for key in plan.config_to_delete():
        config.pop(key, None)
    partitions = plan.grow_partitions[1] if plan.grow_partitions else current.partitions
    return TopicState(current.name, partitions, current.replication_factor, dict(sorted(config.items())))


def describe_plan(plan: TopicPlan) -> list[str]:
    """One human line per action, in the order they are carried out."""
    if plan.delete:
        return [f"delete topic '{plan.name}'"]
    if plan.create is not None:
        spec = plan.create
        return [f"create topic '{plan.name}' with {spec.partitions} partitions, replication factor "
                f"{spec.replication_factor}" + (f", config {dict(spec.config)}" if spec.config else "")]
    lines = []
    if plan.grow_partitions:
        lines.append(f"grow topic '{plan.name}' from {plan.grow_partitions[0]} to {plan.grow_partitions[1]} "
                     "partitions")
    for change in plan.config_changes:
        if change.after is None:
            lines.append(f"remove override {change.key}={change.before} from topic '{plan.name}'")
        else:
            before = "default" if change.before is None else change.before
            lines.append(f"set {change.key} on topic '{plan.name}': {before} -> {change.after}")
    return lines
