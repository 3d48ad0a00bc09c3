"""Parse and print sizes, rates and durations (retention inputs, Filebeat settings, reports).

Inputs accept plain integers (bytes, milliseconds) or strings with a unit: `2TiB`, `500GB`, `20MiB/s`, `30d`,
`12h`, `90s`, `250ms`. Binary (KiB, MiB, GiB, TiB) and decimal (kB, MB, GB, TB) byte units are both accepted;
output is always binary, rounded for people, never for arithmetic.
"""

from __future__ import annotations

import re

from logpipe.errors import LogpipeError

_BYTE_UNITS: dict[str, int] = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}

_DURATION_UNITS_MS: dict[str, int] = {
    "ms": 1,
    "s": 1000,
    "m": 60_000,
    "min": 60_000,
    "h": 3_600_000,
    "d": 86_400_000,
    "w": 7 * 86_400_000,
}

_NUMBER_UNIT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$")


def _split(value: str, field: str, expected: str) -> tuple[float, str]:
    match = _NUMBER_UNIT.match(value)
    if not match:
        raise LogpipeError(f"{field}: cannot read {value!r} as {expected}")
    return float(match.group(1)), match.group(2).lower()


def _parse_scaled(value: object, field: str, units: dict[str, int], bare_unit: str, kind: str) -> int:
    """A number (in `bare_unit`) or `<number><unit>` scaled by `units`; errors name `field` and give an example."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise LogpipeError(f"{field}: expected {kind}, got {value!r}")
    number, unit = (float(value), bare_unit) if not isinstance(value, str) else _split(value, field, kind)
    if unit not in units:
        known = ", ".join(u for u in units if u)
        raise LogpipeError(f"{field}: unknown unit {unit!r} in {value!r} (use {known})")
    if number < 0:
        raise LogpipeError(f"{field}: must not be negative, got {value!r}")
    return int(round(number * units[unit]))


def parse_bytes(value: object, field: str) -> int:
    """Bytes from an int or a string such as `2TiB` or `500 GB`; `field` names the input in errors."""
    return _parse_scaled(value, field, _BYTE_UNITS, "", "a size such as 500GiB")


def parse_rate(value: object, field: str) -> float:
    """Bytes per second from a number or a string such as `20MiB/s`."""
    if isinstance(value, str):
        text = value.strip()
        if not text.endswith("/s"):
            raise LogpipeError(f"{field}: a rate needs '/s', e.g. 20MiB/s, got {value!r}")
        return float(parse_bytes(text[:-2], field))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LogpipeError(f"{field}: expected a rate such as 20MiB/s, got {value!r}")
    if value < 0:
        raise LogpipeError(f"{field}: rate must not be negative, got {value!r}")
    return float(value)


def parse_duration_ms(value: object, field: str) -> int:
    """Milliseconds from an int (ms) or a string such as `30d`, `12h`, `90s`, `250ms`."""
    return _parse_scaled(value, field, _DURATION_UNITS_MS, "ms", "a duration such as 7d or 12h")


def format_bytes(value: float) -> str:
    """A size for people: `912 GiB`, `1.5 TiB`, `640 KiB`; three significant digits at most."""
    sign = "-" if value < 0 else ""
    magnitude = abs(float(value))
    for unit, scale in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if magnitude >= scale:
            return f"{sign}{_three_digits(magnitude / scale)} {unit}"
    return f"{sign}{int(magnitude)} B"


def format_duration(ms: float) -> str:
    """A duration for people: `7d`, `8h 24m`, `1m 30s`, `250ms`."""
    ms = int(round(ms))
    if ms < 1000:
        return f"{ms}ms"
    parts: list[str] = []
    remainder = ms // 1000
    for unit, seconds in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        count, remainder = divmod(remainder, seconds)
        if count:
            parts.append(f"{count}{unit}")
        if len(parts) == 2:
            break
    return " ".join(parts)


def _three_digits(number: float) -> str:
    if number >= 100:
        return f"{number:.0f}"
    if number >= 10:
        return f"{number:.1f}".rstrip("0").rstrip(".")
    return f"{number:.2f}".rstrip("0").rstrip(".")
