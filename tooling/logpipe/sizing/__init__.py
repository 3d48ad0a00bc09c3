"""Broker sizing: Kafka thread counts, log dirs and heap derived from a broker's hardware facts.

The one place this rule lives. Terraform exports the hardware facts (vCPUs, memory, data mounts, storage kind),
Ansible reads the settings through the `kafka_broker_sizing` filter; see docs/sizing.md for the rule and sources.
"""

from logpipe.sizing.broker import (
    STORAGE_KINDS,
    BrokerHardware,
    BrokerSettings,
    as_server_properties,
    broker_settings,
    hardware_from_dict,
    settings_as_filter_dict,
)

__all__ = [
    "STORAGE_KINDS",
    "BrokerHardware",
    "BrokerSettings",
    "as_server_properties",
    "broker_settings",
    "hardware_from_dict",
    "settings_as_filter_dict",
]
