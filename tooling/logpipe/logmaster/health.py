"""HTTP health and metrics, served from their own thread so that a stuck event loop is seen, not shared.

GET /health   200 {"status": "ok", ...} or 503 {"status": "failing", "problems": [...]}
GET /metrics  Prometheus text; /metrics?format=json for JSON.

The check fails when the loop's watchdog tick is older than `loop_stuck_seconds`, the Kafka producer hit a fatal
error or cannot get metadata, or a window has waited longer than `delivery_stuck_seconds` for Kafka.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from logpipe.logmaster.engine import Engine

PROBE_EVERY = 2.0  # seconds between Kafka metadata probes (a Consul check every second must not flood Kafka)


class HealthState:
    """Computes the health verdict from the engine's published state; probes Kafka at most every PROBE_EVERY."""

    def __init__(self, engine: Engine, probe_topic: str) -> None:
        self.engine = engine
        self.probe_topic = probe_topic
        self._lock = threading.Lock()
        self._probe_at = float("-inf")
        self._probe_result: str | None = None

    def _probe(self) -> str | None:
        with self._lock:
            now = time.monotonic()
            if now - self._probe_at >= PROBE_EVERY:
                self._probe_result = self.engine.sink.probe(self.probe_topic, timeout=2.0)
                self._probe_at = time.monotonic()
            return self._probe_result

    def problems(self) -> list[str]:
        timing = self.engine.config.timing
        health = self.engine.health
        found = []
        stale = time.monotonic() - health.tick
        if stale > timing.loop_stuck_seconds:
            found.append(f"event loop has not ticked for {stale:.1f}s (limit {timing.loop_stuck_seconds:g}s)")
        fatal = self.engine.sink.fatal()
        if fatal:
            found.append(f"Kafka producer fatal error: {fatal}")
        probe = self._probe()
        if probe:
            found.append(probe)
        if health.oldest_pending > timing.delivery_stuck_seconds:
            last = f" (last error: {health.producer_error})" if health.producer_error else ""
            found.append(f"a window has waited {health.oldest_pending:.1f}s for Kafka "
                         f"(limit {timing.delivery_stuck_seconds:g}s){last}")
        return found

    def metrics_snapshot(self, fmt: str) -> str:
        for _ in range(5):  # the loop may change a counter dict while we copy it; try again
            try:
                m = self.engine.metrics
                return m.to_json() if fmt == "json" else m.to_prometheus()
            except RuntimeError:
                time.sleep(0.001)
        raise RuntimeError("metrics kept changing while being read")


def _handler(state: HealthState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            path, _, query = self.path.partition("?")
            if path == "/health":
                problems = state.problems()
                body = json.dumps({"status": "failing" if problems else "ok", "problems": problems,
                                   "connections": state.engine.metrics.connections,
                                   "inflight_bytes": state.engine.metrics.inflight_bytes})
                self._send(503 if problems else 200, "application/json", body)
            elif path == "/metrics":
                fmt = "json" if "format=json" in query else "prometheus"
                ctype = "application/json" if fmt == "json" else "text/plain; version=0.0.4"
                self._send(200, ctype, state.metrics_snapshot(fmt))
            else:
                self._send(404, "text/plain", "not found: try /health or /metrics\n")

        def _send(self, code: int, ctype: str, body: str) -> None:
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
            return

    return Handler


class HealthServer:
    def __init__(self, state: HealthState, host: str, port: int) -> None:
        self.httpd = ThreadingHTTPServer((host, port), _handler(state))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="logmaster-health", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
