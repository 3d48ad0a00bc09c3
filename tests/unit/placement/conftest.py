"""Small clusters shared by the placement unit tests."""

from __future__ import annotations

import pytest

from logpipe.placement import Broker, Cluster, Partition
from logpipe.placement import synthetic as syn


def balanced(brokers: int = 9, racks: int = 3, topics: int = 12, partitions: int = 12, seed: int = 3) -> Cluster:
    return syn.striped_cluster(syn.Shape(brokers=brokers, racks=racks, topics=syn.uniform_topics(topics, partitions),
                                         seed=seed))


@pytest.fixture
def nine() -> Cluster:
    return balanced()


@pytest.fixture
def tiny() -> Cluster:
    """Three brokers in three racks, two topics, every replica placed by hand."""
    brokers = (Broker(1, "a", 1000), Broker(2, "b", 1000), Broker(3, "c", 1000))
    parts = (
        Partition("x", 0, (1, 2, 3), 10, 5.0),
        Partition("x", 1, (1, 3, 2), 20, 1.0),
        Partition("x", 2, (1, 2, 3), 30, 2.0),
        Partition("y", 0, (1, 2), 40, 8.0),
    )
    return Cluster(brokers=brokers, partitions=parts)
