#!/usr/bin/python
"""Ansible module kafka_topic: a thin adapter over logpipe.kafka (the rules live there)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_topic
short_description: Create a Kafka topic, grow its partitions and set its config (never shrink)
description:
  - Makes one topic match its declaration through the Kafka admin API (kafka-python on the controller).
  - Creates a missing topic; grows partitions; sets topic-level config overrides; with O(purge_config)
    also removes overrides not declared. Idempotent.
  - A smaller partition count or another replication factor is an error that changes nothing.
  - Check mode asks the brokers to validate the change (validate_only) and changes nothing; diff mode shows
    the topic before and after.
  - "Run on the controller (C(delegate_to: localhost), C(run_once: true)) with the logpipe virtualenv's python."
options:
  name:
    description: Topic name (1-249 of a-z A-Z 0-9 . _ -).
    type: str
    required: true
  partitions:
    description: Partition count. May grow; never shrinks. Required with O(state=present).
    type: int
  replication_factor:
    description: Replicas per partition; fixed once the topic exists. Required with O(state=present).
    type: int
  config:
    description: Topic-level config overrides, e.g. C(retention.ms). Values may be strings, numbers, booleans
      or lists (joined with commas).
    type: dict
    default: {}
  purge_config:
    description: Also remove topic-level overrides that O(config) does not name.
    type: bool
    default: false
  state:
    description: C(present) makes the topic match; C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  bootstrap_servers:
    description: Brokers as C(host:port), a list or a comma-separated string.
    type: list
    elements: str
    required: true
  timeout:
    description: Seconds to wait for Kafka on each request.
    type: int
    default: 30
"""

EXAMPLES = r"""
- name: Access logs, kept 7 days
  kafka_topic:
    name: logs.access
    partitions: 12
    replication_factor: 3
    config:
      retention.ms: 604800000
      min.insync.replicas: 2
    bootstrap_servers: "{{ groups['kafka_brokers'] | map('extract', hostvars, 'private_ip') | product([':9092'])
      | map('join') | list }}"
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
actions:
  description: What was (or, in check mode, would be) done, one line each.
  returned: always
  type: list
  elements: str
topic:
  description: The topic after the run (name, partitions, replication_factor, config overrides); null if absent.
  returned: always
  type: dict
"""

from functools import partial  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible.module_utils.logpipe_adapter import BOOTSTRAP_SERVERS_SPEC, logpipe_errors  # noqa: E402


def _as_dict(state):
    if state is None:
        return None
    return {"name": state.name, "partitions": state.partitions, "replication_factor": state.replication_factor,
            "config": dict(state.config)}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            **BOOTSTRAP_SERVERS_SPEC,
            "name": {"type": "str", "required": True},
            "partitions": {"type": "int"},
            "replication_factor": {"type": "int"},
            "config": {"type": "dict", "default": {}},
            "purge_config": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "timeout": {"type": "int", "default": 30},
        },
        required_if=[("state", "present", ("partitions", "replication_factor"))],
        supports_check_mode=True,
    )
    p = module.params
    client = None
    try:
        with logpipe_errors("kafka_topic", partial(module.fail_json, changed=False)):
            from logpipe.kafka import admin, topics

            if p["state"] == "present":
                desired = topics.spec_from_dict({"name": p["name"], "partitions": p["partitions"],
                                                 "replication_factor": p["replication_factor"], "config": p["config"]})
            else:
                topics.validate_topic_name(p["name"])
            client = admin.connect(p["bootstrap_servers"], timeout_s=p["timeout"])
            adapter = admin.TopicAdmin(client, timeout_s=p["timeout"])
            current = adapter.describe(p["name"])
            if p["state"] == "present":
                brokers = adapter.broker_count() if current is None else None
                plan = topics.plan_topic(desired, current, purge_config=p["purge_config"], broker_count=brokers)
            else:
                plan = topics.plan_absent(p["name"], current)
            adapter.apply(plan, validate_only=module.check_mode)
            after = topics.state_after(plan, current)
    finally:
        if client is not None:
            client.close()

    result = {"changed": plan.changed, "actions": topics.describe_plan(plan), "topic": _as_dict(after)}
    if module._diff:
        result["diff"] = {"before": topics.render_topic(current), "after": topics.render_topic(after),
                          "before_header": f"topic {p['name']} (cluster)", "after_header": f"topic {p['name']}"}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
