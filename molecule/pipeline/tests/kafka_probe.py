"""Run on the logmaster host with its virtualenv's python (confluent-kafka is there, and the broker addresses
from its config resolve there). Two modes, both printing one JSON document:

  kafka_probe.py offsets TOPIC...                 end offset of every partition: {"topic": {"0": 12, ...}}
  kafka_probe.py read START_JSON EXPECT_JSON SEC  records from START offsets until every topic has at least
                                                  EXPECT[topic] records or SEC seconds passed
"""

import json
import sys
import time

import yaml
from confluent_kafka import Consumer, TopicPartition

CONFIG = "/etc/logmaster/logmaster.yml"


def consumer() -> Consumer:
    with open(CONFIG, encoding="utf-8") as handle:
        bootstrap = yaml.safe_load(handle)["kafka"]["bootstrap"]
    servers = ",".join(bootstrap) if isinstance(bootstrap, list) else bootstrap
    return Consumer({"bootstrap.servers": servers, "group.id": "pipeline-verify", "enable.auto.commit": False,
                     "isolation.level": "read_committed"})


def offsets(topics: list[str]) -> dict:
    c = consumer()
    found = {}
    for topic in topics:
        meta = c.list_topics(topic, timeout=10).topics[topic]
        if meta.error is not None:
            raise SystemExit(f"topic {topic}: {meta.error}")
        found[topic] = {str(p): c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                        for p in sorted(meta.partitions)}
    c.close()
    return found


def read(start: dict, expect: dict, seconds: float) -> dict:
    c = consumer()
    c.assign([TopicPartition(t, int(p), o) for t, parts in start.items() for p, o in parts.items()])
    records: dict[str, list] = {t: [] for t in start}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(len(records[t]) >= n for t, n in expect.items()):
            break
        msg = c.poll(0.5)
        if msg is None or msg.error() is not None:
            continue
        value = msg.value() or b""
        records[msg.topic()].append({
            "value": value[:2000].decode("utf-8", "replace"),
            "bytes": len(value),
            "key": (msg.key() or b"").decode("utf-8", "replace"),
            "headers": {k: v.decode("utf-8", "replace") for k, v in (msg.headers() or [])},
        })
    c.close()
    return records


if __name__ == "__main__":
    if sys.argv[1] == "offsets":
        print(json.dumps(offsets(sys.argv[2:])))
    else:
        print(json.dumps(read(json.loads(sys.argv[2]), json.loads(sys.argv[3]), float(sys.argv[4]))))
