"""The logmaster config file: defaults, and errors that name the file and the field."""

from __future__ import annotations

import pytest
import yaml

from logpipe.errors import LogpipeError
from logpipe.logmaster.cli import add_arguments, run
from logpipe.logmaster.config import load_config, parse_config

MINIMAL = {"routing_table": "routing.yml", "kafka": {"bootstrap": "k1:9092,k2:9092"}}
ROUTING = {"default_topic": "logs-other", "dead_letter_topic": "logs-dlq",
           "rules": [{"name": "a", "when": {"fields.log_type": "access"}, "topic": "logs-access"}]}


def parse(data, tmp_path):
    return parse_config(data, "cfg.yml", tmp_path)


def test_minimal_config_gets_documented_defaults(tmp_path):
    cfg = parse(MINIMAL, tmp_path)
    assert (cfg.listen.host, cfg.listen.port, cfg.health.port) == ("0.0.0.0", 5044, 9600)
    assert cfg.kafka.bootstrap == ("k1:9092", "k2:9092")
    assert (cfg.kafka.client, cfg.kafka.compression) == ("confluent", "lz4")
    assert cfg.routing_table_path == tmp_path / "routing.yml"
    assert cfg.limits.max_event_bytes < cfg.kafka.batch_bytes
    assert cfg.timing.keepalive_seconds == 5.0


def test_every_field_can_be_set(tmp_path):
    data = {
        "listen": {"host": "127.0.0.1", "port": 5045}, "health": {"host": "127.0.0.1", "port": 9601},
        "routing_table": "/etc/logmaster/routing.yml",
        "kafka": {"bootstrap": ["a:1", "b:2"], "client": "kafka-python", "client_id": "lm-1", "linger_ms": 20,
                  "batch_bytes": 2_000_000, "compression": "zstd", "delivery_timeout_ms": 60_000},
        "limits": {"max_inflight_bytes": 8 << 20, "max_event_bytes": 1_500_000, "max_frame_bytes": 16 << 20,
                   "dead_letter_original_bytes": 4096},
        "timing": {"keepalive_seconds": 2, "loop_stuck_seconds": 3.5, "delivery_stuck_seconds": 30},
    }
    cfg = parse(data, tmp_path)
    assert cfg.kafka.client == "kafka-python" and cfg.kafka.bootstrap == ("a:1", "b:2")
    assert str(cfg.routing_table_path) == "/etc/logmaster/routing.yml"
    assert cfg.limits.dead_letter_original_bytes == 4096 and cfg.timing.loop_stuck_seconds == 3.5


@pytest.mark.parametrize(("change", "message"), [
    ({"kafka": None}, "kafka is required"),
    ({"kafka": {"bootstrap": "k1"}}, "kafka.bootstrap entry 'k1' is not host:port"),
    ({"kafka": {"bootstrap": "k1:9092", "client": "sarama"}}, "kafka.client must be one of confluent, kafka-python"),
    ({"kafka": {"bootstrap": "k1:9092", "acks": 1}}, "unknown field 'kafka.acks'"),
    ({"listen": {"port": 70000}}, "listen.port must be at least 0 and at most 65535, got 70000"),
    ({"listen": {"port": "5044"}}, "listen.port must be an integer, got '5044'"),
    ({"limits": {"max_inflight_bytes": 10}}, "limits.max_inflight_bytes must be at least 1048576"),
    ({"limits": {"max_event_bytes": 2_000_000}}, "kafka.batch_bytes (1000000) must be at least limits.max_event"),
    ({"limits": {"dead_letter_original_bytes": 950_000}}, "limits.dead_letter_original_bytes (950000) must not"),
    ({"timing": {"keepalive_seconds": 0}}, "timing.keepalive_seconds must be a number above 0"),
    ({"routing_table": ""}, "routing_table must be a non-empty string"),
    ({"health": []}, "health must be a mapping"),
])
def test_bad_fields_are_named(tmp_path, change, message):
    with pytest.raises(LogpipeError) as err:
        parse({**MINIMAL, **change}, tmp_path)
    assert str(err.value).startswith("cfg.yml: ")
    assert message in str(err.value)


def test_cli_check_validates_config_and_routing_table(tmp_path, capsys):
    (tmp_path / "routing.yml").write_text(yaml.safe_dump(ROUTING))
    (tmp_path / "logmaster.yml").write_text(yaml.safe_dump(MINIMAL))
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args(["check", "--config", str(tmp_path / "logmaster.yml")])) == 0
    assert '"logs-access"' in capsys.readouterr().out
    (tmp_path / "routing.yml").write_text(yaml.safe_dump({**ROUTING, "dead_letter_topic": "bad name"}))
    with pytest.raises(LogpipeError, match="dead_letter_topic must be a Kafka topic name"):
        run(parser.parse_args(["check", "--config", str(tmp_path / "logmaster.yml")]))
    assert load_config(tmp_path / "logmaster.yml").kafka.bootstrap == ("k1:9092", "k2:9092")
