"""Consul agents (asked on the producer and a backend): membership, default-deny ACLs, declared services."""

from __future__ import annotations

import json

from consul_api import ALL, BACKENDS, config, http

testinfra_hosts = ["ch-producer-1", "ch-backend-1"]


def test_every_agent_is_an_alive_member(host):
    status, text = http(host, "GET", "/v1/agent/members")
    assert status == 200, text
    assert {m["Name"]: m["Status"] for m in json.loads(text)} == dict.fromkeys(ALL, 1)  # 1 = alive


def test_acls_deny_by_default(host):
    # A call without a token gets the agent's default token: reads for DNS and the catalog, nothing else.
    assert http(host, "GET", "/v1/catalog/services")[0] == 200
    assert http(host, "PUT", "/v1/kv/logpipe-probe", body="x")[0] == 403
    assert http(host, "PUT", "/v1/agent/service/register", body=json.dumps({"Name": "intruder", "Port": 1}))[0] == 403
    assert http(host, "GET", "/v1/catalog/services", token="00000000-0000-0000-0000-000000000000")[0] == 403
    acl = config(host)["acl"]
    assert acl["enabled"] is True and acl["default_policy"] == "deny"
    assert "initial_management" not in acl["tokens"]  # only servers hold it


def test_gossip_key_is_set_and_verified(host):
    cfg = config(host)
    assert len(cfg["encrypt"]) == 44 and cfg["encrypt_verify_incoming"] and cfg["encrypt_verify_outgoing"]
    assert host.file("/etc/consul.d/consul.json").mode == 0o640


def test_logmaster_instances_pass_an_http_check_with_a_timeout(host):
    status, text = http(host, "GET", "/v1/health/service/logmaster")
    assert status == 200, text
    entries = json.loads(text)
    assert sorted(e["Node"]["Node"] for e in entries) == BACKENDS
    for entry in entries:
        assert entry["Service"]["Port"] == 5044
        checks = [c for c in entry["Checks"] if c["ServiceID"] == "logmaster"]
        assert [c["Type"] for c in checks] == ["http"]
        assert checks[0]["Definition"]["Timeout"] == "1s"
        assert {c["Status"] for c in entry["Checks"]} == {"passing"}


def test_only_declared_services_are_registered(host):
    status, text = http(host, "GET", "/v1/catalog/services")
    assert status == 200, text
    assert set(json.loads(text)) == {"consul", "logmaster"}
