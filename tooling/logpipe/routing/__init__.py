"""The routing table shared by both logmaster engines: event fields -> Kafka topic, plus default and DLQ."""

from logpipe.routing.table import (
    Condition,
    Format,
    Route,
    RoutingTable,
    Rule,
    get_field,
    load_routing_table,
    parse_routing_table,
)

__all__ = [
    "Condition",
    "Format",
    "Route",
    "RoutingTable",
    "Rule",
    "get_field",
    "load_routing_table",
    "parse_routing_table",
]
