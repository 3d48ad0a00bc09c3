"""Broker sizing rule: worked examples, invariants (hypothesis), errors naming the field, and the Ansible filter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logpipe.errors import LogpipeError
from logpipe.sizing import (
    BrokerHardware,
    BrokerSettings,
    as_server_properties,
    broker_settings,
    hardware_from_dict,
)
from tests.support.ansible_plugins import load_filters

REPO = Path(__file__).resolve().parents[2]


def hw(vcpus: int = 8, memory_mib: int = 61 * 1024, disks: int = 1, storage: str = "ebs") -> BrokerHardware:
    return BrokerHardware(vcpus=vcpus, memory_mib=memory_mib, data_dirs=[f"/data/{i}" for i in range(disks)],
                          storage=storage)


def test_d2_2xlarge_with_six_instance_disks() -> None:
    # d2.2xlarge: 8 vCPUs, 61 GiB, 6 x 2 TB HDD instance store (the seed's later broker).
    s = broker_settings(hw(vcpus=8, memory_mib=62464, disks=6, storage="instance"))
    assert s == BrokerSettings(num_io_threads=12, num_network_threads=3, num_replica_fetchers=2,
                               log_dirs=",".join(f"/data/{i}/kafka-logs" for i in range(6)), heap_mb=6144)


def test_ebs_broker_io_threads_follow_cpus_not_volumes() -> None:
    # r5.4xlarge-like: 16 vCPUs, 128 GiB, 2 EBS st1 volumes.
    s = broker_settings(hw(vcpus=16, memory_mib=131072, disks=2, storage="ebs"))
    assert (s.num_io_threads, s.num_network_threads, s.num_replica_fetchers) == (16, 4, 4)
    assert s.heap_mb == 6144


def test_small_lab_broker_gets_kafka_defaults_and_quarter_heap() -> None:
    s = broker_settings(hw(vcpus=2, memory_mib=2048, disks=1))
    assert (s.num_io_threads, s.num_network_threads, s.num_replica_fetchers) == (8, 3, 1)
    assert s.heap_mb == 512
    assert s.log_dirs == "/data/0/kafka-logs"


def test_instance_store_disks_get_more_io_threads_than_ebs_volumes() -> None:
    ebs = broker_settings(hw(vcpus=4, disks=12, storage="ebs"))
    local = broker_settings(hw(vcpus=4, disks=12, storage="instance"))
    assert (ebs.num_io_threads, local.num_io_threads) == (12, 24)


def test_trailing_slash_mounts_do_not_double_slash() -> None:
    s = broker_settings(BrokerHardware(vcpus=4, memory_mib=4096, data_dirs=["/data/a/", "/data/b"]))
    assert s.log_dirs == "/data/a/kafka-logs,/data/b/kafka-logs"


def test_server_properties_are_strings_and_exclude_heap() -> None:
    props = as_server_properties(broker_settings(hw(vcpus=32, memory_mib=262144, disks=4, storage="instance")))
    assert props == {"num.io.threads": "32", "num.network.threads": "8", "num.replica.fetchers": "8",
                     "log.dirs": ",".join(f"/data/{i}/kafka-logs" for i in range(4))}


@given(vcpus=st.integers(1, 448), memory=st.integers(1024, 24 * 1024 * 1024), disks=st.integers(1, 48),
       storage=st.sampled_from(["instance", "ebs"]))
def test_invariants(vcpus: int, memory: int, disks: int, storage: str) -> None:
    s = broker_settings(hw(vcpus=vcpus, memory_mib=memory, disks=disks, storage=storage))
    assert 8 <= s.num_io_threads <= 64
    assert s.num_io_threads >= min(64, disks)  # at least one handler per disk, as Kafka's docs ask
    assert 3 <= s.num_network_threads <= 16
    assert 1 <= s.num_replica_fetchers <= 8
    assert s.heap_mb % 256 == 0 and 256 <= s.heap_mb <= 6144
    assert s.heap_mb <= memory // 2  # most memory is left to the page cache
    assert len(s.log_dirs.split(",")) == disks


@given(vcpus=st.integers(1, 200), memory=st.integers(1024, 1 << 20))
def test_more_hardware_never_lowers_a_setting(vcpus: int, memory: int) -> None:
    small = broker_settings(hw(vcpus=vcpus, memory_mib=memory, disks=2))
    big = broker_settings(hw(vcpus=vcpus + 1, memory_mib=memory + 1024, disks=3))
    assert big.num_io_threads >= small.num_io_threads
    assert big.num_network_threads >= small.num_network_threads
    assert big.num_replica_fetchers >= small.num_replica_fetchers
    assert big.heap_mb >= small.heap_mb


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"vcpus": 0}, "vcpus"),
        ({"vcpus": True}, "vcpus"),
        ({"vcpus": "8"}, "vcpus"),
        ({"memory_mib": 512}, "memory_mib"),
        ({"storage": "nvme"}, "storage"),
        ({"data_dirs": []}, "data_dirs"),
        ({"data_dirs": ["data/0"]}, "data_dirs"),
        ({"data_dirs": ["/data/0", "/data/0/"]}, "data_dirs"),
        ({"data_dirs": ["/data/a,b"]}, "data_dirs"),
        ({"data_dirs": "/data/0"}, "data_dirs"),
    ],
)
def test_invalid_hardware_names_the_field(kwargs: dict, field: str) -> None:
    base = {"vcpus": 4, "memory_mib": 4096, "data_dirs": ["/data/0"], "storage": "ebs"}
    with pytest.raises(LogpipeError, match=f"'{field}'"):
        BrokerHardware(**{**base, **kwargs})


def test_hardware_from_dict_names_missing_fields() -> None:
    with pytest.raises(LogpipeError, match="memory_mib, data_dirs"):
        hardware_from_dict({"vcpus": 2})
    assert hardware_from_dict({"vcpus": 2, "memory_mib": 2048, "data_dirs": ("/d",)}).storage == "ebs"


def test_filter_plugin_returns_the_contract_dict() -> None:
    filters = load_filters()
    out = filters["kafka_broker_sizing"]({"vcpus": 8, "memory_mib": 62464, "storage": "instance",
                                          "data_dirs": ["/data/0", "/data/1"]})
    assert out == {"num.io.threads": 8, "num.network.threads": 3, "num.replica.fetchers": 2,
                   "log.dirs": "/data/0/kafka-logs,/data/1/kafka-logs", "heap_mb": 6144}


def test_filter_plugin_rejects_bad_input_with_ansible_error() -> None:
    from ansible.errors import AnsibleFilterError

    filters = load_filters()
    with pytest.raises(AnsibleFilterError, match="'storage'"):
        filters["kafka_broker_sizing"]({"vcpus": 8, "memory_mib": 4096, "storage": "tape", "data_dirs": ["/d"]})


def test_filter_through_real_ansible_templating(tmp_path: Path) -> None:
    """The filter as the Kafka role will use it: loaded from ansible/plugins/filter by ansible itself."""
    bindir = Path(sys.executable).parent
    expr = ("{{ {'vcpus': 16, 'memory_mib': 32768, 'storage': 'ebs', 'data_dirs': ['/data/0']}"
            " | kafka_broker_sizing | to_json }}")
    env = {**os.environ, "ANSIBLE_FILTER_PLUGINS": str(REPO / "ansible/plugins/filter"),
           "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
           "ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_LOAD_CALLBACK_PLUGINS": "true",
           "ANSIBLE_HOME": str(tmp_path)}
    proc = subprocess.run([str(bindir / "ansible"), "localhost", "-m", "ansible.builtin.debug",
                           "-a", f"msg={expr}"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]["msg"]
    value = json.loads(result) if isinstance(result, str) else result
    assert value == {"num.io.threads": 16, "num.network.threads": 4, "num.replica.fetchers": 4,
                     "log.dirs": "/data/0/kafka-logs", "heap_mb": 6144}
