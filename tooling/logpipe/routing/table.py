"""The routing table: which Kafka topic an event goes to, and what its message must look like to be accepted.

One YAML file is the single source for both logmaster engines (the `logpipe` engine reads it with
`load_routing_table`; the Logstash pipeline is rendered from the same data). Rules are tried in order; the first
whose every condition holds wins; no match means the default topic. An event whose message does not have the
rule's format, or that is too large, goes to the dead-letter topic instead (see `logpipe.logmaster.events`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logpipe.errors import LogpipeError
from logpipe.checks import Section, load_yaml_mapping

FORMATS = ("raw", "json", "delimited")
VALUES = ("event", "message")


@dataclass(frozen=True)
class Condition:
    """`field` (dotted path into the event) equals one of `values`, or matches `pattern` (re.search)."""

    field: str
    values: tuple[str, ...] = ()
    pattern: str | None = None

    def __post_init__(self) -> None:  # precomputed for the per-event path
        object.__setattr__(self, "_parts", tuple(self.field.split(".")))
        object.__setattr__(self, "_accept", frozenset(self.values))
        object.__setattr__(self, "_regex", re.compile(self.pattern) if self.pattern is not None else None)

    def holds(self, event: dict[str, Any]) -> bool:
        node: Any = event
        for part in self._parts:  # type: ignore[attr-defined]
            if type(node) is not dict:
                return False
            node = node.get(part)
        if type(node) is not str:
            node = scalar_text(node)
            if node is None:
                return False
        regex = self._regex  # type: ignore[attr-defined]
        return regex.search(node) is not None if regex is not None else node in self._accept  # type: ignore


@dataclass(frozen=True)
class Format:
    """What the message of a routed event must look like: anything (`raw`), a JSON object (`json`), or at least
    `fields` parts separated by `separator` (`delimited`, e.g. the `client|...` lines of the edge producer)."""

    kind: str = "raw"
    separator: str = "|"
    fields: int = 1

    def problem(self, message: str) -> str | None:
        """None when `message` has this format, else a sentence saying what is wrong (for the DLQ reason)."""
        if self.kind == "json":
            try:
                parsed = json.loads(message)
            except ValueError as exc:
                return f"message is not JSON ({exc.msg} at char {exc.pos})"
            return None if isinstance(parsed, dict) else f"message is JSON but not an object ({type(parsed).__name__})"
        if self.kind == "delimited":
            found = message.count(self.separator) + 1
            if found < self.fields:
                return f"message has {found} {self.separator!r}-separated fields, expected at least {self.fields}"
        return None


@dataclass(frozen=True)
class Rule:
    name: str
    topic: str
    conditions: tuple[Condition, ...]
    format: Format = field(default_factory=Format)

    def matches(self, event: dict[str, Any]) -> bool:
        for condition in self.conditions:  # noqa: SIM110 - a plain loop: no generator per event on the hot path
            if not condition.holds(event):
                return False
        return True


@dataclass(frozen=True)
class Route:
    """Where one event goes: the rule's name ('default' when none matched), topic and required format."""

    rule: str
    topic: str
    format: Format


@dataclass(frozen=True)
class RoutingTable:
    rules: tuple[Rule, ...]
    default_topic: str
    dead_letter_topic: str
    default_format: Format = field(default_factory=Format)
    value: str = "event"  # the Kafka record value: the whole event JSON as received, or only its message
    key_field: str | None = None  # dotted field whose value becomes the record key (None: no key)
    message_field: str = "message"

    def route(self, event: dict[str, Any]) -> Route:
        for rule in self.rules:
            if rule.matches(event):
                return Route(rule.name, rule.topic, rule.format)
        return Route("default", self.default_topic, self.default_format)

    def topics(self) -> tuple[str, ...]:
        """Every topic this table can write to, in a stable order (for topic creation and checks)."""
        names = [r.topic for r in self.rules] + [self.default_topic, self.dead_letter_topic]
        return tuple(dict.fromkeys(names))


def get_field(event: dict[str, Any], path: str) -> Any:
    """The value at dotted `path` ('fields.log_type'), or None when any step is missing."""
    node: Any = event
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def scalar_text(value: Any) -> str | None:
    """Text of a scalar event value as a YAML author writes it (true/false lower-case); None for non-scalars."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _format(sec: Section, key: str) -> Format:
    raw = sec.raw(key, "raw")
    if isinstance(raw, str):
        if raw == "delimited":
            raise sec.fail(key, "delimited needs its settings: {delimited: {separator: '|', fields: 4}}")
        if raw not in FORMATS:
            raise sec.fail(key, f"must be one of {', '.join(FORMATS)}; got {raw!r}")
        return Format(raw)
    spec = Section(raw, sec.source, sec.name(key))
    delimited = spec.section("delimited", required=True)
    spec.reject_unknown()
    separator = delimited.str("separator")
    fields = delimited.int("fields", minimum=1)
    delimited.reject_unknown()
    return Format("delimited", separator, fields)


def _conditions(sec: Section, key: str) -> tuple[Condition, ...]:
    when = sec.section(key, required=True)
    if not when.data:
        raise sec.fail(key, "must name at least one field (e.g. {fields.log_type: access})")
    conditions = []
    for name, expected in when.data.items():
        where = when.name(str(name))
        if isinstance(expected, dict):
            spec = Section(expected, sec.source, where)
            pattern = spec.str("regex")
            spec.reject_unknown()
            try:
                re.compile(pattern)
            except re.error as exc:
                raise LogpipeError(f"{sec.source}: {where}.regex is not a valid regular expression: {exc}") from exc
            conditions.append(Condition(str(name), pattern=pattern))
            continue
        options = expected if isinstance(expected, list) else [expected]
        texts = [scalar_text(v) for v in options]
        if not options or any(t is None for t in texts):
            raise LogpipeError(
                f"{sec.source}: {where} must be a value, a list of values or {{regex: ...}}, got {expected!r}")
        conditions.append(Condition(str(name), values=tuple(t for t in texts if t is not None)))
    return tuple(conditions)


def parse_routing_table(data: dict[str, Any], source: str = "routing table") -> RoutingTable:
    """Validate the YAML data of a routing table; errors name `source` and the dotted field."""
    top = Section(data, source)
    default_topic = top.topic("default_topic")
    dead_letter = top.topic("dead_letter_topic")
    default_format = _format(top, "default_format")
    value = top.str("value", "event", choices=VALUES)
    key_field = top.str("key_field", None)
    message_field = top.str("message_field", "message")
    raw_rules = top.raw("rules", [])
    top.reject_unknown()
    if not isinstance(raw_rules, list):
        raise LogpipeError(f"{source}: rules must be a list of rules, got {type(raw_rules).__name__}")
    rules: list[Rule] = []
    for index, raw in enumerate(raw_rules):
        sec = Section(raw, source, f"rules[{index}]")
        name = sec.str("name")
        if any(r.name == name for r in rules):
            raise sec.fail("name", f"{name!r} is used by an earlier rule; names must be unique")
        topic = sec.topic("topic")
        if topic == dead_letter:
            raise sec.fail("topic", f"is the dead-letter topic {dead_letter!r}; route events to a data topic")
        rule = Rule(name, topic, _conditions(sec, "when"), _format(sec, "format"))
        sec.reject_unknown()
        rules.append(rule)
    if default_topic == dead_letter:
        raise LogpipeError(f"{source}: default_topic and dead_letter_topic must differ (both {dead_letter!r})")
    return RoutingTable(tuple(rules), default_topic, dead_letter, default_format, value, key_field, message_field)


def load_routing_table(path: Path | str) -> RoutingTable:
    """Read and validate a routing table file."""
    path = Path(path)
    source = f"routing table {path}"
    return parse_routing_table(load_yaml_mapping(path, "routing table"), source)
