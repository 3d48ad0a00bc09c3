"""Consul servers: a 3-voter quorum with one leader, gossip encrypted with one key on every member."""

from __future__ import annotations

import json

from consul_api import ALL, SERVERS, config, http

testinfra_hosts = ["ch-consul-1"]


def test_three_voting_servers_with_one_leader(host):
    token = config(host)["acl"]["tokens"]["initial_management"]
    status, text = http(host, "GET", "/v1/operator/raft/configuration", token)
    assert status == 200, text
    servers = json.loads(text)["Servers"]
    assert sorted(s["Node"] for s in servers) == SERVERS
    assert all(s["Voter"] for s in servers)
    assert sum(s["Leader"] for s in servers) == 1


def test_gossip_is_encrypted_with_one_key_on_every_member(host):
    status, text = http(host, "GET", "/v1/operator/keyring", config(host)["acl"]["tokens"]["initial_management"])
    assert status == 200, text
    lan = [ring for ring in json.loads(text) if not ring["WAN"]]
    assert len(lan) == 1
    assert list(lan[0]["Keys"].values()) == [len(ALL)]  # one key, installed on all members


def test_management_token_is_not_the_agent_token(host):
    tokens = config(host)["acl"]["tokens"]
    assert len({tokens["initial_management"], tokens["agent"], tokens["default"]}) == 3
