"""`terraform output -json` (its `ansible_inventory` output) -> an Ansible YAML inventory, validated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from logpipe.errors import LogpipeError

GROUPS = ("kafka_brokers", "kafka_controllers", "logmasters", "consul_servers", "producers")
HOST_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
# Vars every host of a group must carry, so roles never meet a half-described host.
REQUIRED_VARS: dict[str, tuple[str, ...]] = {
    "kafka_brokers": ("kafka_broker_id", "kafka_rack", "private_ip", "instance_type", "vcpus", "memory_mib",
                      "data_devices", "disk_count", "availability_zone"),
    "kafka_controllers": ("kafka_node_id", "kafka_rack", "private_ip", "instance_type", "vcpus", "memory_mib",
                          "availability_zone"),
    "logmasters": ("private_ip", "instance_type", "vcpus", "memory_mib", "availability_zone"),
    "consul_servers": ("private_ip", "instance_type", "vcpus", "memory_mib", "availability_zone"),
    "producers": ("private_ip",),
}
OUTPUT_NAME = "ansible_inventory"


def _output_value(outputs_json: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(outputs_json, Mapping):
        raise LogpipeError(f"terraform outputs must be a JSON object, got {type(outputs_json).__name__}")
    if OUTPUT_NAME not in outputs_json:
        names = ", ".join(sorted(outputs_json)) or "none"
        raise LogpipeError(f"terraform outputs have no '{OUTPUT_NAME}' output (found: {names}); is the root "
                           "applied and does it expose module.region.ansible_inventory?")
    entry = outputs_json[OUTPUT_NAME]
    value = entry.get("value") if isinstance(entry, Mapping) and "value" in entry else None
    if not isinstance(value, Mapping):
        raise LogpipeError(f"output '{OUTPUT_NAME}' has no object 'value' (is it from `terraform output -json`?)")
    return value


def _host_vars(group: str, host: str, raw: Any) -> dict[str, Any]:
    if not HOST_NAME.match(host):
        raise LogpipeError(f"host name {host!r} in group '{group}' is not a short DNS-safe name "
                           "(lowercase letter first, then lowercase letters, digits or '-')")
    if not isinstance(raw, Mapping):
        raise LogpipeError(f"host '{host}' in group '{group}' has vars of type {type(raw).__name__}, not an object")
    missing = [name for name in REQUIRED_VARS[group] if raw.get(name) in (None, "")]
    if missing:
        raise LogpipeError(f"host '{host}' in group '{group}' lacks var(s) {', '.join(missing)}")
    host_vars = {key: raw[key] for key in sorted(raw) if raw[key] is not None}
    host_vars["ansible_host"] = raw["private_ip"]
    return host_vars


def _check_brokers(hosts: Mapping[str, Mapping[str, Any]]) -> None:
    seen: dict[int, str] = {}
    for host, host_vars in hosts.items():
        broker_id = host_vars["kafka_broker_id"]
        if isinstance(broker_id, bool) or not isinstance(broker_id, int | float) or int(broker_id) != broker_id:
            raise LogpipeError(f"host '{host}' has kafka_broker_id {broker_id!r}; it must be an integer")
        if int(broker_id) in seen:
            raise LogpipeError(f"kafka_broker_id {int(broker_id)} is used by both '{seen[int(broker_id)]}' "
                               f"and '{host}'")
        seen[int(broker_id)] = host
        if host_vars["disk_count"] != len(host_vars["data_devices"]):
            raise LogpipeError(f"host '{host}' has disk_count {host_vars['disk_count']} but "
                               f"{len(host_vars['data_devices'])} data_devices")


def inventory_from_outputs(outputs_json: Mapping[str, Any]) -> dict[str, Any]:
    """Build `{"all": {"vars": ..., "children": {group: {"hosts": {host: vars}}}}}` from `terraform output -json`.

    Every group of GROUPS is present (possibly empty); hosts and vars are sorted; a host may sit in one group only.
    Numbers that Terraform emits as floats but are whole (ids, counts) become ints.
    """
    value = _output_value(outputs_json)
    groups = value.get("groups")
    if not isinstance(groups, Mapping):
        raise LogpipeError(f"output '{OUTPUT_NAME}' has no 'groups' object")
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        raise LogpipeError(f"output '{OUTPUT_NAME}' has unknown group(s) {', '.join(unknown)}; "
                           f"expected {', '.join(GROUPS)}")
    children: dict[str, Any] = {}
    placed: dict[str, str] = {}
    for group in GROUPS:
        raw_hosts = groups.get(group) or {}
        if not isinstance(raw_hosts, Mapping):
            raise LogpipeError(f"group '{group}' must map host names to vars, got {type(raw_hosts).__name__}")
        hosts: dict[str, Any] = {}
        for host in sorted(raw_hosts):
            if host in placed:
                raise LogpipeError(f"host '{host}' appears in both '{placed[host]}' and '{group}'")
            placed[host] = group
            hosts[host] = _normalise(_host_vars(group, host, raw_hosts[host]))
        if group == "kafka_brokers":
            _check_brokers(hosts)
        children[group] = {"hosts": hosts}
    cluster_vars = value.get("vars") or {}
    if not isinstance(cluster_vars, Mapping):
        raise LogpipeError(f"output '{OUTPUT_NAME}' has 'vars' of type {type(cluster_vars).__name__}")
    return {"all": {"vars": _normalise(dict(sorted(cluster_vars.items()))), "children": children}}


def _normalise(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def render_inventory_yaml(inventory: Mapping[str, Any], source: str) -> str:
    """The inventory as YAML with a header naming where it came from (deterministic for the same input)."""
    header = f"# Generated by `logpipe inventory from-terraform` from {source}; do not edit.\n"
    return header + yaml.safe_dump(dict(inventory), sort_keys=False, default_flow_style=False)
