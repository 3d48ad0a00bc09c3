#!/usr/bin/python
"""Ansible module kafka_cluster_health: read-only probe over logpipe.kafka.health (the rule lives there)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_cluster_health
short_description: Report whether a KRaft cluster is healthy enough to restart the next broker
description:
  - Reads the cluster metadata (brokers, fenced or not, every partition's leader and ISR) and the KRaft quorum
    state through the admin API, and reports C(healthy) with the problems found. Never changes anything and
    never fails because the cluster is unhealthy (loop on RV(healthy) with C(until)); fails only on bad arguments.
  - Run on the controller (C(delegate_to: localhost)) with the logpipe virtualenv's python.
options:
  bootstrap_servers:
    description: Brokers as C(host:port).
    type: list
    elements: str
    required: true
  expected_brokers:
    description: Broker ids that must be registered and unfenced.
    type: list
    elements: int
    default: []
  expected_voters:
    description: Controller node ids that must be voters caught up with the metadata log.
    type: list
    elements: int
    default: []
  max_voter_lag:
    description: Records a voter may trail the high watermark.
    type: int
    default: 10
  timeout:
    description: Seconds for each admin request.
    type: int
    default: 10
"""

RETURN = r"""
healthy:
  description: True when every check passed.
  type: bool
  returned: always
problems:
  description: One line per failed check (empty when healthy), or the reason the cluster could not be read.
  type: list
  elements: str
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible.module_utils.logpipe_adapter import BOOTSTRAP_SERVERS_SPEC, logpipe_errors  # noqa: E402


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            **BOOTSTRAP_SERVERS_SPEC,
            "expected_brokers": {"type": "list", "elements": "int", "default": []},
            "expected_voters": {"type": "list", "elements": "int", "default": []},
            "max_voter_lag": {"type": "int", "default": 10},
            "timeout": {"type": "int", "default": 10},
        },
        supports_check_mode=True,
    )
    p = module.params
    with logpipe_errors("kafka_cluster_health", module.fail_json):
        from logpipe.kafka import admin, health

        servers = admin.bootstrap_list(p["bootstrap_servers"])
    client = None
    try:
        client = admin.connect(servers, timeout_s=p["timeout"])
        snapshot = admin.read_snapshot(client, with_quorum=bool(p["expected_voters"]))
        report = health.assess(snapshot, p["expected_brokers"], p["expected_voters"], p["max_voter_lag"])
        module.exit_json(changed=False, **report.as_dict())
    except Exception as exc:  # an unreachable or half-started cluster is "not healthy yet", not a module failure
        module.exit_json(changed=False, healthy=False, problems=[f"cannot read the cluster state: "
                                                                 f"{type(exc).__name__}: {exc}"])
    finally:
        if client is not None:
            client.close()


if __name__ == "__main__":
    main()
