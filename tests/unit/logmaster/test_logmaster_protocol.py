"""The Beats v2 codec against a test-local encoder written separately from the one in `protocol`."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logpipe.logmaster.protocol import (
    JSON_FRAME,
    WINDOW,
    Decoder,
    ProtocolError,
    decode_acks,
    encode_ack,
    encode_window,
)


def w(count: int) -> bytes:
    return b"2W" + struct.pack(">I", count)


def j(seq: int, payload: bytes) -> bytes:
    return b"2J" + struct.pack(">II", seq, len(payload)) + payload


def c(inner: bytes, level: int = 6) -> bytes:
    packed = zlib.compress(inner, level)
    return b"2C" + struct.pack(">I", len(packed)) + packed


EVENTS = [b'{"message":"one"}', b'{"message":"two"}', b'{"message":"three"}']


def test_a_hand_written_window_decodes():
    wire = b"2W\x00\x00\x00\x01" + b"2J\x00\x00\x00\x01\x00\x00\x00\x02{}"
    assert Decoder().feed(wire) == [(WINDOW, 1, b""), (JSON_FRAME, 1, b"{}")]


def test_plain_and_compressed_windows_give_the_same_events():
    plain = w(3) + b"".join(j(i + 1, e) for i, e in enumerate(EVENTS))
    packed = w(3) + c(b"".join(j(i + 1, e) for i, e in enumerate(EVENTS)))
    expected = [(WINDOW, 3, b"")] + [(JSON_FRAME, i + 1, e) for i, e in enumerate(EVENTS)]
    assert Decoder().feed(plain) == expected
    assert Decoder().feed(packed) == expected


def test_compressed_frames_may_nest_and_mix_with_plain_frames():
    inner = j(1, EVENTS[0]) + c(j(2, EVENTS[1]))
    wire = w(3) + c(inner) + j(3, EVENTS[2])
    frames = Decoder().feed(wire)
    assert [f[1] for f in frames] == [3, 1, 2, 3]


def test_library_encoder_matches_the_test_encoder():
    assert encode_window(EVENTS, compress_level=0) == w(3) + b"".join(j(i + 1, e) for i, e in enumerate(EVENTS))
    assert Decoder().feed(encode_window(EVENTS, compress_level=1)) == Decoder().feed(
        w(3) + c(b"".join(j(i + 1, e) for i, e in enumerate(EVENTS))))


@settings(max_examples=60, deadline=None)
@given(payloads=st.lists(st.binary(min_size=0, max_size=300), min_size=1, max_size=12),
       cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=20),
       compressed=st.booleans())
def test_any_split_of_the_stream_gives_the_same_frames(payloads, cuts, compressed):
    body = b"".join(j(i + 1, p) for i, p in enumerate(payloads))
    wire = w(len(payloads)) + (c(body) if compressed else body)
    wire = wire + wire  # two windows back to back
    expected = Decoder().feed(wire)
    assert len(expected) == 2 * (len(payloads) + 1)
    decoder, got, start = Decoder(), [], 0
    for cut in sorted({x % (len(wire) + 1) for x in cuts}) + [len(wire)]:
        got += decoder.feed(wire[start:cut])
        start = cut
    assert got == expected
    assert decoder.buffered == 0


def test_partial_frame_waits_for_the_rest():
    decoder = Decoder()
    wire = w(1) + j(1, b'{"message":"split"}')
    assert decoder.feed(wire[:8]) == [(WINDOW, 1, b"")]
    assert decoder.buffered == 2
    assert decoder.feed(wire[8:]) == [(JSON_FRAME, 1, b'{"message":"split"}')]


@pytest.mark.parametrize(("wire", "message"), [
    (b"1W\x00\x00\x00\x01", "lumberjack v1 is not supported"),
    (b"2X\x00\x00\x00\x01", "unknown frame type 0x58"),
    (b"2J\x00\x00\x00\x01\x00\x01\x00\x00", "event frame of 65536 bytes is above max_frame_bytes=4096"),
    (b"2C\x00\x01\x00\x00", "compressed frame of 65536 bytes is above max_frame_bytes=4096"),
    (b"2C\x00\x00\x00\x04abcd", "not a valid zlib stream"),
    (b"2C" + struct.pack(">I", 8) + zlib.compress(j(1, b"{}"))[:8], "truncated zlib stream"),
    (c(j(1, b"{}") + b"2J\x00"), "compressed frame ends inside a frame"),
    (c(j(1, b"x" * 5000), level=9), "expands beyond max_frame_bytes=4096"),
])
def test_bad_input_is_a_protocol_error(wire, message):
    with pytest.raises(ProtocolError, match=message):
        Decoder(max_frame_bytes=4096).feed(wire)


def test_acks_round_trip():
    assert encode_ack(7) == b"2A\x00\x00\x00\x07"
    assert decode_acks(encode_ack(0) + encode_ack(2048)) == [0, 2048]
    with pytest.raises(ProtocolError, match="whole number"):
        decode_acks(b"2A\x00")
    with pytest.raises(ProtocolError, match="expected an ACK"):
        decode_acks(w(1))
