"""Topics as code (plan, normalise, diff), KRaft identity and quorum, restart health, and the admin adapter
(against an in-memory admin client that records calls)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logpipe.errors import LogpipeError
from logpipe.kafka import admin, cluster, health, topics
from logpipe.kafka.topics import TopicSpec, TopicState
from tests.support.ansible_plugins import run_module as run_ansible_module

REPO = Path(__file__).resolve().parents[2]
RETENTION_7D = 7 * 24 * 3600 * 1000


def spec(partitions: int = 6, rf: int = 3, **config: Any) -> TopicSpec:
    return topics.spec_from_dict({"name": "logs.access", "partitions": partitions, "replication_factor": rf,
                                  "config": {k.replace("_", "."): v for k, v in config.items()}})


def state(partitions: int = 6, rf: int = 3, **config: str) -> TopicState:
    return TopicState("logs.access", partitions, rf, {k.replace("_", "."): v for k, v in config.items()})


# --- normalisation -----------------------------------------------------------------------------------------------

def test_config_values_take_kafkas_string_form() -> None:
    got = topics.normalise_config({"retention.ms": RETENTION_7D, "unclean.leader.election.enable": False,
                                   "cleanup.policy": ["compact", "delete"], "min.cleanable.dirty.ratio": 0.5,
                                   "segment.bytes": 1073741824.0, "compression.type": " lz4 "})
    assert got == {"cleanup.policy": "compact,delete", "compression.type": "lz4", "min.cleanable.dirty.ratio": "0.5",
                   "retention.ms": "604800000", "segment.bytes": "1073741824",
                   "unclean.leader.election.enable": "false"}
    assert list(got) == sorted(got)


@pytest.mark.parametrize(("config", "message"), [
    ({"retention.ms": None}, "'retention.ms' has no value"),
    ({"retention.ms": ""}, "'retention.ms' is an empty string"),
    ({"cleanup.policy": []}, "'cleanup.policy' is an empty list"),
    ({"Retention.MS": 1}, "key 'Retention.MS' is not a Kafka config name"),
    ({"retention.ms": {"days": 7}}, "'retention.ms' has a dict value"),
    ({"retention.ms": float("nan")}, "'retention.ms' is nan"),
    ({"retention.ms": "1\n2"}, "spans several lines"),
])
def test_bad_config_values_name_the_key(config: dict[str, Any], message: str) -> None:
    with pytest.raises(LogpipeError, match=message.replace(".", r"\.").replace("(", r"\(")):
        topics.normalise_config(config)


@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9]{0,6}(\.[a-z0-9]{1,6}){0,3}", fullmatch=True),
                       st.one_of(st.integers(), st.booleans(), st.from_regex(r"[a-z0-9,.]{1,8}", fullmatch=True)),
                       max_size=6))
def test_normalising_twice_changes_nothing(config: dict[str, Any]) -> None:
    once = topics.normalise_config(config)
    assert topics.normalise_config(once) == once


# --- specs ----------------------------------------------------------------------------------------------------------

def test_spec_from_the_retention_filters_shape() -> None:
    s = topics.spec_from_dict({"name": "logs.system", "partitions": "12", "replication_factor": 3,
                               "config": {"retention.ms": 30 * 86400000}})
    assert s == TopicSpec("logs.system", 12, 3, {"retention.ms": "2592000000"})


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "bad name", "partitions": 1, "replication_factor": 1}, "topic name 'bad name' is not valid"),
    ({"name": "..", "partitions": 1, "replication_factor": 1}, "topic name '..' is not valid"),
    ({"name": "x" * 250, "partitions": 1, "replication_factor": 1}, "is not valid"),
    ({"name": "t", "replication_factor": 1}, "topic 't': partitions is required"),
    ({"name": "t", "partitions": 0, "replication_factor": 1}, "topic 't': partitions must be at least 1, got 0"),
    ({"name": "t", "partitions": 1, "replication_factor": True}, "replication_factor must be a whole number"),
    ({"name": "t", "partitions": 1, "replication_factor": 1, "retention": 5}, "unknown field\\(s\\) retention"),
    ({"name": "t", "partitions": 1, "replication_factor": 1, "config": ["a"]}, "topic 't': config must be a mapping"),
])
def test_bad_specs_name_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(LogpipeError, match=message):
        topics.spec_from_dict(data)


# --- planning -------------------------------------------------------------------------------------------------------

def test_missing_topic_is_created_as_declared() -> None:
    desired = spec(retention_ms=RETENTION_7D)
    plan = topics.plan_topic(desired, None, broker_count=3)
    assert plan.create == desired and plan.changed
    assert topics.describe_plan(plan) == [
        "create topic 'logs.access' with 6 partitions, replication factor 3, config {'retention.ms': '604800000'}"]


def test_topic_that_matches_gives_an_empty_plan() -> None:
    plan = topics.plan_topic(spec(retention_ms=RETENTION_7D), state(retention_ms="604800000"))
    assert not plan.changed
    assert topics.describe_plan(plan) == []


def test_partitions_grow_and_config_changes_in_one_plan() -> None:
    plan = topics.plan_topic(spec(partitions=12, retention_ms=RETENTION_7D, segment_ms=3600000),
                             state(partitions=6, retention_ms="86400000", cleanup_policy="delete"))
    assert plan.grow_partitions == (6, 12)
    assert plan.config_to_set() == {"retention.ms": "604800000", "segment.ms": "3600000"}
    assert plan.config_to_delete() == []  # cleanup.policy is not ours to remove without purge_config
    assert topics.describe_plan(plan) == [
        "grow topic 'logs.access' from 6 to 12 partitions",
        "set retention.ms on topic 'logs.access': 86400000 -> 604800000",
        "set segment.ms on topic 'logs.access': default -> 3600000",
    ]


def test_purge_config_removes_undeclared_overrides() -> None:
    plan = topics.plan_topic(spec(retention_ms=1000), state(retention_ms="1000", cleanup_policy="compact"),
                             purge_config=True)
    assert plan.config_to_delete() == ["cleanup.policy"] and plan.config_to_set() == {}
    assert topics.describe_plan(plan) == ["remove override cleanup.policy=compact from topic 'logs.access'"]


def test_partition_decrease_is_refused_with_the_way_out() -> None:
    with pytest.raises(LogpipeError) as err:
        topics.plan_topic(spec(partitions=3), state(partitions=6))
    assert str(err.value) == ("topic 'logs.access': partitions cannot decrease from 6 to 3 (Kafka cannot remove "
                              "partitions); set partitions to 6 or more, or create a new topic and move producers "
                              "to it")


def test_replication_factor_change_is_refused() -> None:
    with pytest.raises(LogpipeError, match="replication_factor is 3 in the cluster, 2 requested"):
        topics.plan_topic(spec(rf=2), state(rf=3))


def test_more_replicas_than_brokers_is_refused_before_create() -> None:
    with pytest.raises(LogpipeError, match="replication_factor 3 needs 3 brokers, the cluster has 2"):
        topics.plan_topic(spec(rf=3), None, broker_count=2)


def test_absent_deletes_only_an_existing_topic() -> None:
    assert topics.plan_absent("logs.access", state()).delete
    assert not topics.plan_absent("logs.access", None).changed


def test_diff_text_shows_before_and_after() -> None:
    current = state(partitions=6, retention_ms="86400000")
    plan = topics.plan_topic(spec(partitions=8, retention_ms=RETENTION_7D), current)
    after = topics.state_after(plan, current)
    assert topics.render_topic(current) == ("name: logs.access\npartitions: 6\nreplication_factor: 3\nconfig:\n"
                                            "  retention.ms: 86400000\n")
    assert topics.render_topic(after) == ("name: logs.access\npartitions: 8\nreplication_factor: 3\nconfig:\n"
                                          "  retention.ms: 604800000\n")
    assert topics.render_topic(None) == ""


config_maps = st.dictionaries(st.sampled_from(["retention.ms", "segment.ms", "cleanup.policy", "retention.bytes"]),
                              st.from_regex(r"[0-9]{1,6}", fullmatch=True), max_size=4)


@given(current_partitions=st.integers(1, 50), extra=st.integers(0, 50), current_config=config_maps,
       desired_config=config_maps, purge=st.booleans())
def test_carrying_out_a_plan_reaches_the_declaration(current_partitions: int, extra: int,
                                                     current_config: dict[str, str],
                                                     desired_config: dict[str, str], purge: bool) -> None:
    current = TopicState("t", current_partitions, 3, current_config)
    desired = TopicSpec("t", current_partitions + extra, 3, desired_config)
    after = topics.state_after(topics.plan_topic(desired, current, purge_config=purge), current)
    assert after is not None and after.partitions == desired.partitions
    assert {k: after.config[k] for k in desired_config} == desired_config
    if purge:
        assert dict(after.config) == desired_config
    # and a second run has nothing left to do
    assert not topics.plan_topic(desired, after, purge_config=purge).changed


# --- cluster identity and quorum --------------------------------------------------------------------------------

def test_cluster_id_is_stable_and_a_valid_kafka_uuid() -> None:
    first = cluster.cluster_id_from_name("logpipe-eu-west-1")
    assert first == cluster.cluster_id_from_name("logpipe-eu-west-1")
    assert first != cluster.cluster_id_from_name("logpipe-us-east-1")
    assert cluster.validate_cluster_id(first) == first
    assert len(base64.urlsafe_b64decode(first + "==")) == 16


@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_cluster_ids_never_start_with_a_dash(name: str) -> None:
    cid = cluster.cluster_id_from_name(name)
    assert len(cid) == 22 and not cid.startswith("-")
    cluster.validate_cluster_id(cid)


@pytest.mark.parametrize("bad", ["", "short", "-" + "A" * 21, "A" * 21 + "!", "AAAAAAAAAAAAAAAAAAAAAA"])
def test_invalid_cluster_ids_are_rejected(bad: str) -> None:
    with pytest.raises(LogpipeError, match="kafka_cluster_id"):
        cluster.validate_cluster_id(bad)


def test_quorum_voters_sorted_by_node_id() -> None:
    nodes = [{"id": 3, "host": "10.0.3.5"}, {"id": "1", "host": "10.0.1.5"}, {"id": 2, "host": "10.0.2.5"}]
    assert cluster.quorum_voters(nodes, 9093) == "1@10.0.1.5:9093,2@10.0.2.5:9093,3@10.0.3.5:9093"


@pytest.mark.parametrize(("nodes", "message"), [
    ([{"id": 1, "host": "a"}, {"id": 1, "host": "b"}, {"id": 2, "host": "c"}], "duplicate node ids \\[1\\]"),
    ([{"id": 1, "host": "a"}, {"id": 2, "host": "b"}], "has 2 nodes .* use 1, 3 or 5 controllers"),
    ([{"id": -1, "host": "a"}], "must be a whole number"),
    ([{"id": 1, "host": "a b"}], "must be a host name or IP address"),
])
def test_bad_quorums_are_explained(nodes: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(LogpipeError, match=message):
        cluster.quorum_voters(nodes, 9093)


def test_process_roles_from_group_membership() -> None:
    assert cluster.process_roles(True, True) == "broker,controller"
    assert cluster.process_roles(False, True) == "controller"
    assert cluster.process_roles(True, False) == "broker"
    with pytest.raises(LogpipeError, match="kafka_brokers"):
        cluster.process_roles(False, False)


# --- restart health -----------------------------------------------------------------------------------------------

CLUSTER = {"brokers": [{"broker_id": b, "host": f"10.0.{b}.5", "port": 9092, "rack": f"az{b}", "is_fenced": False}
                       for b in (1, 2, 3)]}


def topic_md(name: str, *parts: tuple[int, list[int], list[int]]) -> dict[str, Any]:
    return {"name": name, "error_code": 0, "partitions": [
        {"partition_index": i, "leader_id": leader, "replica_nodes": replicas, "isr_nodes": isr}
        for i, (leader, replicas, isr) in enumerate(parts)]}


def quorum_md(hw: int, offsets: dict[int, int], leader: int = 1) -> dict[str, Any]:
    return {"topics": [{"topic_name": "__cluster_metadata", "partitions": [
        {"partition_index": 0, "leader_id": leader, "high_watermark": hw,
         "current_voters": [{"replica_id": n, "log_end_offset": o} for n, o in offsets.items()]}]}]}


def test_healthy_cluster() -> None:
    snap = health.snapshot_from_responses(CLUSTER, [topic_md("t", (1, [1, 2, 3], [1, 2, 3]))],
                                          quorum_md(500, {1: 500, 2: 499, 3: 495}))
    report = health.assess(snap, expected_brokers=[1, 2, 3], expected_voters=[1, 2, 3])
    assert report.healthy and report.problems == ()
    assert report.as_dict()["voter_lag"] == {"1": 0, "2": 1, "3": 5}


def test_restarted_broker_is_unhealthy_until_back_in_isr_and_unfenced() -> None:
    fenced = {"brokers": [dict(b, is_fenced=b["broker_id"] == 2) for b in CLUSTER["brokers"]]}
    snap = health.snapshot_from_responses(
        fenced, [topic_md("t", (1, [1, 2, 3], [1, 3]), (3, [3, 2, 1], [3, 1]), (-1, [2], []))])
    report = health.assess(snap, expected_brokers=[1, 2, 3])
    assert not report.healthy
    assert report.problems == (
        "broker(s) [2] registered but fenced (still catching up with the metadata log)",
        "1 partition(s) without a leader: t-2",
        "3 under-replicated partition(s): t-0 (isr [1, 3] of [1, 2, 3]), t-1 (isr [3, 1] of [3, 2, 1]), "
        "t-2 (isr [] of [2])",
    )
    assert (report.under_replicated, report.offline, report.live_brokers) == (3, 1, (1, 3))


def test_missing_broker_and_lagging_voter_are_named() -> None:
    two = {"brokers": CLUSTER["brokers"][:2]}
    snap = health.snapshot_from_responses(two, [], quorum_md(900, {1: 900, 2: 900, 3: 400}))
    report = health.assess(snap, expected_brokers=[1, 2, 3], expected_voters=[1, 2, 3], max_voter_lag=10)
    assert report.problems == ("broker(s) [3] not registered in the cluster metadata",
                               "controller(s) behind the metadata log: 3 by 500 records")


def test_many_problem_partitions_are_summarised() -> None:
    parts = [(1, [1, 2], [1])] * 8
    report = health.assess(health.snapshot_from_responses(CLUSTER, [topic_md("t", *parts)]))
    assert report.problems[0].endswith("t-4 (isr [1] of [1, 2]) and 3 more")


def test_quorum_without_leader() -> None:
    snap = health.snapshot_from_responses(CLUSTER, [], quorum_md(10, {1: 10}, leader=-1))
    assert health.assess(snap, expected_voters=[1]).problems == ("the controller quorum has no leader",)


def test_partition_racks_for_rack_awareness() -> None:
    snap = health.snapshot_from_responses(CLUSTER, [topic_md("t", (1, [1, 2, 3], [1, 2, 3]), (2, [2, 3], [2, 3]))])
    assert health.partition_racks(snap, "t") == {0: ("az1", "az2", "az3"), 1: ("az2", "az3")}


# --- admin adapter over a recording admin client ------------------------------------------------------------------

class RecordingAdmin:
    """In-memory stand-in for KafkaAdminClient: holds topics, answers describes, records changes."""

    def __init__(self, existing: dict[str, TopicState], brokers: int = 3) -> None:
        self.topics = dict(existing)
        self.brokers = brokers
        self.calls: list[tuple[str, Any]] = []

    def describe_cluster(self) -> dict[str, Any]:
        return {"brokers": [{"broker_id": i, "is_fenced": False} for i in range(1, self.brokers + 1)]}

    def describe_topics(self, names: list[str]) -> list[dict[str, Any]]:
        out = []
        for name in names:
            t = self.topics.get(name)
            if t is None:
                out.append({"name": name, "error_code": 3, "partitions": []})
            else:
                out.append({"name": name, "error_code": 0, "partitions": [
                    {"partition_index": i, "replica_nodes": list(range(t.replication_factor))}
                    for i in range(t.partitions)]})
        return out

    def describe_configs(self, resources: list[Any], config_filter: str) -> dict[str, Any]:
        name = resources[0].name
        overrides = {k: {"value": v, "config_source": "DYNAMIC_TOPIC_CONFIG"}
                     for k, v in self.topics[name].config.items()}
        overrides["min.insync.replicas"] = {"value": "2", "config_source": "STATIC_BROKER_CONFIG"}
        return {"topic": {name: overrides}}

    def create_topics(self, new: dict[str, Any], **kw: Any) -> None:
        self.calls.append(("create_topics", (new, kw["validate_only"])))

    def create_partitions(self, new: dict[str, int], **kw: Any) -> None:
        self.calls.append(("create_partitions", (new, kw["validate_only"])))

    def alter_configs(self, resources: list[Any], validate_only: bool, incremental: bool) -> dict[str, Any]:
        self.calls.append(("alter_configs", ({k: (int(op), v) for k, (op, v) in resources[0].configs.items()},
                                             validate_only)))
        return {"topic": {resources[0].name: "OK"}}


def test_adapter_reads_only_topic_level_overrides() -> None:
    fake = RecordingAdmin({"logs.access": state(partitions=4, retention_ms="1000")})
    assert admin.TopicAdmin(fake).describe("logs.access") == state(partitions=4, retention_ms="1000")
    assert admin.TopicAdmin(fake).describe("nope") is None


def test_adapter_carries_out_grow_and_config_with_incremental_ops() -> None:
    fake = RecordingAdmin({"logs.access": state(partitions=4, retention_ms="1000", cleanup_policy="delete")})
    ta = admin.TopicAdmin(fake)
    plan = topics.plan_topic(spec(partitions=6, retention_ms=2000), ta.describe("logs.access"), purge_config=True)
    ta.apply(plan, validate_only=True)
    ta.apply(plan)
    assert fake.calls == [
        ("create_partitions", ({"logs.access": 6}, True)),
        ("alter_configs", ({"retention.ms": (0, "2000"), "cleanup.policy": (1, None)}, True)),
        ("create_partitions", ({"logs.access": 6}, False)),
        ("alter_configs", ({"retention.ms": (0, "2000"), "cleanup.policy": (1, None)}, False)),
    ]


def test_adapter_turns_kafka_refusals_into_errors_naming_the_topic() -> None:
    class Refusing(RecordingAdmin):
        def create_topics(self, new: dict[str, Any], **kw: Any) -> None:
            raise RuntimeError("InvalidConfigurationException: retention.ms is -5")

    with pytest.raises(LogpipeError, match="topic 'logs.access': Kafka refused the change: RuntimeError"):
        admin.TopicAdmin(Refusing({})).apply(topics.plan_topic(spec(), None))


@pytest.mark.parametrize(("servers", "expected"), [
    ("a:9092, b:9092", ["a:9092", "b:9092"]), (["10.0.0.1:9092"], ["10.0.0.1:9092"])])
def test_bootstrap_lists(servers: Any, expected: list[str]) -> None:
    assert admin.bootstrap_list(servers) == expected


@pytest.mark.parametrize("servers", ["", [], ["broker"], "a:b"])
def test_bad_bootstrap_lists(servers: Any) -> None:
    with pytest.raises(LogpipeError, match="bootstrap_servers"):
        admin.bootstrap_list(servers)


def test_unreachable_cluster_is_a_clear_error() -> None:
    def refuse(**kw: Any) -> None:
        raise ConnectionRefusedError("no broker")

    with pytest.raises(LogpipeError, match="cannot reach Kafka at 127.0.0.1:1: ConnectionRefusedError"):
        admin.connect(["127.0.0.1:1"], client_factory=refuse)


# --- the Ansible module, run as Ansible runs it ---------------------------------------------------------------------

def run_module(args: dict[str, Any]) -> dict[str, Any]:
    return run_ansible_module("kafka_topic", args, timeout=60)


def test_module_refuses_a_bad_spec_before_connecting() -> None:
    out = run_module({"name": "logs.access", "partitions": 0, "replication_factor": 3,
                      "bootstrap_servers": ["127.0.0.1:1"]})
    assert out["failed"] and out["msg"] == "kafka_topic: topic 'logs.access': partitions must be at least 1, got 0"
    assert out["changed"] is False


def test_module_requires_partitions_for_present() -> None:
    out = run_module({"name": "t", "bootstrap_servers": ["127.0.0.1:1"]})
    assert out["failed"] and "partitions" in out["msg"]


# --- server.properties rendering ----------------------------------------------------------------------------------

def test_server_properties_are_sorted_and_in_kafkas_form() -> None:
    from logpipe.kafka.properties import render_properties

    text = render_properties({"node.id": 3, "unclean.leader.election.enable": False, "broker.rack": "",
                              "log.dirs": ["/data/0/kafka-logs", "/data/1/kafka-logs"], "a.path": "C:\\x",
                              "advertised.listeners": None})
    assert text == ("a.path=C:\\\\x\nlog.dirs=/data/0/kafka-logs,/data/1/kafka-logs\nnode.id=3\n"
                    "unclean.leader.election.enable=false\n")


def test_bad_property_names_are_refused() -> None:
    from logpipe.kafka.properties import render_properties

    with pytest.raises(LogpipeError, match="server property name 'log dirs' is not valid"):
        render_properties({"log dirs": "/x"})
