"""The `logpipe` logmaster engine driven by the real Filebeat binary (not a client of our own), into a real Kafka.

Filebeat (filestream input, fingerprint identity, output.logstash with pipelining 0) ships a file of
sequence-numbered lines `host|file|seq|payload` plus one oversized and one unparseable line to the logmaster
(`logpipe logmaster run`, confluent-kafka, acks=all, idempotent), which routes them by `fields.log_type`.
Then everything is read back from Kafka: every sequence number is in the routed topic exactly once, and the two
bad lines are on the dead-letter topic with their reason and (cut) original bytes.

Needs the Kafka and Filebeat artifacts (`logpipe artifacts build`); without them it fails, naming the command.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from logpipe.logmaster.shipper import unpack_filebeat

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `tests.support` is imported from the repository root
    sys.path.insert(0, str(REPO))

from tests.support.local_kafka import LocalKafkaCluster, local_kafka  # noqa: E402

pytestmark = pytest.mark.kafka

LINES = 20_000
HOST, FILE = "controller", "app.log"
MAX_EVENT_BYTES = 900_000
OVERSIZED_BYTES = 2 * 1024 * 1024  # the "one 2 MB line" of shared/reliability.md scenario 12
KEEP_BYTES = 64 * 1024
TOPICS = {"access": "it-access", "other": "it-other", "dlq": "it-dlq"}


def create_topics(bootstrap: str) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(t, 3 if t == TOPICS["access"] else 1, 1) for t in TOPICS.values()])
    for future in futures.values():
        future.result(30)


def write_log(path: Path) -> None:
    with path.open("w") as f:
        for seq in range(LINES // 2):
            f.write(f"{HOST}|{FILE}|{seq}|{'p' * 100}\n")
        f.write("x" * OVERSIZED_BYTES + "\n")
        f.write("this line has no separators at all\n")
        for seq in range(LINES // 2, LINES):
            f.write(f"{HOST}|{FILE}|{seq}|{'p' * 100}\n")


def start_logmaster(workdir: Path, bootstrap: str) -> tuple[subprocess.Popen, int, int, Path]:
    routing = {"default_topic": TOPICS["other"], "dead_letter_topic": TOPICS["dlq"], "value": "message",
               "rules": [{"name": "access", "when": {"fields.log_type": "access"}, "topic": TOPICS["access"],
                          "format": {"delimited": {"separator": "|", "fields": 4}}}]}
    config = {"listen": {"host": "127.0.0.1", "port": 0}, "health": {"host": "127.0.0.1", "port": 0},
              "routing_table": "routing.yml", "kafka": {"bootstrap": bootstrap},
              "limits": {"max_event_bytes": MAX_EVENT_BYTES, "dead_letter_original_bytes": KEEP_BYTES}}
    (workdir / "routing.yml").write_text(yaml.safe_dump(routing))
    (workdir / "logmaster.yml").write_text(yaml.safe_dump(config))
    log = workdir / "logmaster.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "logpipe.cli", "logmaster", "run", "--config",
                                 str(workdir / "logmaster.yml")], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"listening for Beats on [^:]+:(\d+), health on [^:]+:(\d+)", log.read_text())
        if found:
            return proc, int(found.group(1)), int(found.group(2)), log
        assert proc.poll() is None, f"logmaster exited {proc.returncode}:\n{log.read_text()[-3000:]}"
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"logmaster did not start:\n{log.read_text()[-3000:]}")


def start_filebeat(workdir: Path, binary: Path, log_file: Path, port: int) -> subprocess.Popen:
    config = {
        "filebeat.inputs": [{
            "type": "filestream", "id": "logpipe-it", "paths": [str(log_file)],
            "file_identity.fingerprint": None, "prospector.scanner.fingerprint.enabled": True,
            "prospector.scanner.check_interval": "1s", "fields": {"log_type": "access"},
        }],
        "output.logstash": {"hosts": [f"127.0.0.1:{port}"], "pipelining": 0, "ttl": "60s", "timeout": "30s",
                            "bulk_max_size": 2048},
        "path.data": str(workdir / "fb-data"), "path.logs": str(workdir / "fb-logs"),
        "logging.level": "info", "logging.to_files": False, "logging.to_stderr": True,
    }
    cfg = workdir / "filebeat.yml"
    cfg.write_text(yaml.safe_dump(config))
    cfg.chmod(0o600)
    check = subprocess.run([str(binary), "test", "config", "-c", str(cfg), "--path.home", str(workdir)],
                           capture_output=True, text=True)
    assert check.returncode == 0, f"filebeat test config failed:\n{check.stdout}{check.stderr}"
    with (workdir / "filebeat.out").open("w") as out:
        return subprocess.Popen([str(binary), "-e", "-c", str(cfg), "--path.home", str(workdir)], stdout=out,
                                stderr=subprocess.STDOUT)


def read_back(bootstrap: str, want_access: int, want_dlq: int, timeout: float = 180.0) -> dict[str, list]:
    """Every record of our topics, polling until the expected counts arrived or `timeout` passed."""
    from confluent_kafka import Consumer

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"it-{uuid.uuid4()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe(list(TOPICS.values()))
    got: dict[str, list] = {t: [] for t in TOPICS.values()}
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for msg in consumer.consume(1000, 1.0):
                assert msg.error() is None, msg.error()
                got[msg.topic()].append((msg.value(), dict(msg.headers() or [])))
            if len(got[TOPICS["access"]]) >= want_access and len(got[TOPICS["dlq"]]) >= want_dlq:
                break
        for msg in consumer.consume(1000, 2.0):  # anything late (duplicates) still counts
            got[msg.topic()].append((msg.value(), dict(msg.headers() or [])))
    finally:
        consumer.close()
    return got


def test_filebeat_to_logmaster_to_kafka(tmp_path):
    binary = unpack_filebeat(tmp_path)
    log_file = tmp_path / "logs" / FILE
    log_file.parent.mkdir()
    write_log(log_file)
    with local_kafka() as bootstrap:
        create_topics(bootstrap)
        logmaster, port, health_port, lm_log = start_logmaster(tmp_path, bootstrap)
        filebeat = start_filebeat(tmp_path, binary, log_file, port)
        try:
            got = read_back(bootstrap, LINES, 2)
            with urllib.request.urlopen(f"http://127.0.0.1:{health_port}/metrics?format=json", timeout=10) as r:
                metrics = json.loads(r.read())
            with urllib.request.urlopen(f"http://127.0.0.1:{health_port}/health", timeout=10) as r:
                assert r.status == 200, r.read()
        finally:
            filebeat.terminate()
            filebeat.wait(30)
            logmaster.terminate()
            logmaster.wait(30)
        context = (f"\n--- logmaster log\n{lm_log.read_text()[-2000:]}\n--- filebeat\n"
                   f"{(tmp_path / 'filebeat.out').read_text()[-3000:]}")

    seqs = []
    for value, _ in got[TOPICS["access"]]:
        host, file, seq, payload = value.decode().split("|", 3)
        assert (host, file, payload) == (HOST, FILE, "p" * 100), value[:200]
        seqs.append(int(seq))
    lost = set(range(LINES)) - set(seqs)
    duplicates = len(seqs) - len(set(seqs))
    assert not lost, f"{len(lost)} lines lost, e.g. {sorted(lost)[:10]}{context}"
    assert duplicates == 0, f"{duplicates} duplicates in a run without faults{context}"
    assert got[TOPICS["other"]] == []

    dead = {h["logpipe-reason"]: (value, h) for value, h in got[TOPICS["dlq"]]}
    assert set(dead) == {b"oversized", b"unparseable"}, f"{[h for _, h in got[TOPICS['dlq']]]}{context}"
    value, headers = dead[b"oversized"]
    assert headers["logpipe-truncated"] == b"true" and len(value) == KEEP_BYTES
    assert int(headers["logpipe-original-bytes"]) > OVERSIZED_BYTES
    assert value.startswith(b"{") and b"xxxxxxxx" in value  # the event JSON as Filebeat sent it, cut
    value, headers = dead[b"unparseable"]
    assert headers["logpipe-truncated"] == b"false" and headers["logpipe-route"] == b"access"
    assert json.loads(value)["message"] == "this line has no separators at all"

    assert metrics["received"] == metrics["acked"] == LINES + 2, metrics
    assert metrics["dead_lettered"] == {"oversized": 1, "unparseable": 1}
    assert metrics["kafka_errors"] == 0 and metrics["protocol_errors"] == 0



def health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def wait_health(port: int, status: int, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        got, body = health(port)
        if got == status:
            return body
        assert time.monotonic() < deadline, f"/health stayed {got}: {body}"
        time.sleep(0.5)


def test_health_fails_while_kafka_is_down_and_recovers(tmp_path):
    """The Consul check's signal: /health turns 503 when the only broker stops, 200 once it is back."""
    with LocalKafkaCluster(brokers=1) as cluster:
        create_topics(cluster.bootstrap)
        logmaster, _port, health_port, lm_log = start_logmaster(tmp_path, cluster.bootstrap)
        try:
            wait_health(health_port, 200)
            cluster.stop_broker(1, kill=True)
            body = wait_health(health_port, 503)
            assert any("Kafka metadata request failed" in p for p in body["problems"]), body
            cluster.start_broker(1)
            wait_health(health_port, 200, timeout=120)
        finally:
            logmaster.terminate()
            logmaster.wait(30)
        assert logmaster.returncode == 0, lm_log.read_text()[-2000:]
