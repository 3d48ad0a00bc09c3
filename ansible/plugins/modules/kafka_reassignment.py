#!/usr/bin/python
"""Ansible module kafka_reassignment: a thin adapter over logpipe.placement (the planner and apply live there)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_reassignment
short_description: Plan and apply rack-aware, minimal-movement replica and leader placement on a live cluster
description:
  - Reads the cluster through the Kafka admin API, plans the scenario with logpipe.placement (replica-count and
    preferred-leader spread <= 1, rack spread, disk <= O(disk_limit) counting moves in flight, fewest moves), then
    applies it in batches under a replication throttle, waits for each batch, removes the throttles and runs
    preferred-leader elections.
  - Idempotent, since a balanced cluster plans no change and reports C(changed=false).
  - Check mode plans only and reports what would move. Diff mode shows the reassignment JSON.
  - "Run on the controller (C(delegate_to: localhost), C(run_once: true)) with the logpipe virtualenv's python."
options:
  bootstrap_servers:
    description: Brokers as C(host:port), a list or a comma-separated string.
    type: list
    elements: str
    required: true
  scenario:
    description: C(rebalance) moves replicas and leaders as needed; C(leaders) reorders replicas only (no data
      moves); C(add_brokers) / C(remove_brokers) use O(add) / O(remove).
    type: str
    choices: [rebalance, leaders, add_brokers, remove_brokers]
    default: rebalance
  add:
    description: Brokers joining, each C({id, rack, capacity_bytes}); they must already be running.
    type: list
    elements: dict
    default: []
  remove:
    description: Broker ids to empty.
    type: list
    elements: int
    default: []
  disk_limit:
    description: Highest disk use per broker, counting every move in flight.
    type: float
    default: 0.8
  batch_size:
    description: Partitions with data moves per batch.
    type: int
    default: 50
  throttle_bytes:
    description: Replication throttle per broker (bytes/s) while a batch copies.
    type: int
    default: 52428800
  batch_timeout:
    description: Seconds to wait for one batch.
    type: int
    default: 3600
"""

EXAMPLES = r"""
- name: Spread leaders after a broker restart left them on one broker
  kafka_reassignment:
    bootstrap_servers: "{{ groups['kafka_brokers'] | map('extract', hostvars, 'private_ip') | product([':9092'])
      | map('join') | list }}"
    scenario: leaders
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
moves:
  description: Replicas copied to a new broker.
  returned: always
  type: int
lower_bound:
  description: Fewest moves any plan meeting the count and rack objectives needs.
  returned: always
  type: int
reassignment:
  description: The reassignment JSON (Kafka's version 1 format).
  returned: always
  type: dict
measures:
  description: Spreads and ratios before and after (from the plan), and verified on the live cluster when applied.
  returned: always
  type: dict
"""

import json  # noqa: E402
from functools import partial  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible.module_utils.logpipe_adapter import BOOTSTRAP_SERVERS_SPEC, logpipe_errors  # noqa: E402


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            **BOOTSTRAP_SERVERS_SPEC,
            "scenario": {"type": "str", "default": "rebalance",
                         "choices": ["rebalance", "leaders", "add_brokers", "remove_brokers"]},
            "add": {"type": "list", "elements": "dict", "default": []},
            "remove": {"type": "list", "elements": "int", "default": []},
            "disk_limit": {"type": "float", "default": 0.8},
            "batch_size": {"type": "int", "default": 50},
            "throttle_bytes": {"type": "int", "default": 50 * 1024**2},
            "batch_timeout": {"type": "int", "default": 3600},
        },
        required_if=[("scenario", "add_brokers", ("add",)), ("scenario", "remove_brokers", ("remove",))],
        supports_check_mode=True,
    )
    p = module.params
    client = None
    log: list[str] = []
    try:
        with logpipe_errors("kafka_reassignment", partial(module.fail_json, changed=False, log=log), KeyError,
                            ValueError):
            from logpipe.placement import Broker, Options, plan
            from logpipe.kafka.admin import connect
            from logpipe.placement import admin as live
            from logpipe.placement.apply import apply_plan, leftover_throttles
            from logpipe.placement.output import reassignment
            from logpipe.placement.verify import verify

            client = connect(p["bootstrap_servers"], client_id=live.CLIENT_ID)
            current = live.read_cluster(client)
            add = [Broker(int(b["id"]), b.get("rack"), int(b.get("capacity_bytes", 0))) for b in p["add"]]
            result = plan(current, add=add, remove=p["remove"], leaders_only=p["scenario"] == "leaders",
                          scenario=p["scenario"], options=Options(disk_limit=p["disk_limit"]))
            changed = bool(result.changed)
            measures = {"before": result.measures_before().as_dict(), "planned": result.measures().as_dict()}
            if changed and not module.check_mode:
                apply_plan(client, result.before, result.after, current, batch_size=p["batch_size"],
                           throttle_bytes=p["throttle_bytes"], batch_timeout=p["batch_timeout"], progress=log.append)
                now = live.read_cluster(client)
                verdict = verify(now, planned=result.after, ongoing=len(client.list_partition_reassignments()),
                                 throttles=leftover_throttles(client, sorted({q.topic for q in now.partitions}),
                                                              list(now.broker_ids)))
                measures["verified"] = verdict.measures.as_dict()
                if not verdict.ok:
                    module.fail_json(msg="applied, but verify found: " + "; ".join(verdict.problems), changed=True,
                                     log=log, measures=measures)
    finally:
        if client is not None:
            client.close()
    out = {"changed": changed, "moves": result.moves, "lower_bound": result.lower_bound,
           "reassignment": reassignment(result), "measures": measures, "log": log, "notes": list(result.notes)}
    if module._diff:
        out["diff"] = {"before": "", "after": json.dumps(out["reassignment"], indent=1) + "\n",
                       "after_header": "reassignment.json"}
    module.exit_json(**out)


if __name__ == "__main__":
    main()
