"""Running the engine: the Beats listener, the delivery poller, the watchdog and the health thread together."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from dataclasses import dataclass

from logpipe.errors import LogpipeError
from logpipe.logmaster.config import LogmasterConfig
from logpipe.logmaster.engine import Engine
from logpipe.logmaster.health import HealthServer, HealthState
from logpipe.logmaster.sinks import ConfluentSink, Sink, make_sink
from logpipe.routing import RoutingTable

log = logging.getLogger("logpipe.logmaster")


@dataclass(frozen=True)
class Bound:
    """The ports actually bound (port 0 in the config means 'any free port', used by tests)."""

    beats_port: int
    health_port: int


class LogmasterService:
    def __init__(self, config: LogmasterConfig, table: RoutingTable, sink: Sink) -> None:
        self.engine = Engine(config, table, sink)
        self.config = config
        self._server: asyncio.Server | None = None
        self._health: HealthServer | None = None
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> Bound:
        loop = asyncio.get_running_loop()
        listen = self.config.listen
        try:
            self._server = await loop.create_server(self.engine.protocol_factory, listen.host, listen.port,
                                                    reuse_address=True, backlog=512)
        except OSError as exc:
            raise LogpipeError(f"cannot listen on listen.host:listen.port = {listen.host}:{listen.port}: "
                               f"{exc.strerror}") from exc
        self._tasks = [loop.create_task(self.engine.poller(), name="kafka-poller"),
                       loop.create_task(self.engine.watchdog(), name="watchdog")]
        health = self.config.health
        try:
            self._health = HealthServer(HealthState(self.engine, self.engine.table.dead_letter_topic),
                                        health.host, health.port)
        except OSError as exc:
            raise LogpipeError(f"cannot listen on health.host:health.port = {health.host}:{health.port}: "
                               f"{exc.strerror}") from exc
        self._health.start()
        beats_port = self._server.sockets[0].getsockname()[1]
        log.info("logmaster listening for Beats on %s:%d, health on %s:%d", listen.host, beats_port,
                 health.host, self._health.port)
        return Bound(beats_port, self._health.port)

    async def stop(self, drain_seconds: float = 10.0) -> int:
        """Stop accepting, give in-flight records `drain_seconds` to reach Kafka (so their windows are ACKed),
        then close every connection. Returns the records still undelivered (their windows were not ACKed)."""
        if self._server is not None:
            self._server.close()
        deadline = time.monotonic() + drain_seconds
        while self.engine.metrics.inflight_records and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for conn in list(self.engine.connections):
            if conn.transport is not None:
                conn.transport.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._health is not None:
            self._health.stop()
        left = self.engine.metrics.inflight_records
        if left:
            left = self.engine.sink.flush(1.0)
        return left


async def _run_until_signal(config: LogmasterConfig, table: RoutingTable, sink: Sink) -> int:
    service = LogmasterService(config, table, sink)
    await service.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    fatal_task = loop.create_task(_watch_fatal(sink, stop))
    await stop.wait()
    fatal_task.cancel()
    log.info("stopping: draining in-flight records")
    left = await service.stop()
    if sink.fatal():
        log.error("Kafka producer fatal error: %s; exiting so the supervisor restarts a fresh producer",
                  sink.fatal())
        return 1
    if left:
        log.warning("%d records undelivered at exit; their windows were not ACKed and will be resent", left)
    return 0


async def _watch_fatal(sink: Sink, stop: asyncio.Event) -> None:
    """A fatal producer error (e.g. an idempotence sequence failure) cannot heal in place: stop the process."""
    while not sink.fatal():
        await asyncio.sleep(1.0)
    stop.set()


def _warn_missing_topics(sink: ConfluentSink, table: RoutingTable) -> None:
    """Events for a topic that does not exist fail their window again and again: say so at start-up."""
    try:
        missing = sink.missing_topics(table.topics())
    except Exception as exc:  # noqa: BLE001 - Kafka may be down at start; the service still starts and retries
        log.warning("could not check the routing table's topics in Kafka: %s", exc)
        return
    if missing:
        log.warning("topics of the routing table missing in Kafka: %s; windows with events for them will not be "
                    "ACKed until the topics exist", ", ".join(missing))


def run_service(config: LogmasterConfig) -> int:
    table = config.routing_table()
    sink = make_sink(config.kafka, config.limits)
    if isinstance(sink, ConfluentSink):
        _warn_missing_topics(sink, table)
    return asyncio.run(_run_until_signal(config, table, sink))
