"""The Beats (lumberjack v2) wire format, written from its description.

Every frame starts with the version byte '2' and a type byte; integers are unsigned 32-bit big-endian:

    '2' 'W' count                       window: the next `count` events form one batch
    '2' 'J' seq length payload          one event, a JSON document of `length` bytes
    '2' 'C' length zlib-data            a zlib stream of `length` bytes whose content is more frames
    '2' 'A' seq                         (server -> client) every event of the window up to `seq` is done

A client sends a window frame, then its events (usually inside one compressed frame), numbered from 1, and waits
for an ACK whose sequence equals the last event's. An ACK with a smaller sequence (0 included) is a keep-alive:
the client keeps waiting and restarts its timeout.

`Decoder` is incremental: feed it whatever the socket returned (a frame may arrive in pieces) and it returns the
frames that are complete. Limits bound memory: a frame (or a decompressed frame) above `max_frame_bytes` is a
`ProtocolError`, which closes the connection (the client resends elsewhere); events above the logmaster's event
limit are still decoded here and dead-lettered by the caller.
"""

from __future__ import annotations

import struct
import zlib
from typing import Final

VERSION: Final = 0x32  # '2'
WINDOW: Final = 0x57  # 'W'
JSON_FRAME: Final = 0x4A  # 'J'
COMPRESSED: Final = 0x43  # 'C'
ACK: Final = 0x41  # 'A'

_U32 = struct.Struct(">I")
_U32X2 = struct.Struct(">II")
_ACK = struct.Struct(">BBI")

# A decoded frame: (WINDOW, count, b"") or (JSON_FRAME, seq, payload).
Frame = tuple[int, int, bytes]


class ProtocolError(Exception):
    """The peer sent something that is not lumberjack v2 within our limits; the connection must close."""


class Decoder:
    """Turns a byte stream into frames; compressed frames are expanded in place."""

    def __init__(self, max_frame_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_frame_bytes = max_frame_bytes
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a complete frame."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        frames: list[Frame] = []
        used = self._parse(self._buf, frames)
        if used:
            del self._buf[:used]
        return frames

    def _parse(self, buf: bytes | bytearray, out: list[Frame]) -> int:
        """Append the complete frames of `buf` to `out`; return how many bytes they used."""
        pos, end, limit = 0, len(buf), self.max_frame_bytes
        while end - pos >= 2:
            version, kind = buf[pos], buf[pos + 1]
            if version != VERSION:
                hint = " (lumberjack v1 is not supported)" if version == 0x31 else ""
                raise ProtocolError(f"unexpected version byte 0x{version:02x} at offset {pos}{hint}")
            if kind == JSON_FRAME:
                if end - pos < 10:
                    break
                seq, length = _U32X2.unpack_from(buf, pos + 2)
                if length > limit:
                    raise ProtocolError(f"event frame of {length} bytes is above max_frame_bytes={limit}")
                if end - pos < 10 + length:
                    break
                out.append((JSON_FRAME, seq, bytes(buf[pos + 10:pos + 10 + length])))
                pos += 10 + length
            elif kind == COMPRESSED:
                if end - pos < 6:
                    break
                (length,) = _U32.unpack_from(buf, pos + 2)
                if length > limit:
                    raise ProtocolError(f"compressed frame of {length} bytes is above max_frame_bytes={limit}")
                if end - pos < 6 + length:
                    break
                inner = self._inflate(bytes(buf[pos + 6:pos + 6 + length]))
                used = self._parse(inner, out)
                if used != len(inner):
                    raise ProtocolError(f"compressed frame ends inside a frame ({len(inner) - used} bytes left over)")
                pos += 6 + length
            elif kind == WINDOW:
                if end - pos < 6:
                    break
                (count,) = _U32.unpack_from(buf, pos + 2)
                out.append((WINDOW, count, b""))
                pos += 6
            else:
                raise ProtocolError(f"unknown frame type 0x{kind:02x} at offset {pos}")
        return pos

    def _inflate(self, data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        try:
            inner = inflater.decompress(data, self.max_frame_bytes)
        except zlib.error as exc:
            raise ProtocolError(f"compressed frame is not a valid zlib stream: {exc}") from exc
        if inflater.unconsumed_tail:
            raise ProtocolError(f"compressed frame expands beyond max_frame_bytes={self.max_frame_bytes}")
        if not inflater.eof:
            raise ProtocolError("compressed frame holds a truncated zlib stream")
        return inner


def encode_ack(seq: int) -> bytes:
    return _ACK.pack(VERSION, ACK, seq)


def decode_acks(data: bytes) -> list[int]:
    """Sequences of the ACK frames in `data` (which must hold whole ACK frames only)."""
    if len(data) % _ACK.size:
        raise ProtocolError(f"{len(data)} bytes is not a whole number of 6-byte ACK frames")
    seqs = []
    for pos in range(0, len(data), _ACK.size):
        version, kind, seq = _ACK.unpack_from(data, pos)
        if version != VERSION or kind != ACK:
            raise ProtocolError(f"expected an ACK frame, got 0x{version:02x} 0x{kind:02x}")
        seqs.append(seq)
    return seqs


def encode_events(payloads: list[bytes], first_seq: int = 1) -> bytes:
    """JSON data frames for `payloads`, numbered from `first_seq` (the client side; for tests and load)."""
    parts = []
    for offset, payload in enumerate(payloads):
        parts.append(bytes((VERSION, JSON_FRAME)) + _U32X2.pack(first_seq + offset, len(payload)))
        parts.append(payload)
    return b"".join(parts)


def encode_window(payloads: list[bytes], compress_level: int = 3) -> bytes:
    """One whole window as a client sends it: 'W' count, then the events (zlib-compressed unless level is 0)."""
    header = bytes((VERSION, WINDOW)) + _U32.pack(len(payloads))
    body = encode_events(payloads)
    if compress_level <= 0:
        return header + body
    packed = zlib.compress(body, compress_level)
    return header + bytes((VERSION, COMPRESSED)) + _U32.pack(len(packed)) + packed
