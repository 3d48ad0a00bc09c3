"""The pure parts of logpipe.faults: cut-off routes, HAProxy readings, grown partitions, the control config."""

from __future__ import annotations

import json

import pytest

from logpipe.errors import LogpipeError
from logpipe.faults.cluster import grown_partitions
from logpipe.faults.filebeat_control import native_identity_config
from logpipe.faults.network import Blackhole, cut_off_routes
from logpipe.faults.observe import in_rotation, serving

IPS = {"kafka-1": "10.0.0.5", "kafka-2": "10.0.0.6", "logmaster-a1": "10.0.0.8"}


def test_cut_off_blackholes_both_directions_and_nothing_else():
    routes = cut_off_routes("kafka-1", IPS)
    assert set(routes) == {Blackhole("kafka-1", "10.0.0.6"), Blackhole("kafka-1", "10.0.0.8"),
                           Blackhole("kafka-2", "10.0.0.5"), Blackhole("logmaster-a1", "10.0.0.5")}
    assert routes[0].command("add") == "ip route add blackhole 10.0.0.6/32"


def test_cut_off_of_an_unknown_host_names_it():
    with pytest.raises(LogpipeError, match="'kafka-9': not a lab host"):
        cut_off_routes("kafka-9", IPS)


def test_haproxy_rows_in_rotation_and_serving():
    rows = [{"svname": "logmaster1", "status": "UP", "addr": "10.0.0.8:5044", "scur": "0"},
            {"svname": "logmaster2", "status": "UP", "addr": "10.0.0.9:5044", "scur": "2"},
            {"svname": "logmaster3", "status": "MAINT (resolution)", "addr": "10.0.0.10:5044", "scur": "1"}]
    assert in_rotation(rows) == {"10.0.0.8", "10.0.0.9"}
    assert serving(rows) == ["10.0.0.9", "10.0.0.10"]


def test_grown_partitions_most_grown_first():
    before = {("t", 0): 10, ("t", 1): 5, ("t", 2): 7}
    after = {("t", 0): 12, ("t", 1): 50, ("t", 2): 7}
    assert grown_partitions(before, after) == [("t", 1), ("t", 0)]


def test_control_filebeat_identifies_files_by_inode_and_keeps_the_safe_output():
    config = json.loads(native_identity_config(["/x/*.log"], {"log_type": "access"}, "127.0.0.1:5044"))
    (the_input,) = config["filebeat.inputs"]
    assert "file_identity.native" in the_input
    assert the_input["prospector.scanner.fingerprint.enabled"] is False
    assert config["output.logstash"]["pipelining"] == 0
    assert "queue.mem" in config


def test_retrying_outlasts_refused_connections_and_names_what_failed(monkeypatch):
    from logpipe.faults import cluster

    monkeypatch.setattr(cluster.time, "sleep", lambda _s: None)
    calls = iter([ConnectionRefusedError("111"), ConnectionRefusedError("111"), {"ok": 1}])

    def flaky():
        outcome = next(calls)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert cluster.retrying(flaky, "reading offsets") == {"ok": 1}

    def refused():
        raise ConnectionRefusedError("111")

    with pytest.raises(LogpipeError, match="reading offsets failed for 0s: ConnectionRefusedError"):
        cluster.retrying(refused, "reading offsets", timeout=0)
