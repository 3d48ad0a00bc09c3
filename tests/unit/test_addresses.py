import pytest

from logpipe.errors import LogpipeError
from logpipe.inventory.addresses import host_address, host_addresses


def test_terraform_address_wins_over_gathered_facts():
    assert host_address("kafka-1", {"private_ip": "10.0.1.5",
                                    "ansible_facts": {"default_ipv4": {"address": "10.89.0.5"}}}) == "10.0.1.5"


def test_gathered_address_when_terraform_gave_none():
    assert host_address("mk-kafka-1", {"ansible_facts": {"default_ipv4": {"address": "10.89.1.4"}}}) == "10.89.1.4"


def test_name_is_the_last_resort():
    assert host_address("consul-1", {}) == "consul-1"
    assert host_address("consul-1", {"ansible_facts": {}}) == "consul-1"


def test_addresses_keep_the_order_of_the_names():
    hostvars = {"b": {"private_ip": "10.0.0.2"}, "a": {"private_ip": "10.0.0.1"}}
    assert host_addresses(["b", "a"], hostvars) == ["10.0.0.2", "10.0.0.1"]


def test_a_host_missing_from_the_inventory_is_named():
    with pytest.raises(LogpipeError, match="ghost"):
        host_addresses(["ghost"], {})
