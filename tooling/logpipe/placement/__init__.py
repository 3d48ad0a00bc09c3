"""Rack-aware replica and leader placement with minimal movement (issue #7).

The model (`model`), the planner (`plan`: add/remove/replace brokers, leader-only rebalance, new topic), its
measures (`measures`), the Kafka JSON it writes (`output`), and the live-cluster adapters (`admin`, `apply`).
"""

from logpipe.placement.measures import Measures, measure
from logpipe.placement.model import Broker, Cluster, Partition, cluster_from_dict, cluster_to_dict, load_cluster
from logpipe.placement.plan import (
    Options,
    Plan,
    add_brokers,
    place_topic,
    plan,
    rebalance,
    rebalance_leaders,
    remove_brokers,
    replace_broker,
)

__all__ = [
    "Broker", "Cluster", "Measures", "Options", "Partition", "Plan", "add_brokers", "cluster_from_dict",
    "cluster_to_dict", "load_cluster", "measure", "place_topic", "plan", "rebalance", "rebalance_leaders",
    "remove_brokers", "replace_broker",
]
