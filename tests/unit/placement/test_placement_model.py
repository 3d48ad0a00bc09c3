"""The model: validation names the bad field, JSON round trips, rack rules."""

from __future__ import annotations

import json

import pytest

from logpipe.errors import LogpipeError
from logpipe.placement import Broker, Cluster, Partition, cluster_from_dict, cluster_to_dict, load_cluster


def test_round_trip_through_json(tiny, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cluster_to_dict(tiny)))
    again = load_cluster(path)
    assert cluster_to_dict(again) == cluster_to_dict(tiny)
    assert again.partitions[0].replicas == (1, 2, 3)


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["brokers"][0].update(id="one"), r"brokers\[0\]\.id"),
    (lambda d: d["brokers"][0].update(speed=3), r"brokers\[0\]: unknown field\(s\) \['speed'\]"),
    (lambda d: d["partitions"][0].update(replicas=[1, 1, 2]), "name a broker twice"),
    (lambda d: d["partitions"][0].update(replicas=[1, 2, 99]), r"unknown broker\(s\) \[99\]"),
    (lambda d: d["partitions"][0].pop("topic"), r"partitions\[0\]: missing 'topic'"),
    (lambda d: d["partitions"].append(dict(d["partitions"][0])), "listed twice"),
    (lambda d: d["brokers"][1].update(rack=None), r"brokers \[2\] have no rack"),
    (lambda d: d["partitions"][0].update(size_bytes=-1), "size_bytes"),
])
def test_bad_input_names_the_field(tiny, mutate, message):
    data = cluster_to_dict(tiny)
    mutate(data)
    with pytest.raises(LogpipeError, match=message):
        cluster_from_dict(data)


def test_missing_file_and_bad_json_are_clear(tmp_path):
    with pytest.raises(LogpipeError, match="does not exist"):
        load_cluster(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(LogpipeError, match="not valid JSON"):
        load_cluster(bad)


def test_unplaced_partition_needs_a_replication_factor():
    with pytest.raises(LogpipeError, match="replication_factor"):
        Partition("t", 0, ())
    assert Partition("t", 0, (), replication_factor=3).rf == 3


def test_without_racks_each_broker_is_its_own_rack():
    c = Cluster(brokers=(Broker(1), Broker(2)), partitions=())
    assert not c.racks_enabled
    assert c.rack_of(1) != c.rack_of(2)
