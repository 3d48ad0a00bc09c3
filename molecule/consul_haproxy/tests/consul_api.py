"""Helpers shared by the scenario's tests: read a host's Consul config, call its local HTTP API.

Every remote command costs a round trip through Ansible and podman, so `calls` batches several HTTP calls into
one python3 run on the host.
"""

from __future__ import annotations

import json
import os

SERVERS = ["ch-consul-1", "ch-consul-2", "ch-consul-3"]
BACKENDS = ["ch-backend-1", "ch-backend-2"]
ALL = [*SERVERS, *BACKENDS, "ch-producer-1"]
API = "http://127.0.0.1:8500"

# Runs on the host: argv[1] is a JSON list of [method, path, token, body]; prints a JSON list of [status, body].
_CALLS = """
import json, sys, urllib.error, urllib.request
out = []
for method, path, token, body in json.loads(sys.argv[1]):
    req = urllib.request.Request(sys.argv[2] + path, method=method, data=body.encode() if body else None)
    if token:
        req.add_header("X-Consul-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            out.append([resp.status, resp.read().decode()])
    except urllib.error.HTTPError as exc:
        out.append([exc.code, exc.read().decode()])
print(json.dumps(out))
"""


def config(host) -> dict:
    return json.loads(host.check_output("cat /etc/consul.d/consul.json"))


def calls(host, *requests: tuple[str, str, str | None, str | None]) -> list[tuple[int, str]]:
    """(status, body) of each (method, path, token, body) against the host's local Consul HTTP API, in one run."""
    out = host.check_output("python3 -c %s %s %s", _CALLS, json.dumps(requests), API)
    return [(status, text) for status, text in json.loads(out)]


def get(host, path: str, token: str | None = None) -> tuple[int, str]:
    return calls(host, ("GET", path, token, None))[0]


def address_of(host, name: str) -> str:
    """The IPv4 address of host `name`, asked on that host: container networks here need not resolve names."""
    other = host.get_host(f"ansible://{name}", ansible_inventory=os.environ["MOLECULE_INVENTORY_FILE"])
    return other.check_output("hostname -I").split()[0]
