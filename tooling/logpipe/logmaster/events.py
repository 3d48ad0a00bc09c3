"""From one Beats event (the JSON bytes of a 'J' frame) to the Kafka record it becomes: routed, or dead-lettered.

Never a silent drop: an event that is too large, is not a JSON object, or whose message does not have its rule's
format becomes a record on the dead-letter topic carrying the reason (headers) and the original bytes (value),
cut to `dead_letter_original_bytes` with `logpipe-truncated: true` when longer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from logpipe.routing import RoutingTable, get_field
from logpipe.routing.table import scalar_text

OVERSIZED = "oversized"
UNPARSEABLE = "unparseable"
REJECTED = "rejected"  # Kafka refused the routed record as too large; it goes to the DLQ instead

Headers = list[tuple[str, bytes]]
_decode = json.JSONDecoder().decode


@dataclass(slots=True)
class Record:
    topic: str
    value: bytes
    key: bytes | None = None
    headers: Headers | None = None
    reason: str | None = None  # set on dead-letter records: OVERSIZED, UNPARSEABLE or REJECTED


def dead_letter(table: RoutingTable, payload: bytes, reason: str, detail: str, keep_bytes: int,
                route: str = "") -> Record:
    """The DLQ record for `payload`: reason and detail in headers, the original (maybe cut) as the value."""
    truncated = len(payload) > keep_bytes
    headers: Headers = [
        ("logpipe-reason", reason.encode()),
        ("logpipe-detail", detail.encode()),
        ("logpipe-truncated", b"true" if truncated else b"false"),
        ("logpipe-original-bytes", str(len(payload)).encode()),
    ]
    if route:
        headers.append(("logpipe-route", route.encode()))
    return Record(table.dead_letter_topic, payload[:keep_bytes] if truncated else payload, None, headers, reason)


class Router:
    """Turns event bytes into records for one routing table and limits (built once; `record` runs per event)."""

    def __init__(self, table: RoutingTable, max_event_bytes: int, keep_bytes: int) -> None:
        self.table = table
        self.max_event_bytes = max_event_bytes
        self.keep_bytes = keep_bytes
        self._route = table.route
        self._send_message = table.value == "message"
        self._message_path = table.message_field if "." in table.message_field else None
        self._message_key = table.message_field
        self._key_field = table.key_field

    def record(self, payload: bytes) -> Record:
        """The record for one event: routed by the table, or dead-lettered with the reason."""
        table, keep = self.table, self.keep_bytes
        size = len(payload)
        if size > self.max_event_bytes:
            return dead_letter(table, payload, OVERSIZED,
                               f"event of {size} bytes is above limits.max_event_bytes={self.max_event_bytes}", keep)
        try:
            event = _decode(payload.decode())  # Beats sends UTF-8; skipping json.loads' encoding sniffing is faster
        except (ValueError, UnicodeDecodeError) as exc:
            return dead_letter(table, payload, UNPARSEABLE, f"event is not JSON: {exc}", keep)
        if type(event) is not dict:
            return dead_letter(table, payload, UNPARSEABLE, f"event is JSON {type(event).__name__}, not an object",
                               keep)
        route = self._route(event)
        message = get_field(event, self._message_path) if self._message_path else event.get(self._message_key)
        if self._send_message or route.format.kind != "raw":
            if type(message) is not str:
                return dead_letter(table, payload, UNPARSEABLE, f"event has no text field {self._message_key!r}",
                                   keep, route.rule)
            problem = route.format.problem(message)
            if problem:
                return dead_letter(table, payload, UNPARSEABLE, f"rule {route.rule!r}: {problem}", keep, route.rule)
        key = None
        if self._key_field:
            text = scalar_text(get_field(event, self._key_field))
            key = text.encode() if text is not None else None
        return Record(route.topic, message.encode() if self._send_message else payload, key)


def to_record(payload: bytes, table: RoutingTable, max_event_bytes: int, keep_bytes: int) -> Record:
    """The record for one event (a one-off `Router`; the engine keeps one Router for all events)."""
    return Router(table, max_event_bytes, keep_bytes).record(payload)
