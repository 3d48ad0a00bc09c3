"""File faults on a producer host: delete a shipped file and create its successor on the same inode (the
identity trap of inode-based file tracking), and write one oversized line."""

from __future__ import annotations

from logpipe.faults.host import python

# Delete, create, check the inode came back, write all lines in one go: the shipper must not see the file at a
# size below its old offset (it would call that truncation and re-read from 0, hiding the trap).
REUSE_INODE = r"""
import os, sys, time
host, path, start, count, width = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
old = os.stat(path).st_ino
os.unlink(path)
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
new = os.fstat(fd).st_ino
lines = []
for seq in range(start, start + count):
    head = f"{host}|{path}|{seq}|{time.time_ns() // 1_000_000}|"
    lines.append(head + "x" * max(0, width - len(head)) + "\n")
os.write(fd, "".join(lines).encode())
os.close(fd)
print(old, new)
"""

OVERSIZED_LINE = r"""
import sys, time
host, path, marker, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
head = f"{host}|{marker}|0|{time.time_ns() // 1_000_000}|"
with open(path, "a") as out:
    out.write(head + "y" * (size - len(head)) + "\n")
print(head)
"""


def recreate_on_same_inode(host: str, path: str, start: int, count: int, width: int = 183) -> tuple[int, int]:
    """Delete `path`, create it again, write seq start..start+count-1; (old inode, new inode)."""
    old, new = python(host, REUSE_INODE, host, path, str(start), str(count), str(width)).split()
    return int(old), int(new)


def append_oversized_line(host: str, path: str, marker: str, size: int) -> str:
    """Append one `size`-byte test line whose path field is `marker`; the line's head (unique prefix)."""
    return python(host, OVERSIZED_LINE, host, path, marker, str(size))
