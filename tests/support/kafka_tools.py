"""Kafka's own command-line tools, run from the artifact source the way its bin/ scripts would (the assembled
artifact ships libs/ and config/ only)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from logpipe.artifacts import kafka_home


def reassignment_verify(bootstrap: str, reassignment_json: Path) -> subprocess.CompletedProcess:
    """`kafka-reassign-partitions.sh --verify`: Kafka's judgement of a reassignment JSON against the live cluster."""
    tool = ["java", "-Xmx256m", "-cp", str(kafka_home() / "libs" / "*"),
            "org.apache.kafka.tools.reassign.ReassignPartitionsCommand"]
    return subprocess.run([*tool, "--bootstrap-server", bootstrap, "--reassignment-json-file",
                           str(reassignment_json), "--verify"], capture_output=True, text=True, check=False)
