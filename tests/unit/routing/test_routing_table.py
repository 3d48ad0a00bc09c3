"""The routing table: validation names the field, routing picks the first matching rule, formats judge messages."""

from __future__ import annotations

import pytest
import yaml

from logpipe.errors import LogpipeError
from logpipe.routing import load_routing_table, parse_routing_table

TABLE = {
    "default_topic": "logs-other",
    "dead_letter_topic": "logs-dlq",
    "rules": [
        {"name": "access", "when": {"fields.log_type": "access"}, "topic": "logs-access",
         "format": {"delimited": {"separator": "|", "fields": 4}}},
        {"name": "edge", "when": {"fields.log_type": ["cdn", "media"], "fields.client_id": {"regex": "^c[0-9]+$"}},
         "topic": "logs-edge"},
        {"name": "app-json", "when": {"fields.app": "api"}, "topic": "logs-api", "format": "json"},
        {"name": "flagged", "when": {"fields.sampled": True, "fields.shard": 3}, "topic": "logs-sampled"},
    ],
}


def table(**overrides):
    return parse_routing_table({**TABLE, **overrides}, "test table")


def event(**fields):
    return {"message": "x", "fields": fields}


def test_first_matching_rule_wins_and_unmatched_goes_to_default():
    t = table()
    assert t.route(event(log_type="access")).topic == "logs-access"
    assert t.route(event(log_type="media", client_id="c42")).topic == "logs-edge"
    assert t.route(event(log_type="media", client_id="x42")).topic == "logs-other"  # regex fails
    assert t.route(event(log_type="cdn")).topic == "logs-other"  # client_id missing: condition false
    assert t.route({"message": "no fields"}).rule == "default"
    assert t.route(event(app="api", log_type="access")).topic == "logs-access"  # order decides


def test_non_string_event_values_compare_as_written_in_yaml():
    t = table()
    assert t.route(event(sampled=True, shard=3)).topic == "logs-sampled"
    assert t.route(event(sampled=False, shard=3)).topic == "logs-other"
    assert t.route(event(sampled=True, shard="3")).topic == "logs-sampled"
    assert t.route(event(sampled=True, shard={"nested": 3})).topic == "logs-other"


def test_formats_judge_the_message():
    t = table()
    delimited = t.rules[0].format
    assert delimited.problem("h|f|1|payload") is None
    assert delimited.problem("h|f|1|pay|load") is None  # at least 4 fields
    assert "2 '|'-separated fields, expected at least 4" in delimited.problem("h|f")
    js = t.rules[2].format
    assert js.problem('{"a": 1}') is None
    assert "not JSON" in js.problem("{broken")
    assert "not an object" in js.problem("[1, 2]")
    assert t.default_format.problem("anything at all") is None


def test_topics_lists_each_topic_once_in_order():
    assert table().topics() == ("logs-access", "logs-edge", "logs-api", "logs-sampled", "logs-other", "logs-dlq")


@pytest.mark.parametrize(("change", "message"), [
    ({"default_topic": None}, "default_topic is required"),
    ({"dead_letter_topic": "bad topic!"}, "dead_letter_topic must be a Kafka topic name"),
    ({"dead_letter_topic": "logs-other"}, "default_topic and dead_letter_topic must differ"),
    ({"value": "line"}, "value must be one of event, message"),
    ({"extra": 1}, "unknown field 'extra'"),
    ({"rules": {"name": "x"}}, "rules must be a list"),
    ({"rules": [{"name": "a", "when": {"f": "x"}}]}, "rules[0].topic is required"),
    ({"rules": [{"name": "a", "when": {}, "topic": "t"}]}, "rules[0].when must name at least one field"),
    ({"rules": [{"name": "a", "when": {"f": None}, "topic": "t"}]}, "rules[0].when.f must be a value"),
    ({"rules": [{"name": "a", "when": {"f": {"regex": "("}}, "topic": "t"}]},
     "rules[0].when.f.regex is not a valid regular expression"),
    ({"rules": [{"name": "a", "when": {"f": "x"}, "topic": "t", "format": "xml"}]},
     "rules[0].format must be one of raw, json, delimited"),
    ({"rules": [{"name": "a", "when": {"f": "x"}, "topic": "t", "format": "delimited"}]},
     "rules[0].format delimited needs its settings"),
    ({"rules": [{"name": "a", "when": {"f": "x"}, "topic": "t",
                 "format": {"delimited": {"separator": "|", "fields": 0}}}]},
     "rules[0].format.delimited.fields must be at least 1"),
    ({"rules": [{"name": "a", "when": {"f": "x"}, "topic": "t"}, {"name": "a", "when": {"f": "y"}, "topic": "u"}]},
     "rules[1].name 'a' is used by an earlier rule"),
    ({"rules": [{"name": "a", "when": {"f": "x"}, "topic": "logs-dlq"}]}, "rules[0].topic is the dead-letter topic"),
    ({"rules": [{"name": "a", "when": {"f": "x"}, "topic": "t", "topics": "u"}]}, "unknown field 'rules[0].topics'"),
])
def test_invalid_tables_name_the_field(change, message):
    with pytest.raises(LogpipeError) as err:
        table(**change)
    assert message in str(err.value)
    assert str(err.value).startswith("test table: ")


def test_load_from_file_and_errors_name_the_file(tmp_path):
    path = tmp_path / "routing.yml"
    path.write_text(yaml.safe_dump(TABLE))
    assert load_routing_table(path).route(event(log_type="access")).topic == "logs-access"
    path.write_text("- just\n- a list\n")
    with pytest.raises(LogpipeError, match=f"routing table {path}: the top level must be a mapping"):
        load_routing_table(path)
    with pytest.raises(LogpipeError, match="cannot read"):
        load_routing_table(tmp_path / "missing.yml")
