"""How one inventory host reaches another: the address Terraform gave it (`private_ip`), else the IPv4 address
Ansible gathered on it, else its inventory name. Names are the last resort on purpose: container networks without
a DNS plugin (podman's CNI backend when installed without recommends) do not resolve them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from logpipe.errors import LogpipeError


def host_address(name: str, host_vars: Mapping[str, Any]) -> str:
    if host_vars.get("private_ip"):
        return str(host_vars["private_ip"])
    gathered = (host_vars.get("ansible_facts") or {}).get("default_ipv4") or {}
    return str(gathered.get("address") or name)


def host_addresses(names: Iterable[str], hostvars: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """`host_address` of each of `names`, in order; a name missing from `hostvars` is an inventory error."""
    missing = [name for name in names if name not in hostvars]
    if missing:
        raise LogpipeError(f"host(s) {', '.join(missing)} are not in the inventory")
    return [host_address(name, hostvars[name]) for name in names]
