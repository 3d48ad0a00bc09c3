"""The engine over real loopback sockets, with a fake Kafka sink whose delivery reports the test releases."""

from __future__ import annotations

import json
import socket
import struct

import pytest

from logpipe.logmaster.client import BeatsClient
from logpipe.logmaster.config import Timing
from logpipe.logmaster.protocol import encode_ack, encode_events, encode_window
from logpipe.logmaster.sinks import DeliveryError


def access(seq: int, pad: int = 0) -> bytes:
    return json.dumps({"message": f"h|f|{seq}|{'x' * pad}", "fields": {"log_type": "access"}}).encode()


def recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def test_window_is_acked_only_after_kafka_acknowledged_every_event(harness):
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(encode_window([access(i) for i in range(3)]))
        harness.wait(lambda: len(harness.sink.pending) == 3, "3 records produced")
        assert harness.call(harness.sink.deliver, 2) == 2
        assert harness.engine.metrics.windows_acked == 0  # 2 of 3 delivered: no ACK
        harness.call(harness.sink.deliver, 1)
        assert client.await_ack(3) == 3
        assert client.keepalives == 0
    m = harness.engine.metrics
    assert (m.received, m.acked, m.windows_acked, m.delivered["logs-access"]) == (3, 3, 1, 3)
    assert [p[0] for p in harness.sink.produced] == ["logs-access"] * 3
    assert harness.sink.produced[0][1] == b"h|f|0|"  # value: message (routing table `value: message`)


def test_pipelined_windows_are_acked_in_order(harness):
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(encode_window([access(i) for i in range(3)]) + encode_window([access(9), access(10)]))
        harness.wait(lambda: len(harness.sink.pending) == 5, "5 records produced")
        pending = list(harness.sink.pending)
        harness.call(lambda: [done(None) for _, done in pending[3:]])  # the second window first
        assert harness.engine.metrics.windows_acked == 0
        harness.call(lambda: [done(None) for _, done in pending[:3]])
        assert recv_exact(client._sock, 12) == encode_ack(3) + encode_ack(2)


def test_failed_delivery_closes_the_connection_without_ack(harness):
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(encode_window([access(1), access(2)]))
        harness.wait(lambda: len(harness.sink.pending) == 2, "2 records produced")
        harness.call(harness.sink.deliver, 1, DeliveryError("REQUEST_TIMED_OUT: not enough replicas"))
        harness.call(harness.sink.deliver, 1)
        with pytest.raises(ConnectionError, match="before ACKing seq 2"):
            client.await_ack(2)
    assert harness.engine.metrics.kafka_errors == 1
    assert harness.engine.metrics.acked == 0


def test_oversized_and_unparseable_events_go_to_the_dead_letter_topic(harness_factory):
    harness = harness_factory(max_event_bytes=2048, dead_letter_original_bytes=1024)
    big = access(1, pad=5000)
    garbage = json.dumps({"message": "no separators here", "fields": {"log_type": "access"}}).encode()
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(encode_window([access(0), big, garbage, b"{not json"]))
        harness.wait(lambda: len(harness.sink.pending) == 4, "4 records produced")
        harness.call(harness.sink.deliver)
        assert client.await_ack(4) == 4
    topics = [p[0] for p in harness.sink.produced]
    assert topics == ["logs-access", "logs-dlq", "logs-dlq", "logs-dlq"]
    _, value, _, headers = harness.sink.produced[1]
    h = dict(headers)
    assert h["logpipe-reason"] == b"oversized" and h["logpipe-truncated"] == b"true"
    assert h["logpipe-original-bytes"] == str(len(big)).encode() and value == big[:1024]
    _, value, _, headers = harness.sink.produced[2]
    assert dict(headers)["logpipe-reason"] == b"unparseable" and value == garbage
    assert b"expected at least 4" in dict(headers)["logpipe-detail"]
    assert dict(harness.engine.metrics.dead_lettered) == {"oversized": 1, "unparseable": 2}


def test_record_kafka_refuses_as_too_large_is_dead_lettered_then_acked(harness):
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(encode_window([access(1)]))
        harness.wait(lambda: len(harness.sink.pending) == 1, "record produced")
        harness.call(harness.sink.deliver, 1, DeliveryError("MSG_SIZE_TOO_LARGE", too_large=True))
        assert harness.sink.produced[-1][0] == "logs-dlq"
        assert harness.engine.metrics.windows_acked == 0  # the DLQ copy is not delivered yet
        harness.call(harness.sink.deliver)
        assert client.await_ack(1) == 1
    assert dict(harness.sink.produced[-1][3])["logpipe-reason"] == b"rejected"
    assert harness.engine.metrics.dead_lettered["rejected"] == 1


def test_backpressure_stops_reading_until_kafka_catches_up(harness_factory):
    harness = harness_factory(max_inflight_bytes=64 * 1024)
    windows = [[access(w * 100 + i, pad=900) for i in range(20)] for w in range(20)]  # ~20 KiB each, 400 KiB
    total = sum(len(w) for w in windows)
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(b"".join(encode_window(w, compress_level=0) for w in windows))
        harness.wait(lambda: harness.engine.metrics.paused_reads >= 1, "reading paused")
        stalled = harness.call(lambda: harness.engine.metrics.received)
        for _ in range(20):  # the loop keeps running, yet no more events are read while paused
            assert harness.call(lambda: harness.engine.metrics.received) == stalled
        assert stalled < total
        assert harness.engine.metrics.inflight_bytes < 64 * 1024 + 64 * 1024 + 30 * 1024  # limit + one read
        while harness.call(lambda: harness.engine.metrics.acked) < total:
            harness.call(harness.sink.deliver)
        for _ in windows:
            client.await_ack(20)
    m = harness.engine.metrics
    assert (m.received, m.acked, m.windows_acked) == (total, total, 20)
    assert m.paused_reads >= 2


def test_keepalive_ack_zero_while_kafka_is_slow(harness_factory):
    harness = harness_factory(timing=Timing(keepalive_seconds=0.05))
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(encode_window([access(1)]))
        assert recv_exact(client._sock, 6) == encode_ack(0)
        harness.call(harness.sink.deliver)
        assert client.await_ack(1) == 1


@pytest.mark.parametrize(("wire", "reason"), [
    (b"2J" + struct.pack(">II", 1, 2) + b"{}", "outside a window"),
    (b"2W" + struct.pack(">I", 2) + encode_events([access(1)]) + b"2W\x00\x00\x00\x01", "new window after 1 of 2"),
    (b"1W\x00\x00\x00\x01", "v1"),
])
def test_protocol_errors_close_the_connection(harness, wire, reason, caplog):
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(wire)
        with pytest.raises(ConnectionError):
            client.await_ack(1)
    harness.wait(lambda: harness.engine.metrics.protocol_errors == 1, "protocol error counted")
    assert any(reason in r.getMessage() for r in caplog.records)
