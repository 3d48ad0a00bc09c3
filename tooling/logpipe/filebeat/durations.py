"""Filebeat's durations (`10s`, `5m`, `72h`, or a bare number of seconds) in seconds, for the role's checks."""

from __future__ import annotations

from logpipe.units import parse_duration_ms


def duration_seconds(value: object, field: str) -> float:
    """Seconds from a Filebeat duration; a bare number means seconds (as in filebeat.yml, unlike retention inputs,
    where it means milliseconds). Errors name `field`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"{value}s"
    elif isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        value = f"{value.strip()}s"
    return parse_duration_ms(value, field) / 1000
