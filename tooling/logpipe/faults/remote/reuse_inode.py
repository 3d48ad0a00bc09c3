"""Delete a shipped file and create its successor on the same inode:
reuse_inode.py HOST PATH START COUNT WIDTH RELEASE_TIMEOUT; prints `old_inode new_inode_or_0 seconds_waited`.

Wait until no process (the shipper) holds the file open any more (it closes a file that has been inactive for
close.on_state_change.inactive, and an open file keeps its inode), delete it, then create placeholders beside it
until one lands on the freed inode, fill that one with all the new lines and rename it into place: the shipper
never sees the successor at a size below the old offset (it would call that truncation and re-read from 0,
hiding the trap). Placeholder names match no input glob.
"""

import glob
import os
import sys
import time


def held(path: str) -> bool:
    for fd in glob.glob("/proc/[0-9]*/fd/*"):
        try:
            if os.readlink(fd) == path:
                return True
        except OSError:
            pass
    return False


def main() -> None:
    host, path, start, count, width, release_timeout = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
    waited = time.monotonic()
    while held(path):
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


if __name__ == "__main__":
    main()
