"""Checking inputs, with errors that name the input, the value found and what would be accepted.

- `Section`: a YAML mapping read field by field (the routing table and the logmaster config are small YAML
  documents rendered by Ansible; a typo there must fail at start-up with the field's full dotted name).
- `load_yaml_mapping`, `read_json`: a file's document, or an error naming the file and what is wrong with it.
- `whole_number`, `number`, `keys_within`, `required`: single values of a parsed document (retention inputs,
  placement clusters).
- `is_topic_name`: Kafka's rule for topic names (the routing table's topics, topics as code).

Runs on the logmaster hosts too (the engine reads its config through it): standard library and PyYAML only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from logpipe.errors import LogpipeError

_MISSING: Any = object()
_TOPIC_RE = re.compile(r"^[A-Za-z0-9._-]{1,249}$")


def is_topic_name(name: Any) -> bool:
    """A legal Kafka topic name: 1-249 of letters, digits, '.', '_', '-'; not '.' or '..'."""
    return isinstance(name, str) and bool(_TOPIC_RE.match(name)) and name not in {".", ".."}


def whole_number(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LogpipeError(f"{where}: expected a whole number, got {value!r}")
    return value


def number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LogpipeError(f"{where}: expected a number, got {value!r}")
    return float(value)


def keys_within(item: Any, allowed: set[str], where: str) -> Mapping[str, Any]:
    """`item` as a mapping whose keys are all in `allowed`."""
    if not isinstance(item, Mapping):
        raise LogpipeError(f"{where}: expected a mapping, got {item!r}")
    unknown = set(item) - allowed
    if unknown:
        raise LogpipeError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")
    return item


def required(item: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in item or item[key] is None:
        raise LogpipeError(f"{where}.{key} is required")
    return item[key]


def read_json(path: str | Path, what: str, hint: str = "") -> Any:
    """The parsed JSON file, or a LogpipeError naming `what` file is missing or broken (and `hint` to fix it)."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise LogpipeError(f"{what} file {path} does not exist{hint}") from None
    except json.JSONDecodeError as exc:
        raise LogpipeError(f"{what} file {path} is not valid JSON: {exc}") from None


def load_yaml_mapping(path: Path, what: str) -> dict[str, Any]:
    """The top-level mapping of a YAML file, or a LogpipeError naming `what` and the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise LogpipeError(f"{what} {path}: cannot read ({exc.strerror}); check the path") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LogpipeError(f"{what} {path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise LogpipeError(f"{what} {path}: the top level must be a mapping, got {type(data).__name__}")
    return data


def check_topic(name: Any, field: str, source: str) -> str:
    """A legal Kafka topic name (letters, digits, '.', '_', '-'; at most 249; not '.' or '..')."""
    if not is_topic_name(name):
        raise LogpipeError(
            f"{source}: {field} must be a Kafka topic name (letters, digits, '.', '_', '-', at most 249), "
            f"got {name!r}")
    return name


class Section:
    """One mapping of a YAML document; `prefix` is its dotted path ('' for the top level)."""

    def __init__(self, data: Any, source: str, prefix: str = "") -> None:
        if not isinstance(data, Mapping):
            where = prefix or "the top level"
            raise LogpipeError(f"{source}: {where} must be a mapping, got {type(data).__name__}")
        self.data = dict(data)
        self.source = source
        self.prefix = prefix
        self._seen: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def fail(self, key: str, message: str) -> LogpipeError:
        return LogpipeError(f"{self.source}: {self.name(key)} {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self._seen.add(key)
        if key in self.data and self.data[key] is not None:
            return self.data[key]
        if default is _MISSING:
            raise self.fail(key, "is required")
        return default

    def str(self, key: str, default: Any = _MISSING, choices: tuple[str, ...] = ()) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str) or not value:
            raise self.fail(key, f"must be a non-empty string, got {value!r}")
        if choices and value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def int(self, key: str, default: Any = _MISSING, minimum: int = 0, maximum: int | None = None) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be an integer, got {value!r}")
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and at most {maximum}" if maximum is not None else ""
            raise self.fail(key, f"must be at least {minimum}{upper}, got {value}")
        return value

    def number(self, key: str, default: Any = _MISSING, minimum: float = 0.0) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= minimum:
            raise self.fail(key, f"must be a number above {minimum:g}, got {value!r}")
        return float(value)

    def topic(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        return check_topic(value, self.name(key), self.source)

    def section(self, key: str, required: bool = False) -> Section:
        value = self.raw(key, _MISSING if required else {})
        return Section(value, self.source, self.name(key))

    def reject_unknown(self) -> None:
        unknown = sorted(set(self.data) - self._seen)
        if unknown:
            known = ", ".join(sorted(self._seen))
            raise LogpipeError(
                f"{self.source}: unknown field {self.name(str(unknown[0]))!r} (known here: {known})")
