"""The cluster as a client sees it, from the controller with kafka-python against the brokers' IPs.

Runs in file order: metadata, a round trip with acks=all, rack spread, kafka_topic against the live cluster,
then the role again: --check --diff (nothing changes), a change with kafka_restart_allowed=false (nothing
restarts, the restart stays pending), and the rolling restart that picks it up while a producer sends
continuously: 0 failed sends, 0 lost (counted by sequence number).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import testinfra
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from logpipe.kafka import admin, health
from tests.support.ansible_plugins import run_module

HOSTS = ["mk-kafka-1", "mk-kafka-2", "mk-kafka-3"]
RACK_OF = {1: "lab-a", 2: "lab-b", 3: "lab-c"}
SCENARIO = Path(__file__).resolve().parents[1]
RESTART_TOPIC = "verify.restart"
PRODUCE_RATE = 300  # messages per second offered during the rolling restart (bounded: shared CPU)


def inventory_dir() -> str:
    path = os.environ.get("MOLECULE_INVENTORY_FILE")
    if not path:
        pytest.fail("MOLECULE_INVENTORY_FILE is not set: run these tests through `scripts/molecule.sh kafka verify`")
    return str(Path(path).parent)


@pytest.fixture(scope="module")
def hosts() -> dict[str, Any]:
    return {name: testinfra.get_host(f"podman://{name}") for name in HOSTS}


@pytest.fixture(scope="module")
def bootstrap(hosts: dict[str, Any]) -> list[str]:
    return [f"{h.check_output('hostname -I').split()[0]}:9092" for h in hosts.values()]


@pytest.fixture()
def client(bootstrap: list[str]):
    c = admin.connect(bootstrap, timeout_s=30)
    yield c
    c.close()


def run_topic_module(bootstrap: list[str], check: bool = False, **args: Any) -> dict[str, Any]:
    """kafka_topic exactly as Ansible runs it (JSON arguments on stdin)."""
    return run_module("kafka_topic", {"bootstrap_servers": bootstrap, **args, "_ansible_check_mode": check,
                                      "_ansible_diff": True})


def converge(*extra: str) -> subprocess.CompletedProcess[str]:
    """Run the scenario's converge playbook again, as molecule does, with extra ansible-playbook arguments."""
    playbook = Path(sys.executable).parent / "ansible-playbook"
    cmd = [str(playbook), "-i", inventory_dir(), str(SCENARIO / "converge.yml"), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=1500, env=os.environ.copy())


def failure(proc: subprocess.CompletedProcess[str]) -> str:
    return f"ansible-playbook exited {proc.returncode}:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"


def java_pids(hosts: dict[str, Any]) -> dict[str, int]:
    return {name: int(h.check_output("systemctl show -p MainPID --value kafka")) for name, h in hosts.items()}


# --- the cluster ----------------------------------------------------------------------------------------------------

def test_all_brokers_are_in_the_metadata_in_their_racks(client) -> None:
    snap = admin.read_snapshot(client)
    assert {b.broker_id: (b.rack, b.fenced) for b in snap.brokers} == {i: (r, False) for i, r in RACK_OF.items()}
    assert snap.quorum is not None and sorted(v.node_id for v in snap.quorum.voters) == [1, 2, 3]
    report = health.assess(snap, expected_brokers=[1, 2, 3], expected_voters=[1, 2, 3])
    assert report.healthy, report.problems


def test_round_trip_with_acks_all(bootstrap: list[str]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    marker = f"roundtrip-{time.time_ns()}"
    futures = [producer.send("logs.system", f"{marker}|{i}".encode()) for i in range(200)]
    producer.flush()
    metas = [f.get(timeout=30) for f in futures]
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=15000)
    parts = [TopicPartition("logs.system", m.partition) for m in metas]
    consumer.assign(sorted(set(parts)))
    for m in metas:
        consumer.seek(TopicPartition("logs.system", m.partition), min(x.offset for x in metas
                                                                      if x.partition == m.partition))
    seen = set()
    for record in consumer:
        text = record.value.decode()
        if text.startswith(marker):
            seen.add(int(text.split("|")[1]))
        if len(seen) == 200:
            break
    consumer.close()
    assert seen == set(range(200))


def test_rf3_topic_has_one_replica_in_each_rack(client) -> None:
    racks = health.partition_racks(admin.read_snapshot(client), "logs.access")
    assert len(racks) == 6
    assert all(sorted(r) == ["lab-a", "lab-b", "lab-c"] for r in racks.values()), racks


def test_topic_classes_carry_their_retention(client) -> None:
    ta = admin.TopicAdmin(client)
    assert ta.describe("logs.system").config["retention.ms"] == "2592000000"
    assert ta.describe("logs.access").config == {"min.insync.replicas": "2", "retention.ms": "604800000",
                                                 "segment.ms": "3600000"}


# --- kafka_topic against the live cluster -----------------------------------------------------------------------------

def test_kafka_topic_creates_grows_and_is_idempotent(bootstrap: list[str], client) -> None:
    name = f"verify.grow.{time.time_ns()}"  # a new topic every run: growing is one-way
    first = run_topic_module(bootstrap, name=name, partitions=2, replication_factor=3,
                             config={"retention.ms": 3600000})
    assert first.get("changed") in (True, False) and not first.get("failed"), first
    again = run_topic_module(bootstrap, name=name, partitions=2, replication_factor=3,
                             config={"retention.ms": 3600000})
    assert again["changed"] is False and again["actions"] == []
    checked = run_topic_module(bootstrap, check=True, name=name, partitions=4, replication_factor=3,
                               config={"retention.ms": 7200000})
    assert checked["changed"] and "partitions: 4" in checked["diff"]["after"]
    assert admin.TopicAdmin(client).describe(name).partitions == 2  # check mode changed nothing
    grown = run_topic_module(bootstrap, name=name, partitions=4, replication_factor=3,
                             config={"retention.ms": 7200000})
    assert grown["actions"] == [f"grow topic '{name}' from 2 to 4 partitions",
                                f"set retention.ms on topic '{name}': 3600000 -> 7200000"]
    state = admin.TopicAdmin(client).describe(name)
    assert (state.partitions, state.config["retention.ms"]) == (4, "7200000")


def test_kafka_topic_refuses_a_partition_decrease_and_changes_nothing(bootstrap: list[str], client) -> None:
    before = admin.TopicAdmin(client).describe("logs.access")
    out = run_topic_module(bootstrap, name="logs.access", partitions=3, replication_factor=3,
                           config={"retention.ms": 1000})
    assert out["failed"] and out["changed"] is False
    assert out["msg"] == ("kafka_topic: topic 'logs.access': partitions cannot decrease from 6 to 3 (Kafka cannot "
                          "remove partitions); set partitions to 6 or more, or create a new topic and move producers "
                          "to it")
    assert admin.TopicAdmin(client).describe("logs.access") == before


# --- the role again: check mode, held-back restart, rolling restart under load ---------------------------------------

def next_recovery_threads(hosts: dict[str, Any]) -> int:
    text = hosts[HOSTS[0]].file("/etc/kafka/server.properties").content_string
    current = [line.split("=", 1)[1] for line in text.splitlines()
               if line.startswith("num.recovery.threads.per.data.dir=")]
    return 3 if current == ["2"] else 2


@pytest.fixture(scope="module")
def change(hosts: dict[str, Any]) -> str:
    """A real server.properties change (toggles between 2 and 3 so the tests can run again)."""
    return json.dumps({"molecule_kafka_extra": {"num.recovery.threads.per.data.dir": next_recovery_threads(hosts)}})


def test_check_mode_shows_the_diff_and_changes_nothing(hosts: dict[str, Any], change: str) -> None:
    pids = java_pids(hosts)
    before = {n: h.file("/etc/kafka/server.properties").md5sum for n, h in hosts.items()}
    proc = converge("--check", "--diff", "-e", change)
    assert proc.returncode == 0, failure(proc)
    wanted = json.loads(change)["molecule_kafka_extra"]["num.recovery.threads.per.data.dir"]
    assert f"+num.recovery.threads.per.data.dir={wanted}" in proc.stdout
    assert java_pids(hosts) == pids
    assert {n: h.file("/etc/kafka/server.properties").md5sum for n, h in hosts.items()} == before


def test_restart_held_back_when_not_allowed(hosts: dict[str, Any], change: str) -> None:
    pids = java_pids(hosts)
    proc = converge("-e", change, "-e", json.dumps({"kafka_restart_allowed": False}))
    assert proc.returncode == 0, failure(proc)
    assert "kafka_restart_allowed is false" in proc.stdout
    assert java_pids(hosts) == pids
    assert all(h.file("/var/lib/kafka/restart-pending").exists for h in hosts.values())


class SequencedProducer(threading.Thread):
    """Sends `verify|restart|SEQ` at a fixed pace with acks=all; records acks and failures per sequence number."""

    def __init__(self, bootstrap: list[str], run_id: str) -> None:
        super().__init__(daemon=True)
        self.run_id = run_id
        self.producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                                      linger_ms=5, request_timeout_ms=30000, delivery_timeout_ms=180000,
                                      retries=2**31 - 1, max_in_flight_requests_per_connection=5)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.sent = 0
        self.acked: list[tuple[float, int]] = []
        self.failed: list[tuple[int, str]] = []

    def _ok(self, seq: int):
        def cb(_meta: Any) -> None:
            with self.lock:
                self.acked.append((time.monotonic(), seq))
        return cb

    def _err(self, seq: int):
        def cb(exc: BaseException) -> None:
            with self.lock:
                self.failed.append((seq, repr(exc)))
        return cb

    def run(self) -> None:
        start = time.monotonic()
        while not self.stop.is_set():
            due = start + self.sent / PRODUCE_RATE
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            seq = self.sent
            future = self.producer.send(RESTART_TOPIC, f"verify|{self.run_id}|{seq}|{'x' * 100}".encode())
            future.add_callback(self._ok(seq))
            future.add_errback(self._err(seq))
            self.sent += 1
        self.producer.flush(timeout=180)
        self.producer.close(timeout=30)


class BrokerWatcher(threading.Thread):
    """Samples the number of live (unfenced) brokers once a second: a rolling restart never has fewer than 2."""

    def __init__(self, bootstrap: list[str]) -> None:
        super().__init__(daemon=True)
        self.bootstrap = bootstrap
        self.stop = threading.Event()
        self.samples: list[int] = []

    def run(self) -> None:
        c = admin.connect(self.bootstrap, timeout_s=10)
        try:
            while not self.stop.wait(1.0):
                try:
                    cluster = c.describe_cluster()
                except Exception:  # one slow answer is not a measurement
                    continue
                self.samples.append(sum(1 for b in cluster["brokers"] if not b.get("is_fenced")))
        finally:
            c.close()


def read_sequences(bootstrap: list[str], run_id: str) -> Counter[int]:
    """How often each sequence number of this run is in the topic (earlier runs' records are skipped)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=20000)
    parts = [TopicPartition(RESTART_TOPIC, p) for p in sorted(consumer.partitions_for_topic(RESTART_TOPIC))]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    end = consumer.end_offsets(parts)
    seen: Counter[int] = Counter()
    for record in consumer:
        _, rid, seq, _ = record.value.decode().split("|", 3)
        if rid == run_id:
            seen[int(seq)] += 1
        if all(consumer.position(tp) >= end[tp] for tp in parts):
            break
    consumer.close()
    return seen


def test_rolling_restart_under_load_loses_nothing(hosts: dict[str, Any], bootstrap: list[str], change: str) -> None:
    created = run_topic_module(bootstrap, name=RESTART_TOPIC, partitions=6, replication_factor=3,
                               config={"min.insync.replicas": 2})
    assert not created.get("failed"), created
    pids = java_pids(hosts)
    run_id = str(time.time_ns())
    producer, watcher = SequencedProducer(bootstrap, run_id), BrokerWatcher(bootstrap)
    producer.start()
    watcher.start()
    time.sleep(5)  # steady state before the restart
    with producer.lock:
        acked_before = len(producer.acked)
    t0 = time.monotonic()
    proc = converge("-e", change)  # same change as before: the pending marks make this run restart
    t1 = time.monotonic()
    time.sleep(5)
    producer.stop.set()
    producer.join(timeout=300)
    watcher.stop.set()
    watcher.join(timeout=30)
    assert proc.returncode == 0, failure(proc)

    after = java_pids(hosts)
    # The restart window: from the first broker going down to the last one up again (systemd's monotonic
    # timestamps; containers share the kernel's clock with this process).
    stops = [int(h.check_output("systemctl show -p InactiveEnterTimestampMonotonic --value kafka")) / 1e6
             for h in hosts.values()]
    starts = [int(h.check_output("systemctl show -p ActiveEnterTimestampMonotonic --value kafka")) / 1e6
              for h in hosts.values()]
    w0, w1 = min(stops), max(starts)
    with producer.lock:
        during = [t for t, _ in producer.acked if w0 <= t <= w1]
    seen = read_sequences(bootstrap, run_id)
    acked = {seq for _, seq in producer.acked}
    lost = acked - set(seen)
    duplicates = sum(n - 1 for n in seen.values() if n > 1)
    seconds = max(w1 - w0, 1e-9)
    per_second = Counter(int(t - w0) for t in during)
    summary = (f"rolling restart: playbook {t1 - t0:.1f} s; brokers restarted one by one over {w1 - w0:.1f} s "
          f"(first down to last up; starts at +{', +'.join(f'{s - w0:.1f}' for s in sorted(starts))} s); "
          f"producer offered {PRODUCE_RATE} msg/s; acked in that window {len(during)} = "
          f"{len(during) / seconds:.1f} msg/s "
          f"(slowest second {min(per_second.get(s, 0) for s in range(int(seconds)))} msg/s); "
          f"acked before it {acked_before}; sent {producer.sent}, acked {len(acked)}, failed {len(producer.failed)}, "
          f"lost {len(lost)}, duplicates {duplicates}; fewest live brokers seen {min(watcher.samples, default=-1)}")
    print("\n" + summary)
    Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp"), "rolling-restart.txt").write_text(summary + "\n")
    assert producer.failed == []
    assert len(acked) == producer.sent
    assert lost == set()
    assert all(after[n] != pids[n] for n in HOSTS), (pids, after)  # every broker restarted
    assert watcher.samples and min(watcher.samples) >= 2  # one at a time
    assert not any(h.file("/var/lib/kafka/restart-pending").exists for h in hosts.values())
