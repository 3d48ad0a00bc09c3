"""File faults on a producer host: delete a shipped file and create its successor on the same inode (the
identity trap of inode-based file tracking), and write one oversized line."""

from __future__ import annotations

from logpipe.lab.hosts import host_program, run_python

# The managed Filebeat closes a file 5 min after its last line (filebeat_close_inactive), checked every few seconds.
RELEASE_TIMEOUT_S = 420


def recreate_on_same_inode(host: str, path: str, start: int, count: int, width: int = 183,
                           release_timeout: int = RELEASE_TIMEOUT_S) -> tuple[int, int, int]:
    """Once no process holds `path` open, delete it and create its successor on the same inode with seq
    start..start+count-1; (old inode, new inode or 0 when the inode did not come back, seconds waited)."""
    program = host_program("logpipe.faults.remote", "reuse_inode")
    old, new, waited = run_python(host, program, host, path, str(start), str(count), str(width),
                                  str(release_timeout)).split()
    return int(old), int(new), int(waited)


def append_oversized_line(host: str, path: str, marker: str, size: int) -> str:
    """Append one `size`-byte test line whose path field is `marker`; the line's head (unique prefix)."""
    return run_python(host, host_program("logpipe.faults.remote", "oversized_line"), host, path, marker, str(size))
