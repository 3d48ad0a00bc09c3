"""The logstash engine's routing script (files/logpipe_route.rb) decides like the logpipe engine
(logpipe.logmaster.events.to_record) on the same routing table and the same events: topic, dead-letter reason,
record key. Runs the script with the system's Ruby outside Logstash (tests/route_runner.rb gives it an Event).

Needs `ruby` (Debian package `ruby`); fails, never skips, without it.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import yaml

from logpipe.logmaster.events import to_record
from logpipe.routing import parse_routing_table

ROLE = Path(__file__).resolve().parents[1]
MAX_EVENT_BYTES = 2048
KEEP_BYTES = 512

TABLE = {
    "default_topic": "logs.default",
    "dead_letter_topic": "logs.dlq",
    "key_field": "fields.client_id",
    "rules": [
        {"name": "access", "topic": "logs.access", "when": {"fields.log_type": "access"},
         "format": {"delimited": {"separator": "|", "fields": 4}}},
        {"name": "app-json", "topic": "logs.app", "when": {"fields.log_type": ["app", "service"]}, "format": "json"},
        {"name": "edge", "topic": "logs.edge", "when": {"fields.client_id": {"regex": "^edge-[0-9]+$"},
                                                        "fields.enabled": True}},
        {"name": "numbered", "topic": "logs.numbered", "when": {"fields.shard": 7}},
        {"name": "by-host", "topic": "logs.host", "when": {"host.name": {"regex": "web"}}, "format": "raw"},
    ],
}

MESSAGES = [
    "a|b|c|d", "a|b|c", "a||c|d|e", "", "|||", "plain text line", '{"k": 1}', '["not", "an object"]', "{broken",
    '{"nested": {"x": [1, 2]}}', "ümlaut|ß|€|✓", "a::b::c::d",
]


def events(seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        fields: dict = {}
        if rng.random() < 0.9:
            fields["log_type"] = rng.choice(["access", "app", "service", "other", "ACCESS"])
        if rng.random() < 0.8:
            fields["client_id"] = rng.choice(["acme", "edge-12", "edge-x", "edge-7", "globex"])
        if rng.random() < 0.3:
            fields["enabled"] = rng.choice([True, False, "true"])
        if rng.random() < 0.2:
            fields["shard"] = rng.choice([7, "7", 8, 7.0])
        event: dict = {"@timestamp": "2026-01-01T00:00:00.000Z", "seq": i, "fields": fields}
        if rng.random() < 0.3:
            event["host"] = {"name": rng.choice(["web-1", "db-1"])}
        roll = rng.random()
        if roll < 0.05:
            event["message"] = {"not": "a string"}
        elif roll < 0.1:
            pass  # no message at all
        elif roll < 0.15:
            event["message"] = "a|b|c|d|" + "x" * rng.randint(MAX_EVENT_BYTES - 300, MAX_EVENT_BYTES + 300)
        else:
            event["message"] = rng.choice(MESSAGES)
        out.append(event)
    return out


def payload(event: dict) -> bytes:
    # Ruby's to_json: compact, UTF-8 kept as is, keys in insertion order.
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


def python_decisions(table_data: dict, evs: list[dict]) -> list[dict]:
    table = parse_routing_table(table_data)
    out = []
    for ev in evs:
        rec = to_record(payload(ev), table, MAX_EVENT_BYTES, KEEP_BYTES)
        out.append({"topic": rec.topic, "reason": rec.reason,
                    "key": None if rec.reason or rec.key is None else rec.key.decode()})
    return out


def ruby_decisions(table_data: dict, evs: list[dict], tmp_path: Path) -> list[dict]:
    ruby = shutil.which("ruby")
    assert ruby, "ruby is not installed (apt-get install ruby): the parity test cannot run"
    table_file = tmp_path / "routing.yml"
    table_file.write_text(yaml.safe_dump(table_data, sort_keys=False))
    proc = subprocess.run(
        [ruby, str(ROLE / "tests" / "route_runner.rb"), str(ROLE / "files" / "logpipe_route.rb"), str(table_file),
         str(MAX_EVENT_BYTES), str(KEEP_BYTES)],
        input="\n".join(payload(e).decode() for e in evs) + "\n", capture_output=True, text=True, timeout=120,
        check=False)
    assert proc.returncode == 0, proc.stderr
    out = []
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        out.append({"topic": d["topic"], "reason": d["reason"], "key": None if d["reason"] else d["key"]})
    return out


def test_ruby_routing_matches_the_logpipe_engine(tmp_path: Path) -> None:
    evs = events(seed=10, count=600)
    py, rb = python_decisions(TABLE, evs), ruby_decisions(TABLE, evs, tmp_path)
    assert len(rb) == len(py)
    diffs = [(e, p, r) for e, p, r in zip(evs, py, rb, strict=True) if p != r]
    assert not diffs, f"{len(diffs)} of {len(evs)} events routed differently, first: {diffs[0]}"
    # the sample exercises every branch
    seen = {(d["topic"], d["reason"]) for d in py}
    for expected in [("logs.access", None), ("logs.app", None), ("logs.edge", None), ("logs.numbered", None),
                     ("logs.host", None), ("logs.default", None), ("logs.dlq", "oversized"),
                     ("logs.dlq", "unparseable")]:
        assert expected in seen, f"sample never produced {expected}"


def test_message_value_tables_need_a_text_message_in_both(tmp_path: Path) -> None:
    table = {"default_topic": "t.default", "dead_letter_topic": "t.dlq", "value": "message",
             "message_field": "log.text"}
    evs = [{"log": {"text": "hello"}}, {"log": {"text": 5}}, {"message": "no log.text"}]
    py, rb = python_decisions(table, evs), ruby_decisions(table, evs, tmp_path)
    assert py == rb
    assert [d["reason"] for d in py] == [None, "unparseable", "unparseable"]


def test_a_different_table_changes_both_engines_alike(tmp_path: Path) -> None:
    # negative control: the comparison would see a difference if the engines disagreed
    evs = events(seed=3, count=200)
    swapped = json.loads(json.dumps(TABLE))
    swapped["rules"][0]["format"] = "json"
    assert python_decisions(swapped, evs) != python_decisions(TABLE, evs)
    assert ruby_decisions(swapped, evs, tmp_path) == python_decisions(swapped, evs)
