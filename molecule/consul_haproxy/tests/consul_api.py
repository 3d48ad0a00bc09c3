"""Helpers shared by the scenario's tests: read a host's Consul config, call its local HTTP API."""

from __future__ import annotations

import json

SERVERS = ["ch-consul-1", "ch-consul-2", "ch-consul-3"]
BACKENDS = ["ch-backend-1", "ch-backend-2"]
ALL = [*SERVERS, *BACKENDS, "ch-producer-1"]
API = "http://127.0.0.1:8500"


def config(host) -> dict:
    return json.loads(host.check_output("cat /etc/consul.d/consul.json"))


def http(host, method: str, path: str, token: str | None = None, body: str | None = None) -> tuple[int, str]:
    """Status and body of one call to the host's local Consul HTTP API (through the host's python3)."""
    script = (
        "import sys, urllib.request, urllib.error\n"
        f"req = urllib.request.Request({API + path!r}, method={method!r}, data={body.encode() if body else None!r})\n"
        + (f"req.add_header('X-Consul-Token', {token!r})\n" if token else "")
        + "try:\n    r = urllib.request.urlopen(req, timeout=10); print(r.status); print(r.read().decode())\n"
        "except urllib.error.HTTPError as e:\n    print(e.code); print(e.read().decode())\n"
    )
    out = host.check_output("python3 -c %s", script)
    status, _, text = out.partition("\n")
    return int(status), text


