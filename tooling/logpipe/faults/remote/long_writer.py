"""A long-running writer of sequence-numbered test lines:
long_writer.py HOST PATH COUNT WIDTH RATE ROTATE_EVERY_S MAX_ROTATIONS (COUNT 0 = until SIGTERM); prints
`lines rotations` when it stops.

Its pid goes to /tmp/logpipe-writer-<basename of PATH>.pid (how the controller sends SIGTERM). Every line keeps
the original path, so a rotated line still reconciles against the stream it was written to. Rotation renames to
NAME-rN.log, which the `access*.log` input glob still matches (dateext-style rotation).
"""

import os
import signal
import sys
import time


def pidfile_for(path: str) -> str:
    return "/tmp/logpipe-writer-" + os.path.basename(path) + ".pid"


def main() -> None:
    host, path = sys.argv[1], sys.argv[2]
    count, width, rate, rotate_every_s, max_rotations = map(int, sys.argv[3:8])
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    with open(pidfile_for(path), "w") as pidfile:
        pidfile.write(str(os.getpid()))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    stem, suffix = os.path.splitext(path)
    # Reopened on every rotation, so not one `with` block; closed on the way out.
    out, seq, rotations = open(path, "a"), 0, 0  # noqa: SIM115
    began = last_rotation = time.monotonic()
    while not stopping and (count == 0 or seq < count):
        head = f"{host}|{path}|{seq}|{time.time_ns() // 1_000_000}|"
        out.write(head + "x" * max(0, width - len(head)) + "\n")
        seq += 1
        if seq % 50 == 0:
            out.flush()
            if rotate_every_s and rotations < max_rotations and time.monotonic() - last_rotation >= rotate_every_s:
                rotations += 1
                out.close()
                os.rename(path, f"{stem}-r{rotations}{suffix}")
                out, last_rotation = open(path, "a"), time.monotonic()  # noqa: SIM115
            ahead = seq / rate - (time.monotonic() - began)
            if ahead > 0:
                time.sleep(ahead)
    out.close()
    print(seq, rotations)


if __name__ == "__main__":
    main()
