"""Ansible filter `host_addresses`: a thin adapter over logpipe.inventory.addresses (the rule lives there).

    consul_retry_join: "{{ groups['consul_servers'] | host_addresses(hostvars) }}"
"""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from logpipe.errors import LogpipeError
from logpipe.inventory.addresses import host_addresses as _host_addresses


def host_addresses(names: Any, hostvars: Any) -> list[str]:
    """Each host's private_ip, else its gathered default IPv4 address, else its inventory name."""
    try:
        return _host_addresses(list(names), {name: hostvars[name] for name in names if name in hostvars})
    except LogpipeError as exc:
        raise AnsibleFilterError(f"host_addresses: {exc}") from exc


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"host_addresses": host_addresses}
