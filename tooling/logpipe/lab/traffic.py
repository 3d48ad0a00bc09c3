"""Test traffic for the lab: write sequence-numbered lines into log files on producer hosts, read the topics
back from Kafka, and reconcile (sent, received, lost, duplicated, latency, rate) per topic."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import yaml

from logpipe.console import progress, step
from logpipe.errors import LogpipeError
from logpipe.lab.hosts import host_program, run_python
from logpipe.lab.reconcile import Arrival, Stream, format_table, reconcile
from logpipe.lab.state import LabState, endpoints
from logpipe.paths import REPO_ROOT

def write_lines(host: str, path: str, count: int, start: int = 0, width: int = 183, rate: int = 0) -> None:
    """Append `count` test lines (seq start..start+count-1) to `path` on container host `host`."""
    program = host_program("logpipe.lab.remote", "write_lines")
    run_python(host, program, host, path, str(start), str(count), str(width), str(rate))


def read_topics(bootstrap: str, topics: Iterable[str], expected: int | None, quiet_seconds: float = 60.0,
                timeout: float = 300.0, until: Callable[[list[Arrival]], bool] | None = None) -> list[Arrival]:
    """Everything in `topics` from the beginning, until `expected` records (if given) arrived and then nothing new
    for 3 s (trailing duplicates), or `until(arrivals)` holds, or nothing new at all for `quiet_seconds`, or
    `timeout`."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False,
                             auto_offset_reset="earliest", consumer_timeout_ms=1000)
    try:
        partitions = [TopicPartition(t, p) for t in sorted(set(topics))
                      for p in sorted(consumer.partitions_for_topic(t) or ())]
        if not partitions:
            raise LogpipeError(f"none of the topics {sorted(set(topics))} exist at {bootstrap}")
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        arrivals: list[Arrival] = []
        deadline, last_new = time.monotonic() + timeout, time.monotonic()
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=1000, max_records=5000)
            for records in batch.values():
                arrivals.extend(Arrival(r.topic, r.value, r.timestamp, tuple(r.headers or ())) for r in records)
                last_new = time.monotonic()
            quiet = time.monotonic() - last_new
            if (expected is not None and len(arrivals) >= expected and quiet > 3.0) or quiet > quiet_seconds:
                break
            if until is not None and batch and until(arrivals):
                break
        return arrivals
    finally:
        consumer.close()


def lab_streams(lines: int) -> list[Stream]:
    """The smoke's streams from the lab inventory (`lab_smoke_streams`: path → topic), on every producer host."""
    group_vars = yaml.safe_load((REPO_ROOT / "inventories/lab/group_vars/all.yml").read_text())
    streams = group_vars.get("lab_smoke_streams")
    if not streams:
        raise LogpipeError("inventories/lab/group_vars/all.yml defines no lab_smoke_streams (path → topic)")
    return streams


DEAD_LETTER_REASONS = ["oversized", "unparseable"]


def dead_letter_probe(state: LabState, host: str, topic: str = "logs.dead-letter") -> list[str]:
    """Write one unparseable and one oversized access line on `host`; return the dead-letter reasons (the
    `logpipe-reason` header) of the records that carry this probe's marker, sorted."""
    stamp = time.time_ns()
    # Dead-letter records carry the event's file path too: the marker must appear only in the probe lines.
    marker, path = f"dlq-marker-{stamp}", f"/var/log/app/access-probe-{stamp}.log"
    # The probe file: padding, an unparseable and an oversized line (remote/dead_letter_probe.py says why).
    run_python(host, host_program("logpipe.lab.remote", "dead_letter_probe"), path, marker, f"padding {stamp} ")
    arrivals = read_topics(endpoints(state)["kafka_bootstrap"], [topic], expected=None, quiet_seconds=30,
                           until=lambda found: sum(marker.encode() in a.value for a in found) >= 2)
    probes = [a for a in arrivals if marker.encode() in a.value]
    return sorted(dict(a.headers).get("logpipe-reason", b"").decode() for a in probes)


def smoke(state: LabState, lines: int = 2000) -> int:
    producers = sorted(h for h, e in state.hosts.items() if "producers" in e["groups"])
    if not producers:
        raise LogpipeError("the lab has no producer hosts: run `logpipe lab up` first")
    stream_defs = lab_streams(lines)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    streams = [Stream(host, d["path"].replace(".log", f"-smoke-{stamp}.log"), d["topic"], lines)
               for host in producers for d in stream_defs]
    step(f"writing {lines} lines to each of {len(streams)} files on {len(producers)} producer hosts")
    began = time.monotonic()
    for s in streams:
        write_lines(s.host, s.path, s.lines)
        progress(f"{s.host}:{s.path} → expect topic {s.topic}")
    step("reading the topics back and reconciling")
    arrivals = read_topics(endpoints(state)["kafka_bootstrap"], {s.topic for s in streams},
                           expected=sum(s.lines for s in streams))
    seconds = time.monotonic() - began
    reports = reconcile(streams, arrivals)
    print(format_table(reports, seconds))
    lost = sum(r.lost for r in reports.values())
    misrouted = sum(r.misrouted for r in reports.values())
    step(f"smoke: {lost} lost, {misrouted} misrouted in {seconds:.1f}s")
    step(f"writing an unparseable and an oversized line on {producers[0]}")
    reasons = dead_letter_probe(state, producers[0])
    dead_lettered = reasons == DEAD_LETTER_REASONS
    step(f"dead-letter topic: {', '.join(reasons) or 'nothing'} (expected {', '.join(DEAD_LETTER_REASONS)})")
    return 0 if lost == 0 and misrouted == 0 and dead_lettered else 1
