"""Event -> record: routing, value/key choice, and dead letters that keep the reason and the original."""

from __future__ import annotations

import json

from logpipe.logmaster.events import OVERSIZED, UNPARSEABLE, to_record
from logpipe.routing import parse_routing_table

BASE = {"default_topic": "logs-other", "dead_letter_topic": "logs-dlq",
        "rules": [{"name": "api", "when": {"fields.app": "api"}, "topic": "logs-api", "format": "json"}]}


def ev(message, **fields) -> bytes:
    return json.dumps({"message": message, "fields": fields, "host": {"name": "p1"}}).encode()


def test_value_event_keeps_the_received_bytes_and_key_comes_from_a_field():
    table = parse_routing_table({**BASE, "key_field": "host.name"})
    payload = ev('{"status": 200}', app="api")
    rec = to_record(payload, table, 10_000, 1000)
    assert (rec.topic, rec.value, rec.key, rec.reason) == ("logs-api", payload, b"p1", None)


def test_value_message_sends_only_the_line():
    table = parse_routing_table({**BASE, "value": "message"})
    rec = to_record(ev("plain line"), table, 10_000, 1000)
    assert (rec.topic, rec.value, rec.key) == ("logs-other", b"plain line", None)


def test_unparseable_message_for_its_rule_is_dead_lettered_whole():
    table = parse_routing_table(BASE)
    payload = ev("not json at all", app="api")
    rec = to_record(payload, table, 10_000, 1000)
    headers = dict(rec.headers)
    assert (rec.topic, rec.value, rec.reason) == ("logs-dlq", payload, UNPARSEABLE)
    assert headers["logpipe-truncated"] == b"false"
    assert headers["logpipe-route"] == b"api"
    assert headers["logpipe-detail"].startswith(b"rule 'api': message is not JSON")


def test_event_that_is_not_an_object_or_lacks_a_message():
    table = parse_routing_table({**BASE, "value": "message"})
    assert to_record(b"[1,2]", table, 10_000, 1000).reason == UNPARSEABLE
    assert to_record(b"\xff\xfe", table, 10_000, 1000).reason == UNPARSEABLE
    rec = to_record(b'{"fields": {}}', table, 10_000, 1000)
    assert rec.reason == UNPARSEABLE and b"no text field 'message'" in dict(rec.headers)["logpipe-detail"]


def test_oversized_event_is_cut_with_a_flag_and_its_size():
    table = parse_routing_table(BASE)
    payload = ev("x" * 5000)
    rec = to_record(payload, table, 4096, 100)
    headers = dict(rec.headers)
    assert (rec.topic, rec.reason, rec.value) == ("logs-dlq", OVERSIZED, payload[:100])
    assert headers["logpipe-truncated"] == b"true"
    assert headers["logpipe-original-bytes"] == str(len(payload)).encode()
    assert to_record(payload, table, len(payload), 100).reason is None  # exactly at the limit is fine
