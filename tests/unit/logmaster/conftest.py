"""A logmaster running on loopback in a background event loop, with a Kafka sink the test controls."""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from dataclasses import replace

import pytest

from logpipe.logmaster.config import Endpoint, KafkaSettings, Limits, LogmasterConfig, Timing
from logpipe.logmaster.service import LogmasterService
from logpipe.logmaster.sinks import DeliveryError
from logpipe.routing import parse_routing_table

ROUTING = {
    "default_topic": "logs-other",
    "dead_letter_topic": "logs-dlq",
    "value": "message",
    "rules": [{"name": "access", "when": {"fields.log_type": "access"}, "topic": "logs-access",
               "format": {"delimited": {"separator": "|", "fields": 4}}}],
}


class FakeSink:
    """Records every produce; the test decides when (and how) each delivery report arrives."""

    def __init__(self) -> None:
        self.pending: collections.deque = collections.deque()
        self.produced: list[tuple[str, bytes, bytes | None, list | None]] = []
        self.probe_result: str | None = None
        self.fatal_error: str | None = None

    def produce(self, topic, value, key, headers, done) -> None:
        self.produced.append((topic, value, key, headers))
        self.pending.append((topic, done))

    def deliver(self, count: int | None = None, error: DeliveryError | None = None, topic: str | None = None):
        """Report the oldest `count` pending records (of `topic` when given) as delivered or failed."""
        chosen = [p for p in self.pending if topic is None or p[0] == topic][:count]
        for item in chosen:
            self.pending.remove(item)
            item[1](error)
        return len(chosen)

    def poll(self) -> int:
        return 0

    def describe(self, error) -> DeliveryError:
        return error

    def probe(self, topic: str, timeout: float) -> str | None:
        return self.probe_result

    def fatal(self) -> str | None:
        return self.fatal_error

    def flush(self, timeout: float) -> int:
        return len(self.pending)


def make_config(timing: Timing | None = None, **limits) -> LogmasterConfig:
    return LogmasterConfig(
        listen=Endpoint("127.0.0.1", 0), health=Endpoint("127.0.0.1", 0),
        kafka=KafkaSettings(bootstrap=("127.0.0.1:1",)), routing_table_path=None,  # type: ignore[arg-type]
        limits=replace(Limits(), **limits),
        timing=timing or Timing(keepalive_seconds=3600.0, loop_stuck_seconds=1.0))


class Harness:
    def __init__(self, config: LogmasterConfig) -> None:
        self.sink = FakeSink()
        self.service = LogmasterService(config, parse_routing_table(ROUTING, "test"), self.sink)
        self.engine = self.service.engine
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.bound = asyncio.run_coroutine_threadsafe(self.service.start(), self.loop).result(10)

    def call(self, fn, *args):
        """Run `fn` on the engine's loop thread and return its result."""
        async def wrapper():
            return fn(*args)
        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop).result(10)

    def wait(self, predicate, what: str, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while not self.call(predicate):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.005)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.service.stop(drain_seconds=0), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def harness_factory():
    made: list[Harness] = []

    def make(timing: Timing | None = None, **limits) -> Harness:
        made.append(Harness(make_config(timing, **limits)))
        return made[-1]

    yield make
    for h in made:
        h.close()


@pytest.fixture
def harness(harness_factory) -> Harness:
    return harness_factory()
