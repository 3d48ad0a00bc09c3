"""Kafka producers behind one small interface, so the engine and the benchmark can swap clients.

Both are configured for the logmaster's guarantee: acks=all and idempotence (no duplicates from producer
retries, order kept per partition). Delivery reports reach the engine only through `poll()`, on the event loop's
thread: confluent-kafka serves them inside `poll`; kafka-python's I/O thread queues them for `poll` to hand over.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from logpipe.logmaster.config import RECORD_OVERHEAD, KafkaSettings, Limits


@dataclass(frozen=True, slots=True)
class DeliveryError:
    message: str
    too_large: bool = False  # Kafka refused the record for its size: dead-letter it instead of retrying


# Called once per record: done(None) on success, done(error) on failure, where error is a DeliveryError or the
# client's own error object (turned into a DeliveryError by `Sink.describe`, only on the rare failure path).
# confluent-kafka calls it directly as done(err, msg), so it must accept and ignore a second argument.
Done = Callable[..., None]


class Sink(Protocol):
    def produce(self, topic: str, value: bytes, key: bytes | None, headers: list | None, done: Done) -> None: ...

    def poll(self) -> int: ...

    def describe(self, error: object) -> DeliveryError: ...

    def probe(self, topic: str, timeout: float) -> str | None: ...

    def fatal(self) -> str | None: ...

    def flush(self, timeout: float) -> int: ...


class ConfluentSink:
    """confluent-kafka (librdkafka)."""

    def __init__(self, kafka: KafkaSettings, limits: Limits) -> None:
        from confluent_kafka import KafkaError, KafkaException, Producer

        self._KafkaError, self._KafkaException = KafkaError, KafkaException
        self._fatal: str | None = None
        self.last_error: str | None = None
        self._producer = Producer({
            "bootstrap.servers": ",".join(kafka.bootstrap),
            "client.id": kafka.client_id,
            "acks": "all",
            "enable.idempotence": True,
            "linger.ms": kafka.linger_ms,
            "batch.size": kafka.batch_bytes,
            "message.max.bytes": max(kafka.batch_bytes, limits.max_event_bytes + RECORD_OVERHEAD),
            "compression.type": kafka.compression,
            "delivery.timeout.ms": kafka.delivery_timeout_ms,
            # the engine's own in-flight limit is the bound; the client's queue must never be the smaller one
            "queue.buffering.max.messages": 10_000_000,
            "queue.buffering.max.kbytes": max(2 * limits.max_inflight_bytes // 1024, 65536),
            "error_cb": self._on_error,
        })

    def _on_error(self, err) -> None:
        self.last_error = f"{err.name()}: {err.str()}"
        if err.fatal():
            self._fatal = self.last_error

    def produce(self, topic: str, value: bytes, key: bytes | None, headers: list | None, done: Done) -> None:
        while True:
            try:
                self._producer.produce(topic, value, key, headers=headers, on_delivery=done)
                return
            except BufferError:  # the client's queue is full: serve delivery reports, then retry
                self._producer.poll(0.05)
            except self._KafkaException as exc:
                done(self.describe(exc.args[0]))
                return

    def describe(self, error: object) -> DeliveryError:
        if isinstance(error, DeliveryError):
            return error
        return DeliveryError(f"{error.name()}: {error.str()}",  # type: ignore[attr-defined]
                             error.code() == self._KafkaError.MSG_SIZE_TOO_LARGE)  # type: ignore[attr-defined]

    def poll(self) -> int:
        return self._producer.poll(0)

    def probe(self, topic: str, timeout: float) -> str | None:
        """None when the cluster answers a metadata request for `topic` in time, else why not."""
        try:
            meta = self._producer.list_topics(topic, timeout=timeout)
        except self._KafkaException as exc:
            return f"Kafka metadata request failed: {exc.args[0].str()}"
        if not meta.brokers:
            return "Kafka metadata lists no brokers"
        return None

    def fatal(self) -> str | None:
        return self._fatal

    def missing_topics(self, topics: tuple[str, ...], timeout: float = 10.0) -> list[str]:
        """Which of `topics` the cluster does not have (raises KafkaException when it cannot be asked)."""
        present = self._producer.list_topics(timeout=timeout).topics
        return [t for t in topics if t not in present]

    def flush(self, timeout: float) -> int:
        return self._producer.flush(timeout)


class KafkaPythonSink:
    """kafka-python (pure Python; its own I/O thread)."""

    def __init__(self, kafka: KafkaSettings, limits: Limits) -> None:
        from kafka import KafkaProducer
        from kafka.errors import KafkaError, MessageSizeTooLargeError, RecordListTooLargeError

        self._KafkaError = KafkaError
        self._too_large = (MessageSizeTooLargeError, RecordListTooLargeError)
        self._reports: collections.deque[tuple[Done, DeliveryError | None]] = collections.deque()
        self._unreported = 0  # sent, no report handed to the engine yet
        self._fatal: str | None = None
        self._lock = threading.Lock()
        self._producer = KafkaProducer(
            bootstrap_servers=list(kafka.bootstrap),
            client_id=kafka.client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=kafka.linger_ms,
            batch_size=kafka.batch_bytes,
            max_request_size=max(kafka.batch_bytes, limits.max_event_bytes + RECORD_OVERHEAD),
            compression_type=None if kafka.compression == "none" else kafka.compression,
            delivery_timeout_ms=kafka.delivery_timeout_ms,
            max_block_ms=60_000,
        )

    def produce(self, topic: str, value: bytes, key: bytes | None, headers: list | None, done: Done) -> None:
        too_large = self._too_large
        reports = self._reports
        self._unreported += 1
        try:
            future = self._producer.send(topic, value=value, key=key, headers=headers)
        except self._KafkaError as exc:
            reports.append((done, DeliveryError(f"{type(exc).__name__}: {exc}", isinstance(exc, too_large))))
            return
        future.add_callback(lambda _meta: reports.append((done, None)))
        future.add_errback(lambda exc: reports.append(
            (done, DeliveryError(f"{type(exc).__name__}: {exc}", isinstance(exc, too_large)))))

    def describe(self, error: object) -> DeliveryError:
        if isinstance(error, DeliveryError):
            return error
        return DeliveryError(f"{type(error).__name__}: {error}", isinstance(error, self._too_large))

    def poll(self) -> int:
        served = 0
        reports = self._reports
        while reports:
            done, error = reports.popleft()
            self._unreported -= 1
            done(error)
            served += 1
        return served

    def probe(self, topic: str, timeout: float) -> str | None:
        with self._lock:
            try:
                connected = self._producer.bootstrap_connected()
            except Exception as exc:  # noqa: BLE001 - any client failure means "not healthy", reported as text
                return f"Kafka client check failed: {exc}"
        return None if connected else "no connection to the Kafka bootstrap servers"

    def fatal(self) -> str | None:
        return self._fatal

    def flush(self, timeout: float) -> int:
        from kafka.errors import KafkaTimeoutError

        with contextlib.suppress(KafkaTimeoutError):  # a timeout leaves records pending: the return value says so
            self._producer.flush(timeout=timeout)
        self.poll()
        return self._unreported


def make_sink(kafka: KafkaSettings, limits: Limits) -> Sink:
    return ConfluentSink(kafka, limits) if kafka.client == "confluent" else KafkaPythonSink(kafka, limits)
