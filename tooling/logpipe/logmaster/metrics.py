"""The logmaster's counters, rendered as Prometheus text (GET /metrics) or JSON (GET /metrics?format=json)."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from dataclasses import dataclass, field

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass
class Histogram:
    """Cumulative-bucket histogram (Prometheus style) of seconds."""

    bounds: tuple[float, ...] = LATENCY_BUCKETS
    counts: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    total: float = 0.0
    count: int = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, seconds)] += 1
        self.total += seconds
        self.count += 1

    def quantile(self, q: float) -> float | None:
        """Upper bound of the bucket holding quantile `q` (None when empty; inf past the last bound)."""
        if not self.count:
            return None
        rank, seen = q * self.count, 0
        for bound, n in zip(self.bounds + (float("inf"),), self.counts, strict=True):
            seen += n
            if seen >= rank:
                return bound
        return float("inf")


@dataclass
class Metrics:
    received: int = 0  # events decoded from Beats connections
    acked: int = 0  # events whose window was ACKed to the shipper
    windows_acked: int = 0
    delivered: Counter = field(default_factory=Counter)  # topic -> records Kafka acknowledged
    dead_lettered: Counter = field(default_factory=Counter)  # reason -> records Kafka acknowledged on the DLQ
    kafka_errors: int = 0  # failed deliveries (their windows were not ACKed; the shipper resends)
    protocol_errors: int = 0
    connections: int = 0
    connections_total: int = 0
    paused_reads: int = 0  # times reading was paused for backpressure
    inflight_bytes: int = 0
    inflight_records: int = 0
    batch_latency: Histogram = field(default_factory=Histogram)  # window received -> ACK sent

    def snapshot(self) -> dict:
        lat = self.batch_latency
        return {
            "received": self.received,
            "acked": self.acked,
            "windows_acked": self.windows_acked,
            "delivered": dict(sorted(self.delivered.items())),
            "dead_lettered": dict(sorted(self.dead_lettered.items())),
            "kafka_errors": self.kafka_errors,
            "protocol_errors": self.protocol_errors,
            "connections": self.connections,
            "connections_total": self.connections_total,
            "paused_reads": self.paused_reads,
            "inflight_bytes": self.inflight_bytes,
            "inflight_records": self.inflight_records,
            "batch_latency_seconds": {
                "count": lat.count, "sum": round(lat.total, 6),
                "p50_le": lat.quantile(0.5), "p99_le": lat.quantile(0.99),
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.snapshot(), sort_keys=True)

    def to_prometheus(self) -> str:
        lines: list[str] = []

        def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
            lines.append(f"# HELP logmaster_{name} {help_text}")
            lines.append(f"# TYPE logmaster_{name} {kind}")
            lines.extend(f"logmaster_{name}{labels} {value:g}" for labels, value in samples)

        metric("received_total", "counter", "Events decoded from Beats connections.", [("", self.received)])
        metric("acked_total", "counter", "Events ACKed to shippers after Kafka acknowledged them.",
               [("", self.acked)])
        metric("windows_acked_total", "counter", "Beats windows ACKed.", [("", self.windows_acked)])
        metric("delivered_total", "counter", "Records acknowledged by Kafka, per topic.",
               [(f'{{topic="{t}"}}', n) for t, n in sorted(self.delivered.items())])
        metric("dead_lettered_total", "counter", "Records written to the dead-letter topic, per reason.",
               [(f'{{reason="{r}"}}', n) for r, n in sorted(self.dead_lettered.items())])
        metric("kafka_errors_total", "counter", "Failed Kafka deliveries (window not ACKed).",
               [("", self.kafka_errors)])
        metric("protocol_errors_total", "counter", "Connections closed for a protocol error.",
               [("", self.protocol_errors)])
        metric("connections", "gauge", "Open Beats connections.", [("", self.connections)])
        metric("paused_reads_total", "counter", "Times socket reads paused for backpressure.",
               [("", self.paused_reads)])
        metric("inflight_bytes", "gauge", "Event bytes read but not yet acknowledged by Kafka.",
               [("", self.inflight_bytes)])
        lat = self.batch_latency
        buckets, cumulative = [], 0
        for bound, n in zip(lat.bounds + (float("inf"),), lat.counts, strict=True):
            cumulative += n
            label = "+Inf" if bound == float("inf") else f"{bound:g}"
            buckets.append((f'_bucket{{le="{label}"}}', cumulative))
        metric("batch_latency_seconds", "histogram", "From a window's first frame to its ACK.",
               buckets + [("_sum", lat.total), ("_count", lat.count)])
        return "\n".join(lines) + "\n"
