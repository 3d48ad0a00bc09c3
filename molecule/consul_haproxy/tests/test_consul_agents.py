"""Consul agents (asked on the producer and a backend): membership, default-deny ACLs, declared services."""

from __future__ import annotations

import json

from consul_api import ALL, BACKENDS, calls, config

testinfra_hosts = ["ch-producer-1", "ch-backend-1"]


def test_agent_config_acl_and_gossip(host):
    cfg = config(host)
    acl = cfg["acl"]
    assert acl["enabled"] is True and acl["default_policy"] == "deny"
    assert "initial_management" not in acl["tokens"]  # only servers hold it
    assert acl["tokens"]["agent"] != acl["tokens"]["default"]
    assert len(cfg["encrypt"]) == 44 and cfg["encrypt_verify_incoming"] and cfg["encrypt_verify_outgoing"]
    assert host.file("/etc/consul.d/consul.json").mode == 0o640


def test_membership_acls_and_services(host):
    members, services, kv_write, register, bad_token, health = calls(
        host,
        ("GET", "/v1/agent/members", None, None),
        ("GET", "/v1/catalog/services", None, None),
        ("PUT", "/v1/kv/logpipe-probe", None, "x"),
        ("PUT", "/v1/agent/service/register", None, json.dumps({"Name": "intruder", "Port": 1})),
        ("GET", "/v1/catalog/services", "00000000-0000-0000-0000-000000000000", None),
        ("GET", "/v1/health/service/logmaster", None, None),
    )
    # Every agent is an alive member (status 1).
    assert members[0] == 200, members
    assert {m["Name"]: m["Status"] for m in json.loads(members[1])} == dict.fromkeys(ALL, 1)

    # Without a token a local call gets the default (DNS) token: catalog reads, nothing else.
    assert services[0] == 200, services
    assert kv_write[0] == 403 and register[0] == 403 and bad_token[0] == 403

    # Only declared services exist: the stray one registered by hand in side_effect was removed by the role.
    assert set(json.loads(services[1])) == {"consul", "logmaster"}

    # Both logmasters pass one HTTP check with a timeout.
    assert health[0] == 200, health
    entries = json.loads(health[1])
    assert sorted(e["Node"]["Node"] for e in entries) == BACKENDS
    for entry in entries:
        assert entry["Service"]["Port"] == 5044
        checks = [c for c in entry["Checks"] if c["ServiceID"] == "logmaster"]
        assert [(c["Type"], c["Interval"], c["Timeout"]) for c in checks] == [("http", "2s", "1s")]
        assert {c["Status"] for c in entry["Checks"]} == {"passing"}
