"""Append sequence-numbered test lines to a log file as an application would:
write_lines.py HOST PATH START COUNT WIDTH RATE (RATE lines/s, 0 = as fast as possible)."""

import os
import sys
import time


def main() -> None:
    host, path, start, count, width, rate = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    began = time.monotonic()
    with open(path, "a", buffering=1 << 16) as out:
        for seq in range(start, start + count):
            head = f"{host}|{path}|{seq}|{time.time_ns() // 1_000_000}|"
            out.write(head + "x" * max(0, width - len(head)) + "\n")
            if rate and seq % 100 == 99:
                out.flush()
                ahead = (seq - start + 1) / rate - (time.monotonic() - began)
                if ahead > 0:
                    time.sleep(ahead)


if __name__ == "__main__":
    main()
