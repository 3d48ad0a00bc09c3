"""A minimal blocking Beats client: send a window, wait for its ACK. For tests and the benchmark's load
generator (the real shipper is Filebeat); it follows the client rules of `protocol`: keep-alive ACKs (a sequence
below the window's last) restart the wait."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from logpipe.logmaster.protocol import decode_acks, encode_window


@dataclass
class BeatsClient:
    host: str
    port: int
    timeout: float = 30.0
    keepalives: int = field(default=0, init=False)  # ACKs seen below the awaited sequence
    _sock: socket.socket | None = field(default=None, init=False, repr=False)
    _pending: bytes = field(default=b"", init=False, repr=False)

    def connect(self) -> BeatsClient:
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> BeatsClient:
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send_raw(self, data: bytes) -> None:
        assert self._sock is not None, "connect() first"
        self._sock.sendall(data)

    def await_ack(self, last_seq: int) -> int:
        """Read ACK frames until one reaches `last_seq`; raise ConnectionError when the server closes first."""
        assert self._sock is not None, "connect() first"
        while True:
            while len(self._pending) < 6:
                chunk = self._sock.recv(4096)
                if not chunk:
                    raise ConnectionError(f"server closed the connection before ACKing seq {last_seq}")
                self._pending += chunk
            seq = decode_acks(self._pending[:6])[0]
            self._pending = self._pending[6:]
            if seq >= last_seq:
                return seq
            self.keepalives += 1

    def publish(self, payloads: list[bytes], compress_level: int = 3) -> int:
        """Send one window of `payloads` and wait for its ACK."""
        self.send_raw(encode_window(payloads, compress_level))
        return self.await_ack(len(payloads))
