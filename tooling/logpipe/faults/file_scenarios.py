"""Scenarios on the producer's files: inode reuse (6) with its negative control, and one oversized line (12)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from logpipe.console import progress, step
from logpipe.errors import LogpipeError
from logpipe.faults.cluster import end_offsets
from logpipe.faults.collect import collect
from logpipe.faults.context import LabContext
from logpipe.faults.files import append_oversized_line, recreate_on_same_inode
from logpipe.faults.filebeat_control import native_identity_filebeat
from logpipe.faults.host import now_ms
from logpipe.faults.measure import ScenarioResult
from logpipe.faults.scenarios import COLLECT_TIMEOUT_S, finish, stream_path
from logpipe.lab.reconcile import Arrival, Stream, parse_line
from logpipe.lab.traffic import write_lines

WIDTH = 183  # the test line width of logpipe.lab.reconcile.make_line


def _reuse_inode(ctx: LabContext, scenario: str, title: str, directory: str, first_lines: int,
                 new_lines: int) -> ScenarioResult:
    """Ship `first_lines`, wait until they are all in Kafka (their offset is committed), then delete the file and
    create its successor on the same inode with `new_lines` more (seq continues, so the first new line is
    seq `first_lines`)."""
    step(f"scenario {scenario}: {title}")
    began = time.monotonic()
    result = ScenarioResult(scenario, title)
    since = end_offsets(ctx.bootstrap, [ctx.access_topic])
    path = stream_path(scenario, directory)
    write_lines(ctx.producer, path, first_lines, width=WIDTH)
    shipped = [Stream(ctx.producer, path, ctx.access_topic, first_lines)]
    collect(ctx.bootstrap, since, shipped, timeout=COLLECT_TIMEOUT_S)
    old, new, waited = recreate_on_same_inode(ctx.producer, path, first_lines, new_lines, width=WIDTH)
    result.checks["seconds_until_shipper_closed_the_file"] = waited
    if old != new:
        raise LogpipeError(f"{ctx.producer}:{path} came back on inode {new}, not {old}: the filesystem did not "
                           "reuse the inode, so this run cannot test inode reuse; run it again")
    progress(f"{path} closed by the shipper after {waited}s, deleted, recreated on inode {new} with {new_lines} lines")
    healed_ms = now_ms()
    streams = [Stream(ctx.producer, path, ctx.access_topic, first_lines + new_lines)]
    finish(ctx, result, streams, since, healed_ms, began)
    result.checks["first_new_line_intact"] = first_line_intact(result.arrivals, ctx.producer, path, first_lines)
    return result


def message_of(arrival: Arrival) -> str:
    """The log line of a record: the event JSON's `message`, or the raw value."""
    if arrival.value.startswith(b"{"):
        return str(json.loads(arrival.value).get("message", ""))
    return arrival.value.decode(errors="replace")


def first_line_intact(arrivals: Sequence[Arrival], host: str, path: str, seq: int) -> bool:
    """Did line `seq` arrive whole (the full width, not a tail read from a stale offset)?"""
    for arrival in arrivals:
        parsed = parse_line(arrival.value)
        if parsed and parsed[:3] == (host, path, seq) and len(message_of(arrival)) == WIDTH:
            return True
    return False


# 6 ------------------------------------------------------------------------------------------------------------
def inode_reuse(ctx: LabContext, first_lines: int = 200, new_lines: int = 1000) -> ScenarioResult:
    """Delete a shipped file, recreate it on the same inode with `new_lines` lines: the first must arrive whole."""
    return _reuse_inode(ctx, "6", f"inode reuse: delete a shipped file, {new_lines} lines into its successor",
                        "/var/log/app", first_lines, new_lines)


def inode_reuse_control(ctx: LabContext, first_lines: int = 200, new_lines: int = 1000) -> ScenarioResult:
    """Control of 6: the same with a Filebeat using inode+device identity; it must lose the new file's first lines.

    It resumes the successor at the old file's offset."""
    with native_identity_filebeat(ctx.producer, {"log_type": "access", "client_id": "lab"}) as directory:
        return _reuse_inode(ctx, "6-control", "inode reuse, control: Filebeat with file_identity.native",
                            directory, first_lines, new_lines)


# 12 -----------------------------------------------------------------------------------------------------------
def oversized_line(ctx: LabContext, line_bytes: int = 2 * 1024 * 1024, lines_around: int = 1000) -> ScenarioResult:
    """One `line_bytes` line between 2 × `lines_around` normal ones: delivered, flagged or dead-lettered, never gone.

    The big line must arrive in the access topic (whole or flagged truncated) or in the dead-letter topic with a
    reason; the others must all arrive."""
    title = f"one {line_bytes // 1024 // 1024} MB line between {2 * lines_around} normal ones"
    step(f"scenario 12: {title}")
    began = time.monotonic()
    result = ScenarioResult("12", title)
    since = end_offsets(ctx.bootstrap, [ctx.access_topic, ctx.dead_letter_topic])
    path = stream_path("12")
    marker = f"oversized-{time.strftime('%Y%m%dT%H%M%S')}"
    write_lines(ctx.producer, path, lines_around, width=WIDTH)
    append_oversized_line(ctx.producer, path, marker, line_bytes)
    written_ms = now_ms()
    write_lines(ctx.producer, path, lines_around, start=lines_around, width=WIDTH)
    streams = [Stream(ctx.producer, path, ctx.access_topic, 2 * lines_around)]
    finish(ctx, result, streams, since, written_ms, began)
    outcome = oversized_outcome(result.arrivals, marker.encode(), ctx.access_topic, ctx.dead_letter_topic)
    result.checks["oversized_line"] = outcome
    result.sent += 1
    result.received += outcome != "missing"
    return result


def oversized_outcome(arrivals: Sequence[Arrival], marker: bytes, topic: str, dead_letter_topic: str) -> str:
    """How the oversized line came out: 'dead-lettered: REASON', 'delivered', 'delivered truncated' or
    'missing' (the only unacceptable answer)."""
    for arrival in arrivals:
        if marker not in arrival.value:
            continue
        headers = dict(arrival.headers)
        if arrival.topic == dead_letter_topic:
            return f"dead-lettered: {headers.get('logpipe-reason', b'?').decode()}"
        if arrival.topic == topic:
            return "delivered truncated" if b'"truncated"' in arrival.value else "delivered"
    return "missing"
