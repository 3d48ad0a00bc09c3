"""File faults on a producer host: delete a shipped file and create its successor on the same inode (the
identity trap of inode-based file tracking), and write one oversized line."""

from __future__ import annotations

from logpipe.lab.hosts import run_python

# Wait until no process (the shipper) holds the file open any more (it closes a file that has been inactive for
# close.on_state_change.inactive, and an open file keeps its inode), delete it, then create placeholders beside it
# until one lands on the freed inode, fill that one with all the new lines and rename it into place: the shipper
# never sees the successor at a size below the old offset (it would call that truncation and re-read from 0,
# hiding the trap). Placeholder names match no input glob.
REUSE_INODE = r"""
import glob, os, sys, time
host, path, start, count, width, release_timeout = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
def held():
    for fd in glob.glob("/proc/[0-9]*/fd/*"):
        try:
            if os.readlink(fd) == path:
                return True
        except OSError:
            pass
    return False
waited = time.monotonic()
while held():
    if time.monotonic() - waited > release_timeout:
        sys.exit(f"{path} is still held open after {release_timeout}s")
    time.sleep(1)
waited = time.monotonic() - waited
old = os.stat(path).st_ino
os.unlink(path)
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
print(old, os.stat(path).st_ino if found else 0, round(waited))
"""

OVERSIZED_LINE = r"""
import sys, time
host, path, marker, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
head = f"{host}|{marker}|0|{time.time_ns() // 1_000_000}|"
with open(path, "a") as out:
    out.write(head + "y" * (size - len(head)) + "\n")
print(head)
"""


# The managed Filebeat closes a file 5 min after its last line (filebeat_close_inactive), checked every few seconds.
RELEASE_TIMEOUT_S = 420


def recreate_on_same_inode(host: str, path: str, start: int, count: int, width: int = 183,
                           release_timeout: int = RELEASE_TIMEOUT_S) -> tuple[int, int, int]:
    """Once no process holds `path` open, delete it and create its successor on the same inode with seq
    start..start+count-1; (old inode, new inode or 0 when the inode did not come back, seconds waited)."""
    old, new, waited = run_python(host, REUSE_INODE, host, path, str(start), str(count), str(width),
                              str(release_timeout)).split()
    return int(old), int(new), int(waited)


def append_oversized_line(host: str, path: str, marker: str, size: int) -> str:
    """Append one `size`-byte test line whose path field is `marker`; the line's head (unique prefix)."""
    return run_python(host, OVERSIZED_LINE, host, path, marker, str(size))
