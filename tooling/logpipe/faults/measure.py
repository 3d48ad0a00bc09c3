"""Pure accounting of one scenario: totals over the reconciled topics, how long the pipeline took to catch up
after the fault was healed, and the summary table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from logpipe.lab.reconcile import Arrival, Stream, TopicReport, parse_line


@dataclass
class ScenarioResult:
    scenario: str
    title: str
    sent: int = 0
    received: int = 0
    duplicated: int = 0
    misrouted: int = 0
    recovery_s: float | None = None  # healed → the last line written before the heal has arrived
    wall_s: float = 0.0
    checks: dict[str, object] = field(default_factory=dict)  # scenario-specific observations (named)
    arrivals: list[Arrival] = field(default_factory=list, repr=False)  # what was read back, for checks

    @property
    def lost(self) -> int:
        return self.sent - self.received


def totals(result: ScenarioResult, reports: Mapping[str, TopicReport]) -> ScenarioResult:
    """Add the reconciled topics' counts to `result`."""
    for report in reports.values():
        result.sent += report.sent
        result.received += report.received
        result.duplicated += report.duplicated
        result.misrouted += report.misrouted
    return result


def catch_up_seconds(streams: Sequence[Stream], arrivals: Iterable[Arrival], healed_ms: int) -> float | None:
    """Seconds from `healed_ms` until every line written up to then had arrived (its first copy), 0 when the
    backlog was gone before the heal; None when such a line is missing or none was written before the heal."""
    arrivals = list(arrivals)
    wanted = {(s.host, s.path): s.lines for s in streams}
    first_seen: dict[tuple[str, str, int], int] = {}
    written_before: set[tuple[str, str, int]] = set()
    for arrival in arrivals:
        parsed = parse_line(arrival.value)
        if parsed is None:
            continue
        host, path, seq, written_ms = parsed
        if seq >= wanted.get((host, path), 0):
            continue
        key = (host, path, seq)
        first_seen[key] = min(first_seen.get(key, arrival.timestamp_ms), arrival.timestamp_ms)
        if written_ms <= healed_ms:
            written_before.add(key)
    expected_before = _written_before_count(streams, arrivals, healed_ms)
    if not written_before or len(written_before) < expected_before:
        return None
    last = max(first_seen[key] for key in written_before)
    return max(0.0, (last - healed_ms) / 1000)


def _written_before_count(streams: Sequence[Stream], arrivals: Iterable[Arrival], healed_ms: int) -> int:
    """Lines written before the heal, inferred per stream from the highest seq seen with written_ms ≤ heal
    (lines are written in seq order, so every lower seq was written before it too)."""
    wanted = {(s.host, s.path): s.lines for s in streams}
    highest: dict[tuple[str, str], int] = {}
    for arrival in arrivals:
        parsed = parse_line(arrival.value)
        if parsed is None:
            continue
        host, path, seq, written_ms = parsed
        if written_ms <= healed_ms and seq < wanted.get((host, path), 0):
            highest[(host, path)] = max(highest.get((host, path), -1), seq)
    return sum(seq + 1 for seq in highest.values())


def seen_seqs(arrivals: Iterable[Arrival], host: str, path: str) -> set[int]:
    """The distinct seqs of one stream that arrived."""
    return {p[2] for a in arrivals if (p := parse_line(a.value)) and p[:2] == (host, path)}


def format_summary(results: Sequence[ScenarioResult]) -> str:
    rows = [f"{'scenario':<11}{'sent':>9}{'received':>10}{'lost':>7}{'dup':>7}{'recovery s':>12}{'wall s':>8}  title"]
    for r in results:
        recovery = f"{r.recovery_s:.1f}" if r.recovery_s is not None else "-"
        rows.append(f"{r.scenario:<11}{r.sent:>9}{r.received:>10}{r.lost:>7}{r.duplicated:>7}{recovery:>12}"
                    f"{r.wall_s:>8.0f}  {r.title}")
    return "\n".join(rows)
