"""Kafka: topics as code (`topics`), KRaft identity and quorum (`cluster`), restart health (`health`), and the
admin-client adapter that reads and changes a live cluster (`admin`)."""

from logpipe.kafka.cluster import cluster_id_from_name, process_roles, quorum_voters, validate_cluster_id
from logpipe.kafka.health import HealthReport, Snapshot, assess, partition_racks, snapshot_from_responses
from logpipe.kafka.topics import (
    ConfigChange,
    TopicPlan,
    TopicSpec,
    TopicState,
    describe_plan,
    normalise_config,
    plan_absent,
    plan_topic,
    render_topic,
    spec_from_dict,
    state_after,
)

__all__ = [
    "ConfigChange",
    "HealthReport",
    "Snapshot",
    "TopicPlan",
    "TopicSpec",
    "TopicState",
    "assess",
    "cluster_id_from_name",
    "describe_plan",
    "normalise_config",
    "partition_racks",
    "plan_absent",
    "plan_topic",
    "process_roles",
    "quorum_voters",
    "render_topic",
    "snapshot_from_responses",
    "spec_from_dict",
    "state_after",
    "validate_cluster_id",
]
