#!/usr/bin/python3
"""Stand-in logmaster for the consul_haproxy scenario (stdlib only; runs on the hosts' Debian python3).

`serve`: one process with
  - a TCP port (5044) that answers every connection with the host's name on one line, then echoes lines back,
    so a client behind HAProxy sees which backend served it;
  - an HTTP health endpoint (9600, /health) for the Consul check, whose answer follows the mode file:
    `ok` -> 200, `fail` -> 503, `hang` -> no answer (the request sleeps), as a hung process would.
`control`: a separate process (9601) so faults can be injected from another host, even into a stopped server:
  PUT /mode/ok|fail|hang writes the mode file; PUT /signal/STOP|CONT signals the `serve` process (SIGSTOP freezes
  health and traffic alike, the hung-logmaster case). Every answer is JSON with the host time the change took
  effect (`at`); all hosts share one clock, so a probe elsewhere measures from that instant.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import socketserver
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MODES = ("ok", "fail", "hang")
SIGNALS = {"STOP": signal.SIGSTOP, "CONT": signal.SIGCONT}
HANG_SECONDS = 3600


def read_mode(path: Path) -> str:
    try:
        mode = path.read_text().strip()
    except FileNotFoundError:
        return "ok"
    return mode if mode in MODES else "ok"


class EchoHandler(socketserver.StreamRequestHandler):
    name = socket.gethostname()

    def handle(self) -> None:
        self.wfile.write(f"{self.name}\n".encode())
        for line in self.rfile:
            self.wfile.write(line)


class ThreadingTCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


def health_handler(mode_file: Path) -> type[BaseHTTPRequestHandler]:
    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path != "/health":
                self.send_error(404)
                return
            mode = read_mode(mode_file)
            if mode == "hang":
                time.sleep(HANG_SECONDS)
                return
            body = f"{mode}\n".encode()
            self.send_response(200 if mode == "ok" else 503)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (base class signature)
            pass

    return Health


def serve(args: argparse.Namespace) -> None:
    echo = ThreadingTCPServer(("0.0.0.0", args.port), EchoHandler)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    health = ThreadingHTTPServer(("0.0.0.0", args.health_port), health_handler(args.mode_file))
    health.daemon_threads = True
    health.serve_forever()


def serve_pid(unit: str) -> int:
    out = subprocess.run(["systemctl", "show", "-p", "MainPID", "--value", unit],
                         check=True, capture_output=True, text=True).stdout.strip()
    if not out.isdigit() or int(out) == 0:
        raise RuntimeError(f"unit {unit} has no main process")
    return int(out)


def control_handler(mode_file: Path, unit: str) -> type[BaseHTTPRequestHandler]:
    class Control(BaseHTTPRequestHandler):
        def answer(self, status: int, payload: dict[str, object]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self) -> None:  # noqa: N802
            parts = self.path.strip("/").split("/")
            if len(parts) == 2 and parts[0] == "mode" and parts[1] in MODES:
                tmp = mode_file.with_suffix(".tmp")
                tmp.write_text(parts[1] + "\n")
                tmp.replace(mode_file)
                self.answer(200, {"mode": parts[1], "at": time.time()})
            elif len(parts) == 2 and parts[0] == "signal" and parts[1] in SIGNALS:
                pid = serve_pid(unit)
                os.kill(pid, SIGNALS[parts[1]])
                self.answer(200, {"signal": parts[1], "pid": pid, "at": time.time()})
            else:
                self.answer(404, {"error": f"unknown control {self.path}; use /mode/{'|'.join(MODES)} "
                                           f"or /signal/{'|'.join(SIGNALS)}"})

        def do_GET(self) -> None:  # noqa: N802
            self.answer(200, {"mode": read_mode(mode_file), "pid": serve_pid(unit), "at": time.time()})

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Control


def control(args: argparse.Namespace) -> None:
    args.mode_file.parent.mkdir(parents=True, exist_ok=True)
    ThreadingHTTPServer(("0.0.0.0", args.control_port), control_handler(args.mode_file, args.unit)).serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("serve", "control"))
    parser.add_argument("--port", type=int, default=5044)
    parser.add_argument("--health-port", type=int, default=9600)
    parser.add_argument("--control-port", type=int, default=9601)
    parser.add_argument("--mode-file", type=Path, default=Path("/run/lp-testbackend/mode"))
    parser.add_argument("--unit", default="lp-testbackend.service")
    args = parser.parse_args()
    serve(args) if args.command == "serve" else control(args)


if __name__ == "__main__":
    main()
