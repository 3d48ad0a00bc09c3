"""Counting loss: every test line is `host|path|seq|written_ms|padding`; read everything back and compare.

lost = expected − distinct seen; duplicates = seen − distinct (see shared reliability notes). Pure functions,
used by the lab smoke and the fault suite alike.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

SEPARATOR = "|"


@dataclass(frozen=True)
class Stream:
    """One file on one producer host whose lines should all land in `topic`."""

    host: str
    path: str
    topic: str
    lines: int


@dataclass(frozen=True)
class Arrival:
    topic: str
    value: bytes
    timestamp_ms: int
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass
class TopicReport:
    topic: str
    sent: int = 0
    received: int = 0  # distinct test lines seen in this topic
    duplicated: int = 0
    misrouted: int = 0  # lines seen here that belong to another topic
    latencies_ms: list[int] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.sent - self.received

    def percentile(self, q: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def make_line(host: str, path: str, seq: int, written_ms: int, width: int = 183) -> str:
    head = SEPARATOR.join((host, path, str(seq), str(written_ms), ""))
    return head + "x" * max(0, width - len(head))


def parse_line(value: bytes) -> tuple[str, str, int, int] | None:
    """(host, path, seq, written_ms) of a test line, whether the record is the raw line or an event JSON whose
    `message` holds it; None for anything else."""
    text = value.decode("utf-8", errors="replace")
    if text.startswith("{"):
        try:
            text = str(json.loads(text).get("message", ""))
        except (ValueError, AttributeError):
            return None
    parts = text.split(SEPARATOR, 4)
    if len(parts) < 4 or not parts[2].isdigit() or not parts[3].isdigit():
        return None
    return parts[0], parts[1], int(parts[2]), int(parts[3])


def reconcile(streams: Iterable[Stream], arrivals: Iterable[Arrival]) -> dict[str, TopicReport]:
    streams = list(streams)
    expected_topic = {(s.host, s.path): s.topic for s in streams}
    reports = {s.topic: TopicReport(s.topic) for s in streams}
    for s in streams:
        reports[s.topic].sent += s.lines
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    limit = {(s.host, s.path): s.lines for s in streams}
    for arrival in arrivals:
        parsed = parse_line(arrival.value)
        if parsed is None:
            continue
        host, path, seq, written_ms = parsed
        stream = (host, path)
        if stream not in expected_topic or seq >= limit[stream]:
            continue
        report = reports[expected_topic[stream]]
        if arrival.topic != expected_topic[stream]:
            reports.setdefault(arrival.topic, TopicReport(arrival.topic)).misrouted += 1
            continue
        if seq in seen[stream]:
            report.duplicated += 1
            continue
        seen[stream].add(seq)
        report.received += 1
        report.latencies_ms.append(max(0, arrival.timestamp_ms - written_ms))
    return reports


def format_table(reports: dict[str, TopicReport], seconds: float) -> str:
    rows = [f"{'topic':<24}{'sent':>9}{'received':>10}{'lost':>7}{'dup':>6}{'misrouted':>10}"
            f"{'p50 ms':>9}{'p99 ms':>9}{'lines/s':>10}"]
    for topic in sorted(reports):
        r = reports[topic]
        p50, p99 = r.percentile(0.50), r.percentile(0.99)
        rate = r.received / seconds if seconds > 0 else 0.0
        rows.append(f"{topic:<24}{r.sent:>9}{r.received:>10}{r.lost:>7}{r.duplicated:>6}{r.misrouted:>10}"
                    f"{(f'{p50:.0f}' if p50 is not None else '-'):>9}{(f'{p99:.0f}' if p99 is not None else '-'):>9}"
                    f"{rate:>10.0f}")
    return "\n".join(rows)
