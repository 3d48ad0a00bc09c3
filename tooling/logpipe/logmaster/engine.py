"""The logmaster engine: a Beats server on asyncio that ACKs a window only after Kafka acknowledged all of it.

Flow per connection: frames from `protocol.Decoder` -> each event becomes a record (`events.to_record`) and is
handed to the Kafka sink -> delivery reports count down the window's outstanding records -> when a window is
fully received and fully delivered, and every earlier window of the connection was ACKed, its ACK is written.

- A failed delivery (after the client's own retries) closes the connection without ACK: the shipper resends the
  window to any logmaster (duplicates, never loss). A record Kafka rejects as too large is dead-lettered instead.
- Backpressure: when the bytes of events read but not yet delivered pass `max_inflight_bytes`, every connection
  stops reading (the kernel buffers fill, the shipper blocks); reading resumes below 3/4 of the limit.
- While a window waits, an ACK with sequence 0 every `keepalive_seconds` keeps the shipper from timing out.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from dataclasses import dataclass, field
from functools import partial

from logpipe.logmaster.config import LogmasterConfig
from logpipe.logmaster.events import REJECTED, Record, Router, dead_letter
from logpipe.logmaster.metrics import Metrics
from logpipe.logmaster.protocol import JSON_FRAME, WINDOW, Decoder, ProtocolError, encode_ack
from logpipe.logmaster.sinks import DeliveryError, Sink
from logpipe.routing import RoutingTable

log = logging.getLogger("logpipe.logmaster")


@dataclass(eq=False, slots=True)
class Window:
    """One Beats window: `expected` events announced, `received` so far, `outstanding` not yet delivered."""

    conn: BeatsConnection
    expected: int
    started: float
    received: int = 0
    outstanding: int = 0
    last_seq: int = 0
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.received == self.expected and self.outstanding == 0


@dataclass
class Health:
    """What the health endpoint reads; written by the loop's watchdog tick (a stale `tick` = stuck loop)."""

    tick: float = field(default_factory=time.monotonic)
    oldest_pending: float = 0.0  # seconds the oldest unACKed window has waited
    producer_error: str | None = None


class Engine:
    def __init__(self, config: LogmasterConfig, table: RoutingTable, sink: Sink) -> None:
        self.config = config
        self.table = table
        self.sink = sink
        self.metrics = Metrics()
        self.health = Health()
        self.connections: set[BeatsConnection] = set()
        self._paused: set[BeatsConnection] = set()
        self._wake_poller = asyncio.Event()
        self._limits = config.limits
        self._router = Router(table, config.limits.max_event_bytes, config.limits.dead_letter_original_bytes)
        self._resume_below = config.limits.max_inflight_bytes * 3 // 4

    # ---- records -> Kafka -------------------------------------------------------------------------------
    def submit(self, window: Window, payload: bytes) -> None:
        self._produce(window, payload, self._router.record(payload))

    def _produce(self, window: Window, payload: bytes, record: Record) -> None:
        size = len(payload)
        window.outstanding += 1
        m = self.metrics
        m.inflight_bytes += size
        m.inflight_records += 1
        self.sink.produce(record.topic, record.value, record.key, record.headers,
                          partial(self._delivered, window, payload, record))
        self._wake_poller.set()

    def _delivered(self, window: Window, payload: bytes, record: Record, error: object, _msg: object = None) -> None:
        m = self.metrics
        m.inflight_bytes -= len(payload)
        m.inflight_records -= 1
        window.outstanding -= 1
        if error is None:
            m.delivered[record.topic] += 1
            if record.reason:
                m.dead_lettered[record.reason] += 1
        else:
            self._failed(window, payload, record, self.sink.describe(error))
        if window.done:
            window.conn.flush_acks()
        if self._paused and m.inflight_bytes < self._resume_below:
            self._resume_all()

    def _failed(self, window: Window, payload: bytes, record: Record, error: DeliveryError) -> None:
        if error.too_large and record.reason is None:
            detail = f"Kafka refused the record for topic {record.topic!r}: {error.message}"
            self._produce(window, payload, dead_letter(self.table, payload, REJECTED, detail,
                                                       self._limits.dead_letter_original_bytes))
            return
        self.metrics.kafka_errors += 1
        self.health.producer_error = error.message
        if window.error is None:
            window.error = f"delivery to {record.topic!r} failed: {error.message}"

    async def poller(self) -> None:
        """Serve delivery reports while records are in flight; sleep otherwise."""
        while True:
            if self.metrics.inflight_records == 0 and not self.sink.poll():
                self._wake_poller.clear()
                await self._wake_poller.wait()
            self.sink.poll()
            await asyncio.sleep(0.001)

    # ---- backpressure -------------------------------------------------------------------------------------
    def over_limit(self) -> bool:
        return self.metrics.inflight_bytes >= self._limits.max_inflight_bytes

    def pause(self, conn: BeatsConnection) -> None:
        if conn not in self._paused and conn.transport is not None:
            conn.transport.pause_reading()
            self._paused.add(conn)
            self.metrics.paused_reads += 1

    def _resume_all(self) -> None:
        paused, self._paused = self._paused, set()
        for conn in paused:
            conn.resume()

    # ---- housekeeping -------------------------------------------------------------------------------------
    async def watchdog(self, interval: float = 0.5) -> None:
        """Refresh the health tick, send keep-alive ACKs, and note how long the oldest window has waited."""
        keepalive = self.config.timing.keepalive_seconds
        while True:
            now = time.monotonic()
            oldest = 0.0
            for conn in list(self.connections):
                if conn.windows:
                    oldest = max(oldest, now - conn.windows[0].started)
                    if now - conn.last_write >= keepalive:
                        conn.write_ack(0)
            self.health.oldest_pending = oldest
            if oldest == 0.0 and self.metrics.inflight_records == 0:
                self.health.producer_error = None  # nothing waits on Kafka: earlier errors are history
            self.health.tick = now
            await asyncio.sleep(interval)

    def protocol_factory(self) -> BeatsConnection:
        return BeatsConnection(self)


class BeatsConnection(asyncio.Protocol):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.decoder = Decoder(engine.config.limits.max_frame_bytes)
        self.transport: asyncio.Transport | None = None
        self.windows: collections.deque[Window] = collections.deque()
        self.current: Window | None = None  # the window still receiving events
        self.last_write = time.monotonic()
        self.closed = False
        self.peer = "?"

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        self.engine.connections.add(self)
        self.engine.metrics.connections += 1
        self.engine.metrics.connections_total += 1
        if self.engine.over_limit():
            self.engine.pause(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.engine.connections.discard(self)
        self.engine._paused.discard(self)
        self.engine.metrics.connections -= 1
        if self.windows:
            log.info("connection %s closed with %d window(s) not ACKed; the shipper resends them",
                     self.peer, len(self.windows))
        self.windows.clear()

    def data_received(self, data: bytes) -> None:
        engine = self.engine
        try:
            frames = self.decoder.feed(data)
        except ProtocolError as exc:
            self.fail(f"protocol error: {exc}")
            engine.metrics.protocol_errors += 1
            return
        received = 0
        for kind, number, payload in frames:
            if kind == JSON_FRAME:
                window = self.current
                if window is None:
                    engine.metrics.protocol_errors += 1
                    self.fail(f"event seq={number} arrived outside a window")
                    return
                window.received += 1
                window.last_seq = number
                received += 1
                engine.submit(window, payload)
                if window.received == window.expected:
                    self.current = None
            elif kind == WINDOW:
                if self.current is not None:
                    engine.metrics.protocol_errors += 1
                    self.fail(f"new window after {self.current.received} of {self.current.expected} events")
                    return
                if number:
                    self.current = Window(self, number, time.monotonic())
                    self.windows.append(self.current)
        engine.metrics.received += received
        if received:
            self.flush_acks()
        if engine.over_limit():
            engine.pause(self)

    def flush_acks(self) -> None:
        """ACK, in order, every leading window that Kafka has fully acknowledged."""
        windows = self.windows
        if self.closed:
            return
        metrics = self.engine.metrics
        while windows and windows[0].done:
            window = windows.popleft()
            if window.error:
                self.fail(window.error)
                return
            self.write_ack(window.last_seq)
            metrics.acked += window.expected
            metrics.windows_acked += 1
            metrics.batch_latency.observe(time.monotonic() - window.started)

    def write_ack(self, seq: int) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(encode_ack(seq))
            self.last_write = time.monotonic()

    def resume(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.resume_reading()

    def fail(self, reason: str) -> None:
        log.warning("closing connection %s without ACK: %s", self.peer, reason)
        self.closed = True
        if self.transport is not None:
            self.transport.abort()
