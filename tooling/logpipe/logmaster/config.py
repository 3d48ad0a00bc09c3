"""The logmaster's configuration file (YAML, rendered by the logmaster role; schema in docs/logmaster.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from logpipe.errors import LogpipeError
from logpipe.routing import RoutingTable, load_routing_table
from logpipe.checks import Section, load_yaml_mapping

CLIENTS = ("confluent", "kafka-python")
COMPRESSIONS = ("none", "gzip", "snappy", "lz4", "zstd")
MiB = 1024 * 1024
RECORD_OVERHEAD = 16 * 1024  # record + batch headers on top of the value, with margin


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap: tuple[str, ...]
    client: str = "confluent"
    client_id: str = "logmaster"
    linger_ms: int = 5
    batch_bytes: int = 1_000_000  # librdkafka batch.size and message.max.bytes; keep <= brokers' message.max.bytes
    compression: str = "lz4"
    delivery_timeout_ms: int = 120_000


@dataclass(frozen=True)
class Limits:
    max_inflight_bytes: int = 64 * MiB  # event bytes read but not yet acknowledged by Kafka; above it, stop reading
    max_event_bytes: int = 900_000  # larger events are dead-lettered (keep below the brokers' message.max.bytes)
    max_frame_bytes: int = 64 * MiB  # larger frames (or decompressed frames) close the connection
    dead_letter_original_bytes: int = 256 * 1024  # the DLQ record keeps at most this much of the original


@dataclass(frozen=True)
class Timing:
    keepalive_seconds: float = 5.0  # ACK 0 while a window waits for Kafka, so the shipper keeps waiting
    loop_stuck_seconds: float = 10.0  # health fails when the event loop has not ticked for this long
    delivery_stuck_seconds: float = 60.0  # health fails when a Kafka delivery has been pending this long


@dataclass(frozen=True)
class LogmasterConfig:
    listen: Endpoint
    health: Endpoint
    kafka: KafkaSettings
    routing_table_path: Path
    limits: Limits = Limits()
    timing: Timing = Timing()

    def routing_table(self) -> RoutingTable:
        return load_routing_table(self.routing_table_path)


def _endpoint(top: Section, key: str, default_port: int) -> Endpoint:
    sec = top.section(key)
    endpoint = Endpoint(sec.str("host", "0.0.0.0"), sec.int("port", default_port, minimum=0, maximum=65535))
    sec.reject_unknown()
    return endpoint


def _bootstrap(sec: Section) -> tuple[str, ...]:
    raw = sec.raw("bootstrap")
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise sec.fail("bootstrap", f"must be 'host:port[,host:port]' or a list of them, got {raw!r}")
    servers = []
    for item in items:
        text = str(item).strip()
        host, _, port = text.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise sec.fail("bootstrap", f"entry {text!r} is not host:port")
        servers.append(text)
    return tuple(servers)


def parse_config(data: dict[str, Any], source: str, base_dir: Path) -> LogmasterConfig:
    """Validate config data; a relative routing_table path is taken from `base_dir` (the config's folder)."""
    top = Section(data, source)
    listen = _endpoint(top, "listen", 5044)
    health = _endpoint(top, "health", 9600)
    routing_path = Path(top.str("routing_table"))
    if not routing_path.is_absolute():
        routing_path = base_dir / routing_path

    sec = top.section("kafka", required=True)
    kafka = KafkaSettings(
        bootstrap=_bootstrap(sec),
        client=sec.str("client", "confluent", choices=CLIENTS),
        client_id=sec.str("client_id", "logmaster"),
        linger_ms=sec.int("linger_ms", 5, maximum=60_000),
        batch_bytes=sec.int("batch_bytes", 1_000_000, minimum=64 * 1024),
        compression=sec.str("compression", "lz4", choices=COMPRESSIONS),
        delivery_timeout_ms=sec.int("delivery_timeout_ms", 120_000, minimum=1000),
    )
    sec.reject_unknown()

    sec = top.section("limits")
    d = Limits()
    limits = Limits(
        max_inflight_bytes=sec.int("max_inflight_bytes", d.max_inflight_bytes, minimum=MiB),
        max_event_bytes=sec.int("max_event_bytes", d.max_event_bytes, minimum=1024),
        max_frame_bytes=sec.int("max_frame_bytes", d.max_frame_bytes, minimum=1024),
        dead_letter_original_bytes=sec.int("dead_letter_original_bytes", d.dead_letter_original_bytes, minimum=64),
    )
    if limits.max_event_bytes > limits.max_frame_bytes:
        raise sec.fail("max_event_bytes", f"({limits.max_event_bytes}) must not exceed "
                       f"limits.max_frame_bytes ({limits.max_frame_bytes})")
    if limits.dead_letter_original_bytes > limits.max_event_bytes:
        raise sec.fail("dead_letter_original_bytes", f"({limits.dead_letter_original_bytes}) must not exceed "
                       f"limits.max_event_bytes ({limits.max_event_bytes}): the DLQ record must fit in Kafka")
    if kafka.batch_bytes < limits.max_event_bytes + RECORD_OVERHEAD:
        raise LogpipeError(f"{source}: kafka.batch_bytes ({kafka.batch_bytes}) must be at least "
                           f"limits.max_event_bytes ({limits.max_event_bytes}) + {RECORD_OVERHEAD} so the largest "
                           "event and its headers fit one Kafka request")
    sec.reject_unknown()

    sec = top.section("timing")
    t = Timing()
    timing = Timing(
        keepalive_seconds=sec.number("keepalive_seconds", t.keepalive_seconds),
        loop_stuck_seconds=sec.number("loop_stuck_seconds", t.loop_stuck_seconds),
        delivery_stuck_seconds=sec.number("delivery_stuck_seconds", t.delivery_stuck_seconds),
    )
    sec.reject_unknown()
    top.reject_unknown()
    return LogmasterConfig(listen, health, kafka, routing_path, limits, timing)


def load_config(path: Path | str) -> LogmasterConfig:
    path = Path(path)
    return parse_config(load_yaml_mapping(path, "logmaster config"), f"logmaster config {path}", path.parent)
