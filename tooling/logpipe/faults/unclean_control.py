"""Negative control of scenario 5: an unsafe producer (acks=1) into a control topic that allows unclean leader
election and needs one in-sync replica, while its partition leader is cut off. The isolated leader keeps
accepting writes that are truncated when it rejoins: the reconciliation must count them as lost.
The logmaster is never configured like this; only this control topic and producer are."""

from __future__ import annotations

import threading
import time

from logpipe.console import progress, step
from logpipe.faults.cluster import end_offsets, leader_host, retrying, wait_cluster_whole
from logpipe.faults.collect import collect
from logpipe.faults.context import LabContext
from logpipe.faults.host import now_ms
from logpipe.faults.measure import ScenarioResult, seen_seqs
from logpipe.faults.network import cut_off
from logpipe.lab.reconcile import Stream, make_line, reconcile

CONTROL_TOPIC = "faults.control-unclean"
UNSAFE_TOPIC_CONFIG = {"unclean.leader.election.enable": "true", "min.insync.replicas": "1"}
HOST = "suite"  # the control's lines come from the machine running the suite, not a producer host


def ensure_control_topic(bootstrap: str) -> None:
    retrying(lambda: _create_control_topic(bootstrap), f"creating {CONTROL_TOPIC}")


def _create_control_topic(bootstrap: str) -> None:
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        admin.create_topics([NewTopic(CONTROL_TOPIC, 1, 3, topic_configs=UNSAFE_TOPIC_CONFIG)])
        progress(f"created {CONTROL_TOPIC} with {UNSAFE_TOPIC_CONFIG}")
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


class AcksOneProducer:
    """Sends test lines at `rate` per second with acks=1 in a thread; remembers which seqs Kafka confirmed."""

    def __init__(self, bootstrap: str, path: str, rate: int) -> None:
        from kafka import KafkaProducer

        # Long metadata age: keep talking to the old leader, as a client that sees no error would.
        self.producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks=1, retries=0, linger_ms=0,
                                      metadata_max_age_ms=600_000)
        self.path, self.rate = path, rate
        self.sent, self.acked = 0, set()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._send, daemon=True)

    def _send(self) -> None:
        began = time.monotonic()
        while not self.stopping.is_set():
            seq = self.sent
            future = self.producer.send(CONTROL_TOPIC, make_line(HOST, self.path, seq, now_ms()).encode())
            future.add_callback(lambda _meta, seq=seq: self.acked.add(seq))
            self.sent += 1
            ahead = self.sent / self.rate - (time.monotonic() - began)
            if ahead > 0:
                time.sleep(ahead)

    def __enter__(self) -> AcksOneProducer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()
        self.producer.flush(timeout=30)
        self.producer.close(timeout=30)


def unclean_election_control(ctx: LabContext, cut_s: float = 60, rate: int = 200,
                             after_heal_s: float = 20) -> ScenarioResult:
    """Control of 5: acks=1 producer, unclean election allowed, leader cut off: must lose writes."""
    title = f"control of 5: acks=1, unclean election allowed, leader cut off {cut_s:.0f}s"
    step(f"scenario 5-control: {title}")
    began = time.monotonic()
    result = ScenarioResult("5-control", title)
    ensure_control_topic(ctx.bootstrap)
    wait_cluster_whole(ctx.bootstrap, len(ctx.brokers))
    since = end_offsets(ctx.bootstrap, [CONTROL_TOPIC])
    path = f"acks1-{time.strftime('%Y%m%dT%H%M%S')}"
    with AcksOneProducer(ctx.bootstrap, path, rate) as producer:
        time.sleep(5)
        leader = leader_host(ctx.bootstrap, ctx.ips, CONTROL_TOPIC, 0)
        result.checks["isolated"] = leader
        with cut_off(leader, ctx.ips):
            time.sleep(cut_s)
        wait_cluster_whole(ctx.bootstrap, len(ctx.brokers))
        time.sleep(after_heal_s)
    acked = set(producer.acked)
    streams = [Stream(HOST, path, CONTROL_TOPIC, producer.sent)]
    arrivals = collect(ctx.bootstrap, since, streams, timeout=120, quiet_s=30)
    report = reconcile(streams, arrivals)[CONTROL_TOPIC]
    seen = seen_seqs(arrivals, HOST, path)
    # Only what Kafka confirmed counts as sent: an unconfirmed send is the producer's to retry, not a loss.
    result.sent, result.received = len(acked), len(acked & seen)
    result.duplicated = report.duplicated
    # No recovery time: this control loses lines by design, so "everything caught up" never happens.
    result.checks["unconfirmed_sends"] = producer.sent - len(acked)
    result.wall_s = round(time.monotonic() - began, 1)
    progress(f"scenario 5-control: {len(acked)} confirmed by Kafka, {result.lost} of them lost")
    return result

