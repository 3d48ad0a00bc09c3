"""Every region root against moto: apply, re-plan shows no changes, inventory from applied state, destroy; the
instance-type replacement keeps the data volumes; a held S3 lock makes a second plan fail."""

from __future__ import annotations

import ipaddress

import pytest

pytestmark = pytest.mark.terraform

EXPECTED = {
    "lab": {"brokers": 3, "controllers": 0, "logmasters": 3, "consul": 3, "disks": 1, "storage": "ebs"},
    "us-east-1": {"brokers": 6, "controllers": 0, "logmasters": 6, "consul": 3, "disks": 2, "storage": "ebs"},
    "eu-west-1": {"brokers": 3, "controllers": 3, "logmasters": 3, "consul": 5, "disks": 6, "storage": "instance"},
}
VPC = {"lab": "10.49.0.0/16", "us-east-1": "10.41.0.0/16", "eu-west-1": "10.42.0.0/16"}


@pytest.mark.parametrize("root", list(EXPECTED))
def test_apply_then_plan_shows_no_changes(tf_suite, root: str) -> None:
    out = tf_suite.result(root)
    assert out.plan_after_apply == 0, f"re-plan of {root} shows changes:\n{out.plan_after_apply_text}"


@pytest.mark.parametrize("root", list(EXPECTED))
def test_inventory_from_applied_state(tf_suite, root: str) -> None:
    out = tf_suite.result(root)
    want = EXPECTED[root]
    groups = out.inventory["all"]["children"]
    assert set(groups) == {"kafka_brokers", "kafka_controllers", "logmasters", "consul_servers", "producers"}
    brokers = groups["kafka_brokers"]["hosts"]
    assert sorted(brokers) == sorted(f"kafka-{i}" for i in range(1, want["brokers"] + 1))
    assert len(groups["kafka_controllers"]["hosts"]) == want["controllers"]
    assert len(groups["logmasters"]["hosts"]) == want["logmasters"]
    assert sorted(groups["consul_servers"]["hosts"]) == [f"consul-{i}" for i in range(1, want["consul"] + 1)]
    assert groups["producers"]["hosts"] == {}
    assert out.inventory["all"]["vars"]["aws_region"] == out.region
    network = ipaddress.ip_network(VPC[root])
    for group in groups.values():
        for host, hv in group["hosts"].items():
            ec2 = out.instances[hv["instance_id"]]
            assert ec2["state"] == "running", host
            assert hv["private_ip"] == ec2["private_ip"] and ipaddress.ip_address(hv["private_ip"]) in network, host
            assert hv["availability_zone"] == ec2["az"], host
            assert ec2["tags"]["Name"] == host and ec2["imds_tokens"] == "required", host
            assert hv["instance_type"] == ec2["instance_type"] and hv["vcpus"] >= 1 and hv["memory_mib"] >= 1024
    racks = {}
    for host, hv in brokers.items():
        ec2 = out.instances[hv["instance_id"]]
        assert hv["kafka_broker_id"] == int(host.split("-")[1])
        assert hv["kafka_rack"] == hv["availability_zone"] == ec2["tags"]["KafkaRack"]
        assert ec2["tags"]["KafkaBrokerId"] == str(hv["kafka_broker_id"]) and ec2["tags"]["Role"] == "kafka_broker"
        assert hv["disk_count"] == want["disks"] == len(hv["data_devices"]) == len(hv["data_dirs"])
        assert hv["storage"] == want["storage"]
        racks[hv["kafka_rack"]] = racks.get(hv["kafka_rack"], 0) + 1
    assert len(racks) == 3 and max(racks.values()) - min(racks.values()) == 0, racks


@pytest.mark.parametrize("root", ["lab", "us-east-1"])
def test_data_volumes_encrypted_and_attached_to_their_broker(tf_suite, root: str) -> None:
    out = tf_suite.result(root)
    brokers = out.inventory["all"]["children"]["kafka_brokers"]["hosts"]
    assert len(out.volumes_by_key) == EXPECTED[root]["brokers"] * EXPECTED[root]["disks"]
    for key, volume_id in out.volumes_by_key.items():
        vol = out.extra["volumes"][volume_id]
        broker = brokers[f"kafka-{key.split('/')[0]}"]
        assert vol["encrypted"] and vol["kms_key_id"], key
        assert vol["instance_id"] == broker["instance_id"] and vol["az"] == broker["availability_zone"], key
        assert volume_id in broker["data_volume_ids"]


def test_instance_type_change_replaces_brokers_and_keeps_volumes(tf_suite) -> None:
    out = tf_suite.result("us-east-1")
    rep = out.extra["replacement"]
    assert rep["plan_rc"] == 2
    broker_changes = {a: c for a, c in rep["changes"].items() if ".aws_instance.broker[" in a}
    assert len(broker_changes) == 6 and all(set(c) == {"delete", "create"} for c in broker_changes.values())
    volume_changes = {a: c for a, c in rep["changes"].items() if ".aws_ebs_volume.data[" in a}
    assert volume_changes and all(c == ["no-op"] for c in volume_changes.values()), volume_changes
    assert not [a for a, c in rep["changes"].items() if "delete" in c and "aws_ebs_volume" in a]
    # Applied: same volume ids, each attached to its broker's new instance of the new type.
    assert rep["volume_ids_after"] == out.volumes_by_key
    for key, volume_id in out.volumes_by_key.items():
        new_instance = rep["brokers_after"][key.split("/")[0]]["instance_id"]
        assert new_instance != rep["attached_before"][volume_id]
        assert rep["volumes_after"][volume_id]["instance_id"] == new_instance
    assert set(rep["types_after"].values()) == {rep["new_type"]}


def test_held_s3_lock_makes_a_second_plan_fail(tf_suite) -> None:
    lock = tf_suite.result("eu-west-1").extra["lock"]
    assert lock["lock_keys"] == ["regions/eu-west-1/terraform.tfstate.tflock"]
    assert lock["lock_body"]["Operation"] == "OperationTypeApply"
    assert lock["blocked_rc"] == 1 and "Error acquiring the state lock" in lock["blocked_stderr"]
    assert "Apply cancelled" in lock["holder_out"]
    assert not [k for k in lock["keys_after"] if k.endswith(".tflock")]
    assert lock["free_plan_rc"] == 0  # lock released: a plan runs and finds the state as applied


@pytest.mark.parametrize("root", list(EXPECTED))
def test_destroy_leaves_nothing(tf_suite, root: str) -> None:
    out = tf_suite.result(root)
    assert out.left_after_destroy == {"instances": [], "volumes": [], "state_resources": []}
    assert sorted(out.released) == sorted(out.volumes_by_key.values()) == sorted(out.deleted)
