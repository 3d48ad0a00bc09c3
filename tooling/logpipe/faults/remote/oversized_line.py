"""Append one SIZE-byte test line whose path field is MARKER and print its head:
oversized_line.py HOST PATH MARKER SIZE."""

import sys
import time


def main() -> None:
    host, path, marker, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    head = f"{host}|{marker}|0|{time.time_ns() // 1_000_000}|"
    with open(path, "a") as out:
        out.write(head + "y" * (size - len(head)) + "\n")
    print(head)


if __name__ == "__main__":
    main()
