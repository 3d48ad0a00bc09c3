"""Plain-text tables of a retention plan: one row per topic, one row per broker (its tightest disk)."""

from __future__ import annotations

from collections.abc import Sequence

from logpipe.retention.budget import RetentionPlan
from logpipe.units import format_bytes, format_duration

TOPIC_HEADER = (
    "topic",
    "class",
    "partitions x RF",
    "stored/s per partition",
    "retention.ms",
    "retention.bytes",
    "segment.bytes",
    "segment.ms",
    "peak per replica",
    "age overshoot <=",
)
BROKER_HEADER = ("broker", "disk", "replicas", "capacity", "usable", "move reserve", "peak need", "free", "use", "fits")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned first column, right-aligned numbers, two spaces between columns."""
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [str(row[0]).ljust(widths[0])] + [str(c).rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def topic_rows(result: RetentionPlan) -> list[list[str]]:
    rows = []
    for t in result.topics:
        age = format_duration(t.retention_ms) + (f" (goal {format_duration(t.age_goal_ms)})" if t.degraded else "")
        rows.append(
            [
                t.topic,
                t.topic_class,
                f"{t.partitions} x {t.replication_factor}",
                f"{format_bytes(t.stored_bytes_per_s)}/s",
                age,
                format_bytes(t.retention_bytes),
                format_bytes(t.segment_bytes),
                format_duration(t.segment_ms),
                format_bytes(t.peak_disk_bytes),
                format_duration(t.age_overshoot_ms),
            ]
        )
    return rows


def broker_rows(result: RetentionPlan) -> list[list[str]]:
    rows = []
    for b in result.brokers:
        disk = b.tightest
        used = (disk.need_bytes + disk.reserve_bytes) / disk.capacity_bytes
        rows.append(
            [
                str(b.broker_id),
                disk.path + (f" (worst of {len(b.disks)})" if len(b.disks) > 1 else ""),
                str(b.replicas),
                format_bytes(disk.capacity_bytes),
                format_bytes(disk.usable_bytes),
                format_bytes(disk.reserve_bytes),
                format_bytes(disk.need_bytes),
                format_bytes(disk.free_bytes),
                f"{used:.1%}",
                "yes" if b.fits else "NO",
            ]
        )
    return rows


def render(result: RetentionPlan, placement_assumed: bool = False) -> str:
    s = result.settings
    parts = [
        "Topics (retention.bytes is per partition; peak counts one replica: retention.bytes + one segment + "
        "growth during the check interval and the delete delay + indexes)",
        table(TOPIC_HEADER, topic_rows(result)),
        "",
        f"Brokers (peak need + move reserve must stay within {s.disk_headroom:.0%} of each disk)",
        table(BROKER_HEADER, broker_rows(result)),
    ]
    if result.degraded:
        parts.append("")
        for d in result.degraded:
            parts.append(
                f"DEGRADED: class {d.topic_class!r} (priority {d.priority}) keeps {format_duration(d.age_ms)} "
                f"instead of {format_duration(d.goal_ms)}"
            )
    if placement_assumed:
        parts.append("")
        parts.append("placement: none given, assumed replicas striped evenly over the brokers")
    return "\n".join(parts) + "\n"
