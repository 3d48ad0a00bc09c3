"""Retention that cannot fill a disk: per-topic retention and segment settings from topic classes, a per-broker
disk budget over the placement, and a re-check of that budget before every change.

    from logpipe.retention import plan, check_change, AddPartitions
    result = plan(inputs)                      # RetentionPlan: per-topic settings + per-broker budgets
    check_change(inputs, AddPartitions("access", 24, new_replicas))   # None, or LogpipeError with the numbers
"""

from logpipe.retention.budget import BrokerBudget, BudgetExceeded, Degradation, DiskBudget, RetentionPlan, plan
from logpipe.retention.calc import TopicRetention, peak_disk_bytes, peak_log_bytes, topic_retention
from logpipe.retention.changes import (
    AddPartitions,
    AddTopic,
    Change,
    PlacementPlan,
    apply_change,
    check_change,
    plan_change,
)
from logpipe.retention.loader import inputs_from_data, load_file, placement_from_partitions, placement_from_reassignment
from logpipe.retention.model import (
    Broker,
    BudgetInputs,
    Disk,
    Placement,
    Replica,
    Settings,
    Topic,
    TopicClass,
    even_placement,
    validate,
)

__all__ = [
    "AddPartitions",
    "AddTopic",
    "Broker",
    "BrokerBudget",
    "BudgetExceeded",
    "BudgetInputs",
    "Change",
    "Degradation",
    "Disk",
    "DiskBudget",
    "Placement",
    "PlacementPlan",
    "Replica",
    "RetentionPlan",
    "Settings",
    "Topic",
    "TopicClass",
    "TopicRetention",
    "apply_change",
    "check_change",
    "even_placement",
    "inputs_from_data",
    "load_file",
    "peak_disk_bytes",
    "peak_log_bytes",
    "placement_from_partitions",
    "placement_from_reassignment",
    "plan",
    "plan_change",
    "topic_retention",
    "validate",
]
