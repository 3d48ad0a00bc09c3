"""server.properties as text: deterministic, one `key=value` per line, values in Kafka's string form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from logpipe.errors import LogpipeError
from logpipe.kafka.topics import normalise_config_value

FORBIDDEN_IN_KEY = " =:#!\t\n\r"


def render_properties(properties: Mapping[str, Any]) -> str:
    """The body of a Java properties file, keys sorted. A None or blank value leaves the key out (unset), so
    a role can switch a setting off by emptying it. Backslashes are escaped as Java's Properties expects."""
    if not isinstance(properties, Mapping):
        raise LogpipeError(f"server properties must be a mapping, got {type(properties).__name__}")
    lines = []
    for key in sorted(properties, key=str):
        if not isinstance(key, str) or not key or any(c in key for c in FORBIDDEN_IN_KEY):
            raise LogpipeError(f"server property name {key!r} is not valid (no spaces, '=', ':', '#' or '!')")
        value = properties[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        lines.append(f"{key}={normalise_config_value(key, value).replace(chr(92), chr(92) * 2)}")
    return "\n".join(lines) + "\n"
