"""A real line written on the producer arrives in the routed Kafka topic: Filebeat (the real binary) ->
logmaster (logpipe engine, Beats protocol) -> Kafka (acks=all). Also: records keyed by client id, multiline
events kept whole, unmatched events on the default topic, an unparseable and an oversized line on the
dead-letter topic with their reasons, and the shippers' counters agreeing.

Offsets are taken before writing and records read from there, so the test can run again on the same hosts.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import testinfra
import yaml

HERE = Path(__file__).resolve().parent
SCENARIO = yaml.safe_load((HERE.parent / "vars.yml").read_text())
TABLE = SCENARIO["pipeline_routing_table"]
TOPICS = SCENARIO["pipeline_topics"]
LOG_DIR = SCENARIO["pipeline_log_dir"]
VENV_PYTHON = "/opt/logpipe/venv/bin/python"
PROBE = "/tmp/pipeline_kafka_probe.py"

ACCESS_LINES = 300
APP_EVENTS = 20
OTHER_LINES = 50
BIG_LINE_BYTES = 100_000
READ_SECONDS = 150


def node(name: str):
    return testinfra.get_host(f"ansible://{name}", ansible_inventory=os.environ["MOLECULE_INVENTORY_FILE"])


def run_ok(host, command: str) -> str:
    result = host.run(command)
    assert result.rc == 0, f"{command[:120]}... failed on {host.backend.host}: rc={result.rc}\n{result.stderr}"
    return result.stdout


def python_on(host, python: str, script: str, *args: str) -> str:
    """Run `script` with `python` on `host` (shipped base64-encoded: no quoting issues)."""
    encoded = base64.b64encode(script.encode()).decode()
    quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in args)
    step = "/tmp/pipeline_step.py"
    return run_ok(host, f"echo {encoded} | base64 -d > {step} && {python} {step} {quoted}")


WRITER = r'''
import json, sys
run, log_dir, access, app, other, big = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
import os
os.makedirs(log_dir, exist_ok=True)
with open(f"{log_dir}/access.log", "a") as f:
    for seq in range(access):
        f.write(f"pl-producer-1|access.log|{seq}|{run}-" + "x" * 60 + "\n")
    f.write(f"unparseable {run} a line without the four fields\n")
    f.write(f"pl-producer-1|access.log|big|{run}-" + "y" * big + "\n")
with open(f"{log_dir}/app.log", "a") as f:
    for seq in range(app):
        f.write(json.dumps({"run": run, "seq": seq, "note": "n" * 40}, indent=2) + "\n")
with open(f"{log_dir}/other.log", "a") as f:
    for seq in range(other):
        f.write(f"other|{run}|{seq}|" + "z" * 40 + "\n")
'''

FETCH = r'''
import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())
'''


@dataclass
class Run:
    run_id: str
    records: dict[str, list[dict]]
    logmaster_metrics: dict
    filebeat_stats: dict

    def messages(self, topic: str) -> list[str]:
        return [json.loads(r["value"])["message"] for r in self.records[topic]]


@pytest.fixture(scope="module")
def pipeline() -> Run:
    producer, logmaster = node("pl-producer-1"), node("pl-logmaster-1")
    probe = (HERE / "kafka_probe.py").read_text()
    python_on(logmaster, "python3", f"open({PROBE!r}, 'w').write({probe!r})")
    start = json.loads(run_ok(logmaster, f"{VENV_PYTHON} {PROBE} offsets {' '.join(TOPICS)}"))

    run_id = uuid.uuid4().hex[:10]
    python_on(producer, "python3", WRITER, run_id, LOG_DIR, str(ACCESS_LINES), str(APP_EVENTS), str(OTHER_LINES),
              str(BIG_LINE_BYTES))
    expect = {"pl.access": ACCESS_LINES, "pl.app": APP_EVENTS, "pl.default": OTHER_LINES, "pl.dead-letter": 2}
    records = json.loads(run_ok(
        logmaster, f"{VENV_PYTHON} {PROBE} read '{json.dumps(start)}' '{json.dumps(expect)}' {READ_SECONDS}"))
    metrics = json.loads(python_on(logmaster, "python3", FETCH, "http://127.0.0.1:9600/metrics?format=json"))
    stats = json.loads(python_on(producer, "python3", FETCH, "http://127.0.0.1:5066/stats"))
    return Run(run_id, records, metrics, stats)


def test_every_access_line_arrives_in_its_routed_topic(pipeline: Run) -> None:
    mine = [m.split("|") for m in pipeline.messages("pl.access") if f"|{pipeline.run_id}-" in m]
    seqs = [int(parts[2]) for parts in mine]
    lost = set(range(ACCESS_LINES)) - set(seqs)
    duplicated = len(seqs) - len(set(seqs))
    print(f"pl.access: sent {ACCESS_LINES}, received {len(seqs)}, lost {len(lost)}, duplicated {duplicated}")
    assert not lost, f"{len(lost)} access lines never reached pl.access, e.g. seq {sorted(lost)[:10]}"
    assert set(seqs) <= set(range(ACCESS_LINES))


def test_routed_records_are_keyed_by_client_id(pipeline: Run) -> None:
    keys = {r["key"] for r in pipeline.records["pl.access"]} | {r["key"] for r in pipeline.records["pl.app"]}
    assert keys == {"acme"}
    assert {r["key"] for r in pipeline.records["pl.default"]} == {"globex"}


def test_routed_record_carries_the_event_and_its_fields(pipeline: Run) -> None:
    event = json.loads(pipeline.records["pl.access"][0]["value"])
    assert event["fields"] == {"log_type": "access", "client_id": "acme"}
    assert event["log"]["file"]["path"] == f"{LOG_DIR}/access.log"


def test_multiline_json_objects_arrive_whole(pipeline: Run) -> None:
    objects = [json.loads(m) for m in pipeline.messages("pl.app")]
    mine = sorted(o["seq"] for o in objects if o.get("run") == pipeline.run_id)
    assert mine == list(range(APP_EVENTS)), "each pretty-printed object must be one event, none missing"


def test_unmatched_events_go_to_the_default_topic(pipeline: Run) -> None:
    seqs = sorted(int(m.split("|")[2]) for m in pipeline.messages("pl.default") if f"|{pipeline.run_id}|" in m)
    assert seqs == list(range(OTHER_LINES))
    assert not [m for m in pipeline.messages("pl.default") if m.startswith("pl-producer-1|access.log")]


def test_unparseable_line_is_dead_lettered_with_its_reason(pipeline: Run) -> None:
    found = [r for r in pipeline.records["pl.dead-letter"] if r["headers"].get("logpipe-reason") == "unparseable"]
    assert len(found) == 1, pipeline.records["pl.dead-letter"]
    record = found[0]
    assert json.loads(record["value"])["message"] == f"unparseable {pipeline.run_id} a line without the four fields"
    assert record["headers"]["logpipe-route"] == "access"
    assert "expected at least 4" in record["headers"]["logpipe-detail"]
    assert record["headers"]["logpipe-truncated"] == "false"


def test_oversized_line_is_dead_lettered_cut_and_flagged(pipeline: Run) -> None:
    found = [r for r in pipeline.records["pl.dead-letter"] if r["headers"].get("logpipe-reason") == "oversized"]
    assert len(found) == 1, [r["headers"] for r in pipeline.records["pl.dead-letter"]]
    record = found[0]
    assert int(record["headers"]["logpipe-original-bytes"]) > BIG_LINE_BYTES
    assert record["headers"]["logpipe-truncated"] == "true"
    assert record["bytes"] == SCENARIO["pipeline_dead_letter_original_bytes"]
    assert not [m for m in pipeline.messages("pl.access") if "|big|" in m]


def test_logmaster_counters_agree(pipeline: Run) -> None:
    m = pipeline.logmaster_metrics
    print(f"logmaster metrics: {json.dumps(m)[:600]}")
    total = ACCESS_LINES + APP_EVENTS + OTHER_LINES + 2
    assert m["received"] >= total
    assert m["acked"] >= total
    assert sum(m["dead_lettered"].values()) >= 2


def test_filebeat_acked_everything_and_dropped_nothing(pipeline: Run) -> None:
    events = pipeline.filebeat_stats["libbeat"]["output"]["events"]
    print(f"filebeat output events: {events}")
    assert events["acked"] >= ACCESS_LINES + APP_EVENTS + OTHER_LINES + 2
    assert events["dropped"] == 0


@pytest.mark.parametrize(("name", "service"), [("pl-producer-1", "filebeat"), ("pl-logmaster-1", "logmaster")])
def test_services_enabled_and_running(name: str, service: str) -> None:
    svc = node(name).service(service)
    assert svc.is_enabled and svc.is_running


def test_logmaster_health_is_ok() -> None:
    body = json.loads(python_on(node("pl-logmaster-1"), "python3", FETCH, "http://127.0.0.1:9600/health"))
    assert body["status"] == "ok", body


def test_stranded_file_check_reads_the_registry_and_finds_every_file_shipped(pipeline: Run) -> None:
    """The filebeat role's stranded-file check against the real registry: each file of the run is known with the
    same identity and an offset at its end, and none is reported stranded (a misread registry lists no file, or
    offsets short of the size). Its timer is installed and waiting."""
    producer = node("pl-producer-1")
    timer = producer.service("filebeat-stranded-check.timer")
    assert timer.is_enabled and timer.is_running
    command = ("python3 /usr/local/libexec/logpipe/filebeat-stranded-check "
               "--config /etc/filebeat/stranded-check.json --list")
    for _ in range(15):  # the registry is flushed every second after the last ACK
        out = run_ok(producer, command)
        listed = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        rows = {Path(row["source"]).name: row for row in listed if row["source"].startswith(LOG_DIR)}
        if {"access.log", "app.log", "other.log"} <= set(rows) and all(
                r["offset"] == r["size"] for r in rows.values()):
            break
        time.sleep(1)
    print(f"stranded-file check: {rows}")
    assert "stranded:" not in out, out
    assert {"access.log", "app.log", "other.log"} <= set(rows)
    for row in rows.values():
        assert row["same_file"] and row["offset"] == row["size"] and not row["stranded"], row
