"""/health and /metrics, served from their own thread: a stuck loop, a sick producer, a stuck delivery."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from logpipe.logmaster.client import BeatsClient
from logpipe.logmaster.config import Timing
from logpipe.logmaster.protocol import encode_window


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def wait_status(port: int, want: int, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, body = get(port, "/health")
        if status == want:
            return json.loads(body)
        assert time.monotonic() < deadline, f"/health stayed {status}: {body}"
        time.sleep(0.05)


def test_healthy_then_failing_when_kafka_cannot_be_reached(harness):
    port = harness.bound.health_port
    assert wait_status(port, 200)["status"] == "ok"
    harness.sink.probe_result = "Kafka metadata request failed: all brokers down"
    body = wait_status(port, 503, timeout=15)  # the probe is cached for a couple of seconds
    assert body["problems"] == ["Kafka metadata request failed: all brokers down"]
    harness.sink.probe_result = None
    harness.sink.fatal_error = "OUT_OF_ORDER_SEQUENCE_NUMBER"
    assert "Kafka producer fatal error: OUT_OF_ORDER_SEQUENCE_NUMBER" in wait_status(port, 503, 15)["problems"]


def test_a_stuck_event_loop_fails_the_check(harness):
    port = harness.bound.health_port
    wait_status(port, 200)
    harness.loop.call_soon_threadsafe(time.sleep, 3.0)  # block the loop (loop_stuck_seconds is 1 here)
    body = wait_status(port, 503, timeout=2.5)
    assert any(p.startswith("event loop has not ticked for") for p in body["problems"])
    wait_status(port, 200)  # recovers when the loop runs again


def test_a_window_waiting_too_long_for_kafka_fails_the_check(harness_factory):
    harness = harness_factory(timing=Timing(keepalive_seconds=3600, delivery_stuck_seconds=0.3))
    port = harness.bound.health_port
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(encode_window([b'{"message": "h|f|1|x", "fields": {"log_type": "access"}}']))
        body = wait_status(port, 503)
        assert any("for Kafka" in p for p in body["problems"])
        harness.call(harness.sink.deliver)
        client.await_ack(1)
    wait_status(port, 200)


def test_metrics_in_prometheus_and_json(harness):
    with BeatsClient("127.0.0.1", harness.bound.beats_port, timeout=10) as client:
        client.send_raw(encode_window([b'{"message": "h|f|1|x", "fields": {"log_type": "access"}}', b"nope"]))
        harness.wait(lambda: len(harness.sink.pending) == 2, "2 records produced")
        harness.call(harness.sink.deliver)
        client.await_ack(2)
    status, text = get(harness.bound.health_port, "/metrics")
    assert status == 200
    lines = set(text.splitlines())
    assert {"logmaster_received_total 2", "logmaster_acked_total 2", 'logmaster_delivered_total{topic="logs-access"} 1',
            'logmaster_dead_lettered_total{reason="unparseable"} 1', "logmaster_batch_latency_seconds_count 1",
            'logmaster_batch_latency_seconds_bucket{le="+Inf"} 1'} <= lines
    status, body = get(harness.bound.health_port, "/metrics?format=json")
    data = json.loads(body)
    assert (data["received"], data["acked"], data["dead_lettered"]) == (2, 2, {"unparseable": 1})
    assert get(harness.bound.health_port, "/nope")[0] == 404
