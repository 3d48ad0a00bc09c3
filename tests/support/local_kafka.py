"""A real KRaft Kafka cluster on 127.0.0.1 for tests and benchmarks, started from the artifact cache.

    from tests.support.local_kafka import local_kafka, LocalKafkaCluster

    with local_kafka() as bootstrap:                      # one broker; yields "127.0.0.1:PORT"
        ...

    @pytest.fixture(scope="module")
    def kafka_bootstrap():
        with local_kafka(brokers=3, overrides={"log.retention.check.interval.ms": "1000"}) as bootstrap:
            yield bootstrap

    with LocalKafkaCluster(brokers=3) as cluster:         # when a test needs to stop or kill brokers
        cluster.stop_broker(2, kill=True)
        cluster.start_broker(2)

Every node is broker and controller (combined mode, a static voter set of all nodes) with its own free ports,
`broker.rack` from `racks` in turn, a small heap, and storage formatted in a temporary directory. Start-up waits
until the admin API lists every broker. Leaving the context stops every JVM (SIGTERM, then SIGKILL after a
grace period) and deletes the directory; an interpreter exit does the same for clusters never stopped.
Kafka comes from `logpipe.artifacts.kafka_home()`: without a built Kafka artifact this raises LogpipeError
naming the command to run, so tests that need Kafka fail loudly instead of skipping.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from logpipe.artifacts import kafka_home
from logpipe.errors import LogpipeError
from logpipe.kafka.cluster import cluster_id_from_name

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Node:
    node_id: int
    rack: str
    port: int
    controller_port: int


def free_ports(count: int) -> list[int]:
    """`count` distinct free TCP ports on 127.0.0.1 (all held open together, so none repeats)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((HOST, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def random_cluster_id() -> str:
    """A fresh cluster id, by the platform's own rule (never starting with '-', which the storage tool would read
    as an option: one random id in 64 did, and failed `kafka-storage format`)."""
    return cluster_id_from_name(uuid.uuid4().hex)


def plan_nodes(brokers: int, racks: tuple[str, ...], ports: list[int]) -> list[Node]:
    """Node ids 1..brokers, racks assigned in turn, two ports per node (client, controller)."""
    if brokers < 1:
        raise LogpipeError(f"brokers must be at least 1, got {brokers}")
    if not racks:
        raise LogpipeError("racks must name at least one rack")
    if len(ports) < 2 * brokers:
        raise LogpipeError(f"need {2 * brokers} ports for {brokers} brokers, got {len(ports)}")
    return [Node(node_id=i + 1, rack=racks[i % len(racks)], port=ports[2 * i], controller_port=ports[2 * i + 1])
            for i in range(brokers)]


def node_properties(node: Node, nodes: list[Node], log_dir: Path, overrides: dict[str, str]) -> dict[str, str]:
    """server.properties for one node of a local test cluster; `overrides` win over every default."""
    n = len(nodes)
    props = {
        "process.roles": "broker,controller",
        "node.id": str(node.node_id),
        "broker.rack": node.rack,
        "controller.quorum.voters": ",".join(f"{m.node_id}@{HOST}:{m.controller_port}" for m in nodes),
        "listeners": f"PLAINTEXT://{HOST}:{node.port},CONTROLLER://{HOST}:{node.controller_port}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{node.port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(log_dir),
        "num.network.threads": "2",
        "num.io.threads": "4",
        "num.partitions": "1",
        "offsets.topic.num.partitions": "5",
        "offsets.topic.replication.factor": str(min(3, n)),
        "transaction.state.log.replication.factor": str(min(3, n)),
        "transaction.state.log.min.isr": str(min(2, n)),
        "share.coordinator.state.topic.replication.factor": str(min(3, n)),
        "share.coordinator.state.topic.min.isr": str(min(2, n)),
        "group.initial.rebalance.delay.ms": "0",
        "unclean.leader.election.enable": "false",
    }
    props.update(overrides)
    return props


def render_properties(props: dict[str, str]) -> str:
    return "".join(f"{key}={props[key]}\n" for key in sorted(props))


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((HOST, port)) == 0


@dataclass
class _Running:
    node: Node
    proc: subprocess.Popen
    log: Path


def _terminate(procs: list[subprocess.Popen], grace: float) -> None:
    """SIGTERM every process group, wait up to `grace` seconds, SIGKILL what is left, reap all."""
    for proc in procs:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    for proc in procs:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _cleanup(procs: list[subprocess.Popen], workdir: str) -> None:
    _terminate(procs, grace=5.0)
    shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class LocalKafkaCluster:
    brokers: int = 1
    racks: tuple[str, ...] = ("az-1", "az-2", "az-3")
    heap_min: str = "256m"
    heap_max: str = "512m"
    overrides: dict[str, str] = field(default_factory=dict)
    node_overrides: dict[int, dict[str, str]] = field(default_factory=dict)
    ready_timeout: float = 120.0
    stop_grace: float = 15.0
    home: Path | None = None
    nodes: list[Node] = field(default_factory=list, init=False)
    workdir: Path | None = field(default=None, init=False)
    _running: dict[int, _Running] = field(default_factory=dict, init=False)
    _procs: list[subprocess.Popen] = field(default_factory=list, init=False)
    _finalizer: weakref.finalize | None = field(default=None, init=False)

    @property
    def bootstrap(self) -> str:
        if not self.nodes:
            raise LogpipeError("the local Kafka cluster is not started")
        return ",".join(f"{HOST}:{n.port}" for n in self.nodes)

    def _config(self, node: Node) -> Path:
        assert self.workdir is not None
        return self.workdir / f"node-{node.node_id}" / "server.properties"

    def _java(self, main_class: str, *args: str, jvm: tuple[str, ...] = ()) -> list[str]:
        assert self.home is not None
        return ["java", *jvm, "-cp", str(self.home / "libs" / "*"), main_class, *args]

    def start(self) -> LocalKafkaCluster:
        self.home = self.home or kafka_home()
        if shutil.which("java") is None:
            raise LogpipeError("`java` is not on PATH; install openjdk-17-jre-headless to run a local Kafka")
        self.workdir = Path(tempfile.mkdtemp(prefix="logpipe-kafka-"))
        self._finalizer = weakref.finalize(self, _cleanup, self._procs, str(self.workdir))
        try:
            self.nodes = plan_nodes(self.brokers, self.racks, free_ports(2 * self.brokers))
            cluster_id = random_cluster_id()
            formats = []
            for node in self.nodes:
                node_dir = self.workdir / f"node-{node.node_id}"
                (node_dir / "logs").mkdir(parents=True)
                props = node_properties(node, self.nodes, node_dir / "data",
                                        {**self.overrides, **self.node_overrides.get(node.node_id, {})})
                self._config(node).write_text(render_properties(props))
                # a short-lived JVM: the quick compiler only, a small heap
                command = self._java("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c",
                                     str(self._config(node)), jvm=("-Xmx256m", "-XX:TieredStopAtLevel=1"))
                proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True, start_new_session=True)
                self._procs.append(proc)
                formats.append((node, proc))
            for node, proc in formats:
                output, _ = proc.communicate(timeout=180)
                if proc.returncode != 0:
                    raise LogpipeError(f"formatting storage for node {node.node_id} failed (exit {proc.returncode}):"
                                       f"\n{output[-2000:]}")
            for node in self.nodes:
                self.start_broker(node.node_id, wait=False)
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def start_broker(self, node_id: int, *, wait: bool = True) -> None:
        """Start (or restart) node `node_id` with its existing config and data."""
        node = next((n for n in self.nodes if n.node_id == node_id), None)
        if node is None:
            raise LogpipeError(f"no node {node_id} in this cluster (nodes {[n.node_id for n in self.nodes]})")
        running = self._running.get(node_id)
        if running and running.proc.poll() is None:
            raise LogpipeError(f"node {node_id} is already running (pid {running.proc.pid})")
        node_dir = self._config(node).parent
        log = node_dir / "stdout.log"
        jvm = (f"-Xms{self.heap_min}", f"-Xmx{self.heap_max}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
               f"-Dkafka.logs.dir={node_dir / 'logs'}",
               f"-Dlog4j2.configurationFile={self.home / 'config' / 'log4j2.yaml'}")
        with open(log, "ab") as out:
            proc = subprocess.Popen(self._java("kafka.Kafka", str(self._config(node)), jvm=jvm), stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self._procs.append(proc)
        self._running[node_id] = _Running(node, proc, log)
        if wait:
            self.wait_ready()

    def stop_broker(self, node_id: int, *, kill: bool = False) -> None:
        """Stop node `node_id`: SIGKILL when `kill`, else SIGTERM (controlled shutdown) with the grace period."""
        running = self._running.get(node_id)
        if running is None or running.proc.poll() is not None:
            raise LogpipeError(f"node {node_id} is not running")
        if kill:
            os.killpg(running.proc.pid, signal.SIGKILL)
            running.proc.wait()
        else:
            _terminate([running.proc], self.stop_grace)

    def pids(self) -> list[int]:
        """Process ids of the nodes' JVMs that are still running."""
        return [r.proc.pid for r in self._running.values() if r.proc.poll() is None]

    def log_tail(self, node_id: int, lines: int = 30) -> str:
        running = self._running.get(node_id)
        if running is None or not running.log.exists():
            return ""
        return "\n".join(running.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_ready(self) -> None:
        """Wait until the admin API lists every running broker; raise with a log tail if a JVM exits."""
        from kafka import KafkaAdminClient

        expected = {r.node.node_id for r in self._running.values() if r.proc.poll() is None}
        deadline = time.monotonic() + self.ready_timeout
        last_error = "no answer yet"
        while True:
            for node_id, running in self._running.items():
                if node_id in expected and running.proc.poll() is not None:
                    raise LogpipeError(f"Kafka node {node_id} exited with {running.proc.returncode} during start-up:"
                                       f"\n{self.log_tail(node_id)}")
            listening = [i for i in sorted(expected) if _accepts(self._running[i].node.port)]
            if len(listening) < len(expected):
                last_error = f"brokers {listening} of {sorted(expected)} accept connections"
            else:
                try:
                    admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000,
                                             client_id="logpipe-local-kafka")
                    try:
                        brokers = admin.describe_cluster()["brokers"]
                    finally:
                        admin.close()
                    seen = {b.get("broker_id", b.get("node_id")) for b in brokers if not b.get("is_fenced")}
                    if expected <= seen:
                        return
                    last_error = f"brokers {sorted(seen)} of {sorted(expected)} registered"
                except Exception as exc:  # any client error means "not ready yet"
                    last_error = f"{type(exc).__name__}: {exc}"
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- node {i}\n{self.log_tail(i, 10)}" for i in sorted(expected))
                raise LogpipeError(f"local Kafka not ready after {self.ready_timeout:.0f}s ({last_error}):\n{tails}")
            time.sleep(1.0)

    def stop(self) -> None:
        """Stop every JVM and delete the cluster's directory. Safe to call twice."""
        _terminate(self._procs, self.stop_grace)
        if self._finalizer is not None:
            self._finalizer.detach()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self._running.clear()

    def __enter__(self) -> LocalKafkaCluster:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


@contextlib.contextmanager
def local_kafka(brokers: int = 1, **options) -> Iterator[str]:
    """Start a LocalKafkaCluster (options as its fields) and yield its bootstrap string."""
    with LocalKafkaCluster(brokers=brokers, **options) as cluster:
        yield cluster.bootstrap
