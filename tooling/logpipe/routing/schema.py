"""Reading a YAML mapping field by field, with errors that name the file and the dotted field.

Both the routing table and the logmaster config are small YAML documents rendered by Ansible; a typo there must
fail at start-up with the field's full name, the value found and what would be accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from logpipe.errors import LogpipeError

_MISSING: Any = object()
_TOPIC_RE = re.compile(r"^[A-Za-z0-9._-]{1,249}$")


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
    if not isinstance(name, str) or not _TOPIC_RE.match(name) or name in {".", ".."}:
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
