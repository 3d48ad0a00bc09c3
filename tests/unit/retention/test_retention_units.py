"""Sizes, rates and durations as inputs are written, and as people read them."""

from __future__ import annotations

import pytest

from logpipe.errors import LogpipeError
from logpipe.units import format_bytes, format_duration, parse_bytes, parse_duration_ms, parse_rate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2TiB", 2 * 1024**4),
        ("500 GB", 500 * 1000**3),
        ("1.5MiB", 1024**2 * 3 // 2),
        (4096, 4096),
        ("10kb", 10_000),
    ],
)
def test_sizes_accept_binary_and_decimal_units(text: object, expected: int) -> None:
    assert parse_bytes(text, "disk") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30d", 30 * 86_400_000), ("12h", 43_200_000), ("90s", 90_000), ("250ms", 250), ("5m", 300_000), (1500, 1500)],
)
def test_durations(text: object, expected: int) -> None:
    assert parse_duration_ms(text, "age") == expected


def test_rate_needs_per_second() -> None:
    assert parse_rate("20MiB/s", "ingest") == 20 * 1024**2
    with pytest.raises(LogpipeError, match=r"topics\[access\]\.ingest: a rate needs '/s'"):
        parse_rate("20MiB", "topics[access].ingest")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_bytes("2 PiB", "brokers[1].disks[/data].capacity"), r"brokers\[1\]\.disks\[/data\]\.capacity"),
        (lambda: parse_bytes("-3GiB", "capacity"), "capacity: cannot read"),
        (
            lambda: parse_duration_ms("7 days", "classes[access].age"),
            r"classes\[access\]\.age: unknown unit 'days' in '7 days' \(use ms, s, m",
        ),
        (lambda: parse_duration_ms(True, "classes[x].age"), r"classes\[x\]\.age: expected a duration"),
        (lambda: parse_bytes(None, "capacity"), "capacity: expected a size"),
    ],
)
def test_errors_name_the_field(call, message: str) -> None:
    with pytest.raises(LogpipeError, match=message):
        call()


def test_formatting_for_people() -> None:
    assert format_bytes(912 * 1024**3) == "912 GiB"
    assert format_bytes(1.5 * 1024**4) == "1.5 TiB"
    assert format_bytes(-272 * 1024**3) == "-272 GiB"
    assert format_bytes(100) == "100 B"
    assert format_duration(604_800_000) == "7d"
    assert format_duration(30_240_000) == "8h 24m"
    assert format_duration(250) == "250ms"
