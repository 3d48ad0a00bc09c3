"""The scenarios of shared/reliability.md, each a function with its durations and rates as named parameters
(defaults as reliability.md states them) that injects its fault, heals it, reconciles and returns a
ScenarioResult. Negative controls (`*_control`) must show loss: they prove the apparatus can see it."""

from __future__ import annotations

import time
from collections.abc import Callable

from logpipe.console import progress, step
from logpipe.errors import LogpipeError
from logpipe.faults import process
from logpipe.faults.cluster import TopicPartitionOffsets, end_offsets, grown_partitions, leader_host, wait_cluster_whole
from logpipe.faults.collect import collect
from logpipe.faults.context import LabContext
from logpipe.faults.host import now_ms
from logpipe.faults.measure import ScenarioResult, catch_up_seconds, totals
from logpipe.faults.network import cut_off
from logpipe.faults.observe import (filebeat_acked, haproxy_servers, in_rotation, seconds_until, serving,
                                    stranded_check_restarts)
from logpipe.faults.writer import BackgroundWriter
from logpipe.lab.reconcile import Stream, reconcile

COLLECT_TIMEOUT_S = 900  # after the heal: a 10-minute backlog drains well within this on the lab
FAULT_AFTER_S = 10  # let the stream flow before breaking anything, so the fault hits it mid-stream
AFTER_HEAL_S = 20  # keep writing after the heal: new lines must flow too, not only the backlog


def stream_path(scenario: str, directory: str = "/var/log/app") -> str:
    """A fresh file per run that the managed `access*.log` input picks up."""
    return f"{directory}/access-fault{scenario}-{time.strftime('%Y%m%dT%H%M%S')}.log"


def run_with_writer(ctx: LabContext, scenario: str, title: str, fault: Callable[[ScenarioResult], int], *,
                    rate: int, count: int = 0, after_heal_s: float = AFTER_HEAL_S, rotate_every_s: int = 0,
                    max_rotations: int = 0) -> ScenarioResult:
    """Write in the background, run `fault` (inject, wait, heal; returns the heal time in ms), keep writing
    `after_heal_s` (or until `count` lines), then read back and reconcile."""
    step(f"scenario {scenario}: {title}")
    began = time.monotonic()
    result = ScenarioResult(scenario, title)
    topics = [ctx.access_topic]
    since = end_offsets(ctx.bootstrap, topics)
    path = stream_path(scenario)
    writer = BackgroundWriter(ctx.producer, path, rate=rate, count=count, rotate_every_s=rotate_every_s,
                              max_rotations=max_rotations).start()
    try:
        healed_ms = fault(result)
        if not count:
            time.sleep(after_heal_s)
    finally:
        written = writer.stop() if not count else writer.wait()
    if max_rotations:
        result.checks["rotations"] = written.rotations
    streams = [Stream(ctx.producer, path, ctx.access_topic, written.lines)]
    return finish(ctx, result, streams, since, healed_ms, began)


def finish(ctx: LabContext, result: ScenarioResult, streams: list[Stream], since: TopicPartitionOffsets,
           healed_ms: int, began: float) -> ScenarioResult:
    """Read back, reconcile, time the catch-up; the arrivals are kept on the result for scenario checks."""
    arrivals = collect(ctx.bootstrap, since, streams, timeout=COLLECT_TIMEOUT_S)
    result.arrivals = arrivals
    totals(result, reconcile(streams, arrivals))
    result.recovery_s = catch_up_seconds(streams, arrivals, healed_ms)
    result.wall_s = round(time.monotonic() - began, 1)
    recovery = "unknown (lines missing)" if result.recovery_s is None else f"{result.recovery_s:.1f}s"
    progress(f"scenario {result.scenario}: sent {result.sent}, lost {result.lost}, dup {result.duplicated}, "
             f"recovery {recovery}")
    return result


def hold(seconds: float) -> None:
    progress(f"holding the fault for {seconds:.0f}s")
    time.sleep(seconds)


def stream_partition(ctx: LabContext, since: TopicPartitionOffsets, wait_s: float = 5) -> tuple[str, int]:
    """The partition the running test stream lands in (the logmaster keys by client_id: one partition)."""
    time.sleep(wait_s)
    grown = grown_partitions(since, end_offsets(ctx.bootstrap, [ctx.access_topic]))
    if not grown:
        raise LogpipeError(f"no partition of {ctx.access_topic} grew in {wait_s}s: is the pipeline flowing?")
    return grown[0]


# 1 ------------------------------------------------------------------------------------------------------------
def kill_all_logmasters(ctx: LabContext, lines: int = 100_000, rate: int = 2000, down_s: float = 30,
                        fault_after_s: float = FAULT_AFTER_S) -> ScenarioResult:
    """kill -9 every logmaster for `down_s` during a `lines`-line write; Filebeat may ACK nothing meanwhile."""
    def fault(result: ScenarioResult) -> int:
        time.sleep(fault_after_s)
        with process.killed_and_held(ctx.logmasters, "logmaster"):
            time.sleep(3)  # windows ACKed just before the kill may still be counted
            acked_before = filebeat_acked(ctx.producer)
            hold(down_s - 3)
            acked_after = filebeat_acked(ctx.producer)
        result.checks["filebeat_acked_while_down"] = acked_after - acked_before
        return now_ms()

    return run_with_writer(ctx, "1", f"kill -9 every logmaster for {down_s:.0f}s during a {lines}-line write",
                           fault, rate=rate, count=lines)


# 2 ------------------------------------------------------------------------------------------------------------
def freeze_one_logmaster(ctx: LabContext, frozen_s: float = 120, rate: int = 500,
                         fault_after_s: float = FAULT_AFTER_S) -> ScenarioResult:
    """SIGSTOP the logmaster Filebeat is sending to for `frozen_s`; it must leave HAProxy's rotation."""
    def fault(result: ScenarioResult) -> int:
        time.sleep(fault_after_s)
        busy = serving(haproxy_servers(ctx.producer))
        by_ip = {ip: host for host, ip in ctx.ips.items()}
        target = by_ip.get(busy[0], ctx.logmasters[0]) if busy else ctx.logmasters[0]
        ip = ctx.ips[target]
        result.checks["frozen"] = target
        began = time.monotonic()
        with process.frozen(target, "logmaster"):
            result.checks["out_of_rotation_s"] = seconds_until(
                lambda: ip not in in_rotation(haproxy_servers(ctx.producer)), timeout=frozen_s)
            hold(frozen_s - (time.monotonic() - began))
        return now_ms()

    return run_with_writer(ctx, "2", f"SIGSTOP the serving logmaster for {frozen_s:.0f}s", fault, rate=rate)


# 3 ------------------------------------------------------------------------------------------------------------
def below_min_isr(ctx: LabContext, below_s: float = 300, rate: int = 200,
                  fault_after_s: float = FAULT_AFTER_S) -> ScenarioResult:
    """Stop two of three brokers for `below_s` (below min.insync.replicas); everything arrives after."""
    stopped = ctx.brokers[1:]  # RF 3, min.insync.replicas 2: one broker left is below min ISR

    def fault(result: ScenarioResult) -> int:
        time.sleep(fault_after_s)
        with process.stopped(stopped, "kafka"):
            hold(below_s)
        healed_ms = now_ms()  # recovery counts from the brokers' start, through their catching up
        wait_cluster_whole(ctx.bootstrap, len(ctx.brokers))
        return healed_ms

    return run_with_writer(ctx, "3", f"Kafka below min ISR for {below_s:.0f}s ({', '.join(stopped)} stopped)",
                           fault, rate=rate)


# 4 ------------------------------------------------------------------------------------------------------------
def kill_partition_leader(ctx: LabContext, kills: int = 5, rate: int = 500) -> ScenarioResult:
    """kill -9 the stream's partition leader `kills` times, waiting for a whole cluster between kills."""
    def fault(result: ScenarioResult) -> int:
        topic, partition = stream_partition(ctx, since_at_start)
        victims = []
        for kill in range(kills):
            if kill:
                wait_cluster_whole(ctx.bootstrap, len(ctx.brokers))  # the next kill hits a whole cluster
            leader = leader_host(ctx.bootstrap, ctx.ips, topic, partition)
            victims.append(leader)
            process.kill_hard_and_wait_restart(leader, "kafka")  # Restart=on-failure brings it back
        healed_ms = now_ms()
        result.checks["killed_leaders"] = victims
        wait_cluster_whole(ctx.bootstrap, len(ctx.brokers))
        return healed_ms

    since_at_start = end_offsets(ctx.bootstrap, [ctx.access_topic])
    return run_with_writer(ctx, "4", f"{kills} hard kills of the stream's partition leader", fault, rate=rate)


# 5 ------------------------------------------------------------------------------------------------------------
def cut_off_partition_leader(ctx: LabContext, cut_s: float = 60, rate: int = 500) -> ScenarioResult:
    """Cut the stream's partition leader off the network for `cut_s` (blackhole routes)."""
    def fault(result: ScenarioResult) -> int:
        topic, partition = stream_partition(ctx, since_at_start)
        leader = leader_host(ctx.bootstrap, ctx.ips, topic, partition)
        result.checks["isolated"] = leader
        with cut_off(leader, ctx.ips):
            hold(cut_s)
        healed_ms = now_ms()
        wait_cluster_whole(ctx.bootstrap, len(ctx.brokers))
        return healed_ms

    since_at_start = end_offsets(ctx.bootstrap, [ctx.access_topic])
    return run_with_writer(ctx, "5", f"the stream's partition leader cut off for {cut_s:.0f}s", fault, rate=rate)


# 7 ------------------------------------------------------------------------------------------------------------
def logmasters_down_while_rotating(ctx: LabContext, down_s: float = 600, rotations: int = 3, rate: int = 100,
                                   fault_after_s: float = FAULT_AFTER_S) -> ScenarioResult:
    """Every logmaster stopped for `down_s` while the application rotates its file `rotations` times.

    Rotation renames to NAME-rN.log, evenly spaced from the writer's start, so inside the outage."""
    began_ms = now_ms()

    def fault(result: ScenarioResult) -> int:
        time.sleep(fault_after_s)
        with process.stopped(ctx.logmasters, "logmaster"):
            hold(down_s)
        return now_ms()

    result = run_with_writer(ctx, "7", f"every logmaster down {down_s:.0f}s, {rotations} rotations meanwhile",
                             fault, rate=rate, rotate_every_s=int(down_s // (rotations + 1)),
                             max_rotations=rotations)
    # How the rotated files' tails were resumed (filebeat_stranded_check): each restart and what it found.
    reports = stranded_check_restarts(ctx.producer, began_ms)
    result.checks["stranded_check_restarts"] = sum(line.startswith("restarting") for line in reports)
    return result


# 9 ------------------------------------------------------------------------------------------------------------
def kill_filebeat(ctx: LabContext, rate: int = 1000, fault_after_s: float = FAULT_AFTER_S) -> ScenarioResult:
    """kill -9 Filebeat mid-stream; systemd restarts it and it resumes from its registry."""
    def fault(result: ScenarioResult) -> int:
        time.sleep(fault_after_s)
        process.kill_hard_and_wait_restart(ctx.producer, "filebeat")  # it resumes from its registry
        return now_ms()

    return run_with_writer(ctx, "9", "kill -9 Filebeat mid-stream", fault, rate=rate)
