"""inventory_from_outputs: the Ansible inventory from `terraform output -json`, checked by real ansible-inventory."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from logpipe.cli import main as logpipe_main
from logpipe.errors import LogpipeError
from logpipe.inventory import GROUPS, inventory_from_outputs, render_inventory_yaml


def broker(i: int, az: str) -> dict:
    return {"kafka_broker_id": float(i), "kafka_rack": az, "availability_zone": az, "private_ip": f"10.42.{i}.10",
            "instance_id": f"i-0000{i}", "instance_type": "d3.2xlarge", "vcpus": 8.0, "cores": 4.0,
            "memory_mib": 65536.0, "storage": "instance", "disk_count": 2.0,
            "data_devices": ["/dev/nvme1n1", "/dev/nvme2n1"], "data_dirs": ["/data/0", "/data/1"],
            "data_volume_ids": []}


def node(ip: str, az: str) -> dict:
    return {"availability_zone": az, "rack": az, "private_ip": ip, "instance_id": "i-1", "instance_type": "c6i.large",
            "vcpus": 2.0, "cores": 1.0, "memory_mib": 4096.0}


def outputs() -> dict:
    value = {
        "vars": {"logpipe_cluster": "logpipe-euw1", "aws_region": "eu-west-1", "kafka_storage": "instance"},
        "groups": {
            "kafka_brokers": {"kafka-2": broker(2, "eu-west-1b"), "kafka-1": broker(1, "eu-west-1a"),
                              "kafka-3": broker(3, "eu-west-1c")},
            "kafka_controllers": {},
            "logmasters": {"logmaster-b1": node("10.42.16.5", "eu-west-1b"), "logmaster-a1": node("10.42.0.5",
                                                                                                  "eu-west-1a")},
            "consul_servers": {f"consul-{i}": node(f"10.42.{i}.7", "eu-west-1a") for i in (1, 2, 3)},
            "producers": {},
        },
    }
    return {"ansible_inventory": {"sensitive": False, "type": ["object", {}], "value": value},
            "brokers": {"sensitive": False, "type": "map", "value": {}}}


def test_groups_hosts_and_vars() -> None:
    inv = inventory_from_outputs(outputs())
    children = inv["all"]["children"]
    assert list(children) == list(GROUPS)
    assert list(children["kafka_brokers"]["hosts"]) == ["kafka-1", "kafka-2", "kafka-3"]
    k2 = children["kafka_brokers"]["hosts"]["kafka-2"]
    assert k2["kafka_broker_id"] == 2 and isinstance(k2["kafka_broker_id"], int)
    assert k2["vcpus"] == 8 and isinstance(k2["vcpus"], int) and k2["disk_count"] == 2
    assert k2["ansible_host"] == "10.42.2.10" and k2["kafka_rack"] == "eu-west-1b"
    assert children["producers"] == {"hosts": {}} and children["kafka_controllers"] == {"hosts": {}}
    assert list(children["logmasters"]["hosts"]) == ["logmaster-a1", "logmaster-b1"]
    assert inv["all"]["vars"] == {"aws_region": "eu-west-1", "kafka_storage": "instance",
                                  "logpipe_cluster": "logpipe-euw1"}


def test_output_is_deterministic() -> None:
    shuffled = outputs()
    groups = shuffled["ansible_inventory"]["value"]["groups"]
    groups["kafka_brokers"] = dict(reversed(list(groups["kafka_brokers"].items())))
    a = render_inventory_yaml(inventory_from_outputs(outputs()), "x")
    b = render_inventory_yaml(inventory_from_outputs(shuffled), "x")
    assert a == b


def _mutated(path: list, value) -> dict:
    data = copy.deepcopy(outputs())
    target = data["ansible_inventory"]["value"]
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"brokers": {"value": {}}}, "no 'ansible_inventory' output"),
        ({"ansible_inventory": {"type": "x"}}, "no object 'value'"),
        (_mutated(["groups", "web"], {}), "unknown group"),
        (_mutated(["groups", "logmasters", "Logmaster_A1"], node("10.0.0.1", "a")), "not a short DNS-safe"),
        (_mutated(["groups", "kafka_brokers", "kafka-1", "kafka_rack"], KeyError), "lacks var(s) kafka_rack"),
        (_mutated(["groups", "kafka_brokers", "kafka-3", "kafka_broker_id"], 1.0), "kafka_broker_id 1 is used"),
        (_mutated(["groups", "kafka_brokers", "kafka-3", "kafka_broker_id"], 1.5), "must be an integer"),
        (_mutated(["groups", "kafka_brokers", "kafka-1", "disk_count"], 3.0), "disk_count 3 but 2"),
        (_mutated(["groups", "consul_servers", "logmaster-a1"], node("10.0.0.1", "a")), "appears in both"),
        (_mutated(["groups", "producers"], ["p-1"]), "group 'producers' must map"),
    ],
)
def test_bad_outputs_name_the_problem(data: dict, message: str) -> None:
    with pytest.raises(LogpipeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        inventory_from_outputs(data)


def test_real_ansible_reads_the_inventory(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yml"
    path.write_text(render_inventory_yaml(inventory_from_outputs(outputs()), "test"))
    proc = subprocess.run([str(Path(sys.executable).with_name("ansible-inventory")), "-i", str(path), "--list"],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={"ANSIBLE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                               "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false"})
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert sorted(listed["kafka_brokers"]["hosts"]) == ["kafka-1", "kafka-2", "kafka-3"]
    assert sorted(listed["consul_servers"]["hosts"]) == ["consul-1", "consul-2", "consul-3"]
    hostvars = listed["_meta"]["hostvars"]
    assert hostvars["kafka-3"]["kafka_broker_id"] == 3 and hostvars["kafka-3"]["kafka_rack"] == "eu-west-1c"
    assert hostvars["kafka-3"]["data_devices"] == ["/dev/nvme1n1", "/dev/nvme2n1"]
    assert hostvars["logmaster-b1"]["logpipe_cluster"] == "logpipe-euw1"  # group_vars of all reach every host


def test_cli_from_saved_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "outputs.json"
    saved.write_text(json.dumps(outputs()))
    target = tmp_path / "out" / "hosts.yml"
    rc = logpipe_main(["inventory", "from-terraform", "--root", str(tmp_path), "--outputs-json", str(saved),
                       "--output", str(target)])
    assert rc == 0 and capsys.readouterr().out.strip() == str(target)
    text = target.read_text()
    assert text.startswith("# Generated by `logpipe inventory from-terraform`")
    assert yaml.safe_load(text)["all"]["children"]["kafka_brokers"]["hosts"]["kafka-1"]["kafka_broker_id"] == 1


def test_cli_reports_bad_outputs_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "outputs.json"
    saved.write_text("{not json")
    assert logpipe_main(["inventory", "from-terraform", "--root", ".", "--outputs-json", str(saved)]) == 2
    assert "--outputs-json" in capsys.readouterr().err


def test_state_resources_are_addressed_like_terraform_does() -> None:
    from logpipe.terraform.runner import resources_from_state

    state = {"version": 4, "resources": [
        {"module": "module.region.module.kafka", "mode": "managed", "type": "aws_ebs_volume", "name": "data",
         "instances": [{"index_key": "1/0", "attributes": {"id": "vol-1"}},
                       {"index_key": "2/0", "attributes": {"id": "vol-2"}}]},
        {"module": "module.region", "mode": "data", "type": "aws_region", "name": "current", "instances": [{}]},
        {"mode": "managed", "type": "aws_kms_key", "name": "k", "instances": [{"index_key": 0, "attributes": {}}]},
        {"mode": "managed", "type": "aws_ami", "name": "lab_host", "instances": [{"attributes": {"id": "ami-1"}}]},
    ]}
    found = resources_from_state(state)
    assert [r["address"] for r in found] == ['module.region.module.kafka.aws_ebs_volume.data["1/0"]',
                                             'module.region.module.kafka.aws_ebs_volume.data["2/0"]',
                                             "aws_kms_key.k[0]", "aws_ami.lab_host"]
    assert found[1]["values"]["id"] == "vol-2" and found[0]["type"] == "aws_ebs_volume"
