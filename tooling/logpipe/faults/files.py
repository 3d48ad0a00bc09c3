"""File faults on a producer host: delete a shipped file and create its successor on the same inode (the
identity trap of inode-based file tracking), and write one oversized line."""

from __future__ import annotations

from logpipe.faults.host import python

# Delete the file, wait until no process (the shipper) holds it open any more (an open file keeps its inode),
# then create placeholders beside it until one lands on the freed inode, fill that one with all the new lines and
# rename it into place: the shipper never sees the successor at a size below the old offset (it would call that
# truncation and re-read from 0, hiding the trap). Placeholder names match no input glob.
REUSE_INODE = r"""
import glob, os, sys, time
host, path, start, count, width = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
old = os.stat(path).st_ino
os.unlink(path)
def held():
    for fd in glob.glob("/proc/[0-9]*/fd/*"):
        try:
            if os.readlink(fd) == path + " (deleted)":
                return True
        except OSError:
            pass
    return False
deadline = time.monotonic() + 60
while held() and time.monotonic() < deadline:
    time.sleep(0.2)
placeholders, found = [], None
for attempt in range(5000):
    candidate = f"{os.path.dirname(path)}/.inode-reuse-{attempt}"
    open(candidate, "w").close()
    if os.stat(candidate).st_ino == old:
        found = candidate
        break
    placeholders.append(candidate)
lines = []
for seq in range(start, start + count):
    head = f"{host}|{path}|{seq}|{time.time_ns() // 1_000_000}|"
    lines.append(head + "x" * max(0, width - len(head)) + "\n")
if found:
    with open(found, "w") as out:
        out.write("".join(lines))
    os.rename(found, path)
for placeholder in placeholders:
    os.unlink(placeholder)
print(old, os.stat(path).st_ino if found else 0)
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
