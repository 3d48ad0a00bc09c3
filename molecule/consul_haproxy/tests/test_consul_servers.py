"""Consul servers: a 3-voter quorum with one leader, gossip encrypted with one key on every member."""

from __future__ import annotations

import json

from consul_api import ALL, SERVERS, calls, config

testinfra_hosts = ["ch-consul-1"]


def test_quorum_and_gossip_keyring(host):
    tokens = config(host)["acl"]["tokens"]
    assert len({tokens["initial_management"], tokens["agent"], tokens["default"]}) == 3
    (raft_status, raft), (self_status, agent_self) = calls(
        host,
        ("GET", "/v1/operator/raft/configuration", tokens["initial_management"], None),
        ("GET", "/v1/agent/self", tokens["initial_management"], None),
    )
    assert raft_status == 200, raft
    servers = json.loads(raft)["Servers"]
    assert sorted(s["Node"] for s in servers) == SERVERS
    assert all(s["Voter"] for s in servers)
    assert sum(s["Leader"] for s in servers) == 1

    assert self_status == 200, agent_self
    assert json.loads(agent_self)["Stats"]["serf_lan"]["encrypted"] == "true"


def test_every_member_holds_the_one_gossip_key(host):
    token = config(host)["acl"]["tokens"]["initial_management"]
    # The keyring list is a gossip query answered by every member; on a loaded machine one answer can miss the
    # query's deadline (Consul then reports "5/6 nodes reported success"), so ask up to five times.
    for _ in range(5):
        status, ring = calls(host, ("GET", "/v1/operator/keyring", token, None))[0]
        if status == 200:
            break
    assert status == 200, ring
    lan = [r for r in json.loads(ring) if not r["WAN"]]
    assert len(lan) == 1
    assert list(lan[0]["Keys"].values()) == [len(ALL)]  # one key, installed on every member
