"""Builders for retention inputs shared by the retention unit tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from logpipe.retention import BudgetInputs, inputs_from_data

TiB = 1024**4


def document(capacity: str = "8TiB", n_brokers: int = 3, **overrides: Any) -> dict[str, Any]:
    """Three brokers, two classes (system 30d priority 1; access 7d priority 2, may degrade to 3d), two topics."""
    doc: dict[str, Any] = {
        "classes": {
            "system": {"age": "30d", "priority": 1},
            "access": {"age": "7d", "priority": 2, "min_age": "3d"},
        },
        "brokers": [{"id": i, "disks": [{"path": "/data", "capacity": capacity}]} for i in range(1, n_brokers + 1)],
        "topics": [
            {
                "name": "access",
                "class": "access",
                "partitions": 12,
                "replication_factor": 3,
                "ingest": "20MiB/s",
                "compression_ratio": 4,
            },
            {
                "name": "syslog",
                "class": "system",
                "partitions": 6,
                "replication_factor": 3,
                "ingest": "2MiB/s",
                "compression_ratio": 5,
            },
        ],
    }
    doc.update(overrides)
    return doc


@pytest.fixture
def make_inputs() -> Callable[..., BudgetInputs]:
    def build(**kwargs: Any) -> BudgetInputs:
        inputs, _ = inputs_from_data(document(**kwargs))
        return inputs

    return build
