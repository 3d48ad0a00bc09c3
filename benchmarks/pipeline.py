"""Pipeline benchmarks: ratios against a reference measured on the same machine in the same run.

1. logmaster alone (Beats protocol in -> Kafka acks=all, idempotent) against Kafka's own
   `org.apache.kafka.tools.ProducerPerformance` with the same record size and batching settings. Goal >= 0.5.
   Run once per Kafka client (confluent-kafka, kafka-python): this is the measurement behind
   docs/decisions/0050-logmaster-kafka-client.md. Also prints the logmaster's peak RSS (goal <= 256 MB).
2. the whole path (file -> Filebeat -> HAProxy -> logmaster -> Kafka acks=all, on the running lab) against
   Filebeat alone (file -> file, same binary, same lines) on this machine in the same run. Goal >= 0.8.

    .venv/bin/python benchmarks/pipeline.py logmaster [--records 300000] [--bootstrap HOST:PORT]
    .venv/bin/python benchmarks/pipeline.py whole-path [--lines 300000]   # needs `make lab`

Without --bootstrap a single-node KRaft cluster is started on loopback from the artifact cache
(tests/support/local_kafka.py). The load generator is a separate process speaking lumberjack v2 from pre-encoded
compressed windows, one window in flight per connection (Filebeat's `pipelining: 0`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.support.local_kafka

RECORD_SIZE = 183  # bytes per line: the size Filebeat alone was measured with on this machine
LINGER_MS = 5
BATCH_BYTES = 1_000_000
COMPRESSION = "lz4"
WINDOW_EVENTS = 2048  # Filebeat's default bulk_max_size for the logstash output


@dataclass(frozen=True)
class Run:
    name: str
    records: int
    seconds: float
    peak_rss_mb: float | None = None
    cpu_seconds: float | None = None  # CPU time of the producing process (not the load generator, not Kafka)

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    @property
    def cpu_us_per_record(self) -> float | None:
        return None if self.cpu_seconds is None else 1e6 * self.cpu_seconds / self.records


# ---- Kafka ----------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def kafka(bootstrap: str | None) -> Iterator[str]:
    if bootstrap:
        yield bootstrap
        return
    try:
        from tests.support.local_kafka import local_kafka
    except ImportError as exc:
        raise SystemExit(f"benchmarks/pipeline.py: tests/support/local_kafka.py is not importable ({exc}); "
                         "pass --bootstrap HOST:PORT of a running broker") from exc
    with local_kafka() as servers:
        yield servers if isinstance(servers, str) else ",".join(servers)


def create_topic(bootstrap: str, name: str, partitions: int = 3) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 3})
    brokers = len(admin.list_topics(timeout=10).brokers)
    admin.create_topics([NewTopic(name, partitions, min(3, brokers))])[name].result(30)


def topic_records(bootstrap: str, name: str) -> int:
    """Records in `name` (sum of end offsets; the topics here are fresh and never compacted)."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{uuid.uuid4()}"})
    try:
        meta = consumer.list_topics(name, timeout=10).topics[name]
        total = 0
        for p in meta.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(name, p), timeout=10)
            total += high - low
        return total
    finally:
        consumer.close()


# ---- reference: Kafka's own producer ------------------------------------------------------------------------
def producer_performance(bootstrap: str, topic: str, records: int) -> Run:
    from logpipe.artifacts import kafka_home
    from logpipe.artifacts.kafka import java_command

    props = [f"bootstrap.servers={bootstrap}", "acks=all", "enable.idempotence=true", f"linger.ms={LINGER_MS}",
             f"batch.size={BATCH_BYTES}", f"compression.type={COMPRESSION}"]
    cmd = java_command(kafka_home(), "org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
                       "--num-records", str(records), "--record-size", str(RECORD_SIZE), "--throughput", "-1",
                       "--producer-props", *props, jvm=("-Xmx512m",))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    match = re.search(r"(\d+) records sent, ([\d.]+) records/sec", proc.stdout.strip().splitlines()[-1]
                      if proc.stdout.strip() else "")
    if proc.returncode != 0 or not match:
        raise SystemExit(f"ProducerPerformance failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    sent, rate = int(match.group(1)), float(match.group(2))
    return Run("ProducerPerformance", sent, sent / rate, cpu_seconds=cpu)


# ---- the logmaster ---------------------------------------------------------------------------------------------
def filebeat_like_event(seq: int) -> bytes:
    """A Filebeat filestream event whose message is RECORD_SIZE bytes (the routing table sends only the message)."""
    head = f"bench|/var/log/app/bench.log|{seq:012d}|"
    message = head + "x" * (RECORD_SIZE - len(head))
    return json.dumps({
        "@timestamp": "2026-01-01T00:00:00.000Z",
        "@metadata": {"beat": "filebeat", "type": "_doc", "version": "9.1.0"},
        "message": message, "fields": {"log_type": "bench"}, "input": {"type": "filestream"},
        "log": {"offset": seq * (RECORD_SIZE + 1), "file": {"path": "/var/log/app/bench.log"}},
        "host": {"name": "producer-1"}, "agent": {"type": "filebeat", "version": "9.1.0"},
        "ecs": {"version": "8.0.0"},
    }, separators=(",", ":")).encode()


def write_logmaster_config(workdir: Path, bootstrap: str, topic: str, client: str) -> Path:
    routing = {"default_topic": topic, "dead_letter_topic": f"{topic}-dlq", "value": "message",
               "rules": [{"name": "bench", "when": {"fields.log_type": "bench"}, "topic": topic,
                          "format": {"delimited": {"separator": "|", "fields": 4}}}]}
    (workdir / "routing.yml").write_text(yaml.safe_dump(routing))
    config = {"listen": {"host": "127.0.0.1", "port": 0}, "health": {"host": "127.0.0.1", "port": 0},
              "routing_table": "routing.yml",
              "kafka": {"bootstrap": bootstrap, "client": client, "linger_ms": LINGER_MS,
                        "batch_bytes": BATCH_BYTES, "compression": COMPRESSION}}
    path = workdir / f"logmaster-{client}.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def logmaster_run(bootstrap: str, client: str, records: int, connections: int, workdir: Path) -> Run:
    topic = f"bench-lm-{client}-{uuid.uuid4().hex[:6]}"
    create_topic(bootstrap, topic)
    create_topic(bootstrap, f"{topic}-dlq", 1)
    config = write_logmaster_config(workdir, bootstrap, topic, client)
    log_path = workdir / f"logmaster-{client}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "logpipe.cli", "logmaster", "run", "--config", str(config)],
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        port = _wait_for_port(log_path, server)
        windows = max(1, records // (WINDOW_EVENTS * connections))
        gen = subprocess.run([sys.executable, __file__, "loadgen", "--port", str(port), "--connections",
                              str(connections), "--windows", str(windows)], capture_output=True, text=True)
        if gen.returncode != 0:
            raise SystemExit(f"load generator failed:\n{gen.stderr[-3000:]}\nlogmaster log:\n"
                             f"{log_path.read_text()[-3000:]}")
        result = json.loads(gen.stdout)
        rss = peak_rss_mb(server.pid)
        cpu = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    landed = topic_records(bootstrap, topic)
    if landed != result["events"]:
        raise SystemExit(f"{client}: {result['events']} events ACKed but {landed} records in {topic}")
    return Run(f"logmaster/{client}", result["events"], result["seconds"], rss, cpu)


def _wait_for_port(log_path: Path, server: subprocess.Popen, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"listening for Beats on [^:]+:(\d+)", log_path.read_text())
        if found:
            return int(found.group(1))
        if server.poll() is not None:
            raise SystemExit(f"logmaster exited {server.returncode}:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    raise SystemExit(f"logmaster did not start within {timeout:.0f}s:\n{log_path.read_text()[-3000:]}")


# ---- the load generator (its own process) ---------------------------------------------------------------------
def loadgen(port: int, connections: int, windows: int) -> dict:
    """`connections` threads, each sending `windows` pre-encoded compressed windows, one in flight at a time."""
    import threading

    from logpipe.logmaster.client import BeatsClient
    from logpipe.logmaster.protocol import encode_window

    encoded = [encode_window([filebeat_like_event(c * 10_000_000 + i) for i in range(WINDOW_EVENTS)], 3)
               for c in range(connections)]
    clients = [BeatsClient("127.0.0.1", port, timeout=120).connect() for _ in range(connections)]
    errors: list[BaseException] = []

    def drive(client: BeatsClient, window: bytes) -> None:
        try:
            for _ in range(windows):
                client.send_raw(window)
                client.await_ack(WINDOW_EVENTS)
        except BaseException as exc:  # noqa: BLE001 - reported by the parent
            errors.append(exc)

    threads = [threading.Thread(target=drive, args=(c, w)) for c, w in zip(clients, encoded, strict=True)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    for c in clients:
        c.close()
    if errors:
        raise errors[0]
    return {"events": connections * windows * WINDOW_EVENTS, "seconds": seconds}


# ---- the whole path (needs the lab) ---------------------------------------------------------------------------
def output_lines(directory: Path) -> int:
    """Lines in Filebeat's file output so far, from the files' sizes: every line is RECORD_SIZE + 1 bytes. Sizes,
    not reads, so that polling costs the reference nothing."""
    return sum(path.stat().st_size for path in directory.glob("*")) // (RECORD_SIZE + 1)


def filebeat_alone(binary: Path, lines: int, workdir: Path) -> Run:
    """The shipper's ceiling: Filebeat reading `lines` lines of RECORD_SIZE bytes from one file and writing them
    to a file output (no network), timed from the first output line to the last."""
    source, out = workdir / "fb-alone.log", workdir / "fb-alone-out"
    with source.open("w") as f:
        for seq in range(lines):
            head = f"bench|fb-alone.log|{seq:012d}|"
            f.write(head + "x" * (RECORD_SIZE - len(head)) + "\n")
    config = {
        "filebeat.inputs": [{"type": "filestream", "id": "bench-alone", "paths": [str(source)],
                             "prospector.scanner.check_interval": "1s"}],
        "output.file": {"path": str(out), "filename": "out", "rotate_every_kb": 10_000_000,
                        "codec.format.string": "%{[message]}"},
        "path.data": str(workdir / "fb-alone-data"), "path.logs": str(workdir / "fb-alone-logs"),
        "logging.level": "warning",
    }
    cfg = workdir / "fb-alone.yml"
    cfg.write_text(yaml.safe_dump(config))
    cfg.chmod(0o600)
    proc = subprocess.Popen([str(binary), "-e", "-c", str(cfg), "--path.home", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first: tuple[float, int] | None = None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            seen = output_lines(out) if out.is_dir() else 0
            now = time.perf_counter()
            if seen and first is None:
                first = (now, seen)
            if seen >= lines:
                assert first is not None
                return Run("filebeat alone (file->file)", seen - first[1], max(now - first[0], 1e-6))
            if proc.poll() is not None:
                raise SystemExit(f"filebeat exited {proc.returncode} after {seen} of {lines} lines")
            time.sleep(0.05)
        raise SystemExit(f"filebeat alone did not finish {lines} lines within 600 s")
    finally:
        proc.terminate()
        proc.wait(30)


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{uuid.uuid4()}"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        return {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
    finally:
        consumer.close()


def distinct_lines_since(bootstrap: str, topic: str, start: dict[int, int], host: str, path: str) -> int:
    """Distinct sequence numbers of host:path's test lines in `topic` after the `start` offsets (a lost line would
    show as a missing number; a redelivered one is counted once)."""
    from confluent_kafka import Consumer, TopicPartition

    from logpipe.lab.reconcile import parse_line

    end = end_offsets(bootstrap, topic)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    seen: set[int] = set()
    try:
        consumer.assign([TopicPartition(topic, p, start.get(p, 0)) for p in end])
        remaining = sum(end[p] - start.get(p, 0) for p in end)
        while remaining > 0:
            for message in consumer.consume(10_000, timeout=5):
                if message.error():
                    raise SystemExit(f"reading {topic}: {message.error()}")
                remaining -= 1
                parsed = parse_line(message.value())
                if parsed and parsed[0] == host and parsed[1] == path:
                    seen.add(parsed[2])
        return len(seen)
    finally:
        consumer.close()


def whole_path(state, topic: str, lines: int) -> Run:
    """file -> Filebeat -> HAProxy -> logmaster -> Kafka on the running lab: write `lines` lines into a new file on
    the first producer host (the lab's Filebeat input picks it up) and time the topic's end offsets from the first
    new record to the last. Every line is then read back and counted: the run fails if one is missing."""
    from logpipe.lab.cli import endpoints
    from logpipe.lab.traffic import write_lines

    bootstrap = endpoints(state)["kafka_bootstrap"]
    producer = sorted(h for h, e in state.hosts.items() if "producers" in e["groups"])[0]
    path = f"/var/log/app/access-bench-{uuid.uuid4().hex[:8]}.log"
    start = end_offsets(bootstrap, topic)
    write_lines(producer, path, lines, width=RECORD_SIZE)
    first: float | None = None
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        landed = sum(end_offsets(bootstrap, topic).values()) - sum(start.values())
        now = time.perf_counter()
        if landed and first is None:
            first, first_landed = now, landed
        if landed >= lines:
            break
        time.sleep(0.2)
    else:
        raise SystemExit(f"whole path: only {landed} of {lines} lines reached {topic} within 900 s")
    assert first is not None
    distinct = distinct_lines_since(bootstrap, topic, start, producer, path)
    if distinct != lines:
        raise SystemExit(f"whole path: {lines - distinct} of {lines} lines of {producer}:{path} missing in {topic}")
    return Run("whole path (lab)", landed - first_landed, max(now - first, 1e-6))


def whole_path_main(args: argparse.Namespace) -> int:
    from logpipe.lab.state import LabState
    from logpipe.logmaster.shipper import unpack_filebeat

    state = LabState.load()
    if not state.hosts:
        raise SystemExit("whole-path needs the lab: run `make lab` first")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="wp-bench-") as tmp:
        binary = unpack_filebeat(Path(tmp))
        for round_no in range(1, args.rounds + 1):
            print(f"==> round {round_no}: filebeat alone, {args.lines} lines of {RECORD_SIZE} B", flush=True)
            with tempfile.TemporaryDirectory(prefix="fb-alone-", dir=tmp) as work:
                runs.append(filebeat_alone(binary, args.lines, Path(work)))
            print(f"==> round {round_no}: whole path on the lab, {args.lines} lines into {args.topic}", flush=True)
            runs.append(whole_path(state, args.topic, args.lines))
    best: dict[str, Run] = {}
    for run in runs:
        print(f"  {run.name:<28}{run.records:>9} lines {run.seconds:>8.2f} s {run.rate:>10.0f} lines/s")
        if run.name not in best or run.rate > best[run.name].rate:
            best[run.name] = run
    reference, measured = best["filebeat alone (file->file)"], best["whole path (lab)"]
    print(f"whole path / filebeat alone = {measured.rate / reference.rate:.2f} ({measured.rate:.0f} vs "
          f"{reference.rate:.0f} lines/s, best of {args.rounds}; goal >= 0.8); cores: {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    return 0


# ---- main -----------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    lm = sub.add_parser("logmaster", help="logmaster alone vs ProducerPerformance, per Kafka client")
    lm.add_argument("--records", type=int, default=300_000, help="records per run (default 300000)")
    lm.add_argument("--connections", type=int, default=4, help="Beats connections (shippers) in parallel")
    lm.add_argument("--bootstrap", help="an existing broker; default: start one from the artifact cache")
    lm.add_argument("--clients", default="confluent,kafka-python", help="Kafka clients to measure")
    lm.add_argument("--rounds", type=int, default=2,
                    help="alternate reference and logmaster runs this many times and keep each one's best: on a "
                         "shared machine the best run is the least disturbed one (default 2)")
    lm.add_argument("--json", action="store_true", help="print the results as JSON too")
    fb = sub.add_parser("filebeat-alone", help="the shipper's ceiling: Filebeat file -> file on this machine")
    fb.add_argument("--lines", type=int, default=1_000_000)
    wp = sub.add_parser("whole-path", help="the lab's whole path vs Filebeat alone (needs `make lab`)")
    wp.add_argument("--lines", type=int, default=300_000)
    wp.add_argument("--rounds", type=int, default=2, help="alternate the two runs; keep each one's best")
    wp.add_argument("--topic", default="logs.access", help="the topic the lab routes access lines to")
    gen = sub.add_parser("loadgen", help=argparse.SUPPRESS)
    gen.add_argument("--port", type=int, required=True)
    gen.add_argument("--connections", type=int, required=True)
    gen.add_argument("--windows", type=int, required=True)
    args = parser.parse_args(argv)

    if args.command == "loadgen":
        print(json.dumps(loadgen(args.port, args.connections, args.windows)))
        return 0
    if args.command == "filebeat-alone":
        from logpipe.logmaster.shipper import unpack_filebeat

        with tempfile.TemporaryDirectory(prefix="fb-bench-") as tmp:
            run = filebeat_alone(unpack_filebeat(Path(tmp)), args.lines, Path(tmp))
        print(f"{run.name}: {run.records} lines of {RECORD_SIZE} B in {run.seconds:.2f} s = {run.rate:.0f} lines/s")
        return 0

    if args.command == "whole-path":
        return whole_path_main(args)

    all_runs: list[Run] = []
    with kafka(args.bootstrap) as bootstrap, tempfile.TemporaryDirectory(prefix="lm-bench-") as tmp:
        for round_no in range(1, args.rounds + 1):
            ref_topic = f"bench-ref-{uuid.uuid4().hex[:6]}"
            create_topic(bootstrap, ref_topic)
            print(f"==> round {round_no}: ProducerPerformance, {args.records} records of {RECORD_SIZE} B, acks=all, "
                  f"idempotent, linger.ms={LINGER_MS}, batch.size={BATCH_BYTES}, {COMPRESSION}", flush=True)
            all_runs.append(producer_performance(bootstrap, ref_topic, args.records))
            for client in args.clients.split(","):
                print(f"==> round {round_no}: logmaster with {client}, {args.connections} Beats connections, "
                      f"windows of {WINDOW_EVENTS}", flush=True)
                all_runs.append(logmaster_run(bootstrap, client, args.records, args.connections, Path(tmp)))

    print(f"\n{'run':<26}{'records':>9}{'seconds':>9}{'records/s':>11}{'CPU us/rec':>12}{'peak RSS MB':>13}")
    for run in all_runs:
        rss = f"{run.peak_rss_mb:.0f}" if run.peak_rss_mb is not None else "-"
        cpu = f"{run.cpu_us_per_record:.1f}" if run.cpu_us_per_record is not None else "-"
        print(f"{run.name:<26}{run.records:>9}{run.seconds:>9.2f}{run.rate:>11.0f}{cpu:>12}{rss:>13}")
    best: dict[str, Run] = {}
    for run in all_runs:
        if run.name not in best or run.rate > best[run.name].rate:
            best[run.name] = run
    reference = best.pop("ProducerPerformance")
    print(f"\nbest of {args.rounds} round(s), ratio to ProducerPerformance ({reference.rate:.0f} records/s):")
    for run in best.values():
        print(f"  {run.name:<24}{run.rate:>9.0f} records/s  ratio {run.rate / reference.rate:.2f}  "
              f"peak RSS {run.peak_rss_mb:.0f} MB")
    winner = max(best.values(), key=lambda r: r.rate)
    print(f"logmaster alone / ProducerPerformance = {winner.rate / reference.rate:.2f} ({winner.name}; goal >= 0.5); "
          f"peak RSS {max(r.peak_rss_mb or 0 for r in best.values()):.0f} MB (goal <= 256); cores: {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    runs = all_runs
    if args.json:
        print(json.dumps([asdict(r) | {"rate": r.rate} for r in runs]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
