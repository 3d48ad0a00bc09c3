"""Per host: the service, its files and what the role rendered (testinfra, over the molecule inventory)."""

from __future__ import annotations

# podman:// runs each command with `podman exec` (the ansible:// backend starts a whole ansible run per command).
testinfra_hosts = ["podman://mk-kafka-1", "podman://mk-kafka-2", "podman://mk-kafka-3"]


def props(host) -> dict[str, str]:
    text = host.file("/etc/kafka/server.properties").content_string
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_kafka_runs_as_its_own_user_from_the_systemd_unit(host) -> None:
    service = host.service("kafka")
    assert service.is_running and service.is_enabled
    java = [p for p in host.process.filter(comm="java") if "kafka.Kafka" in p.args]
    assert len(java) == 1 and java[0].user == "kafka"
    assert "-Xmx256m" in java[0].args  # the heap drop-in reached the JVM


def test_server_properties_are_durable_rack_aware_kraft(host) -> None:
    p = props(host)
    broker_id = int(p["node.id"])
    assert p["process.roles"] == "broker,controller"
    assert p["broker.rack"] == {1: "lab-a", 2: "lab-b", 3: "lab-c"}[broker_id]
    assert p["controller.quorum.voters"].count("@") == 3
    assert (p["default.replication.factor"], p["min.insync.replicas"]) == ("3", "2")
    assert p["unclean.leader.election.enable"] == "false"
    assert p["auto.create.topics.enable"] == "false"
    assert p["log.dirs"] == "/var/lib/kafka/kafka-logs"  # logpipe.sizing's layout
    assert int(p["num.io.threads"]) >= 8 and int(p["num.network.threads"]) >= 3


def test_storage_formatted_once_with_the_derived_cluster_id(host) -> None:
    meta = host.file("/var/lib/kafka/kafka-logs/meta.properties")
    assert meta.user == "kafka"
    text = dict(line.split("=", 1) for line in meta.content_string.splitlines() if "=" in line)
    # cluster_id_from_name("molecule-kafka"), the scenario's kafka_cluster_name
    assert text["cluster.id"] == "vHwJpOqBXBaOGVeocgMflQ"
    assert text["node.id"] == props(host)["node.id"]


def test_heap_and_environment_come_from_drop_ins(host) -> None:
    assert "-Xmx256m" in host.file("/etc/systemd/system/kafka.service.d/10-heap.conf").content_string
    assert "KAFKA_JVM_PERFORMANCE_OPTS" in host.file(
        "/etc/systemd/system/kafka.service.d/20-environment.conf").content_string
    assert not host.file("/var/lib/kafka/restart-pending").exists


def test_the_config_checker_rejects_a_broken_file(host) -> None:
    host.run_test("sed 's/^node.id=.*/node.id=99/' /etc/kafka/server.properties > /tmp/bad.properties")
    bad = host.run("/usr/local/sbin/kafka-check-config /tmp/bad.properties")
    assert bad.rc == 1 and "must be included in the set of voters" in bad.stderr
    assert host.run("/usr/local/sbin/kafka-check-config /etc/kafka/server.properties").rc == 0
