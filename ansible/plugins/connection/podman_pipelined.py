"""containers.podman.podman with Ansible pipelining: a module runs in one `podman exec -i` per task.

The collection's plugin refuses pipelining because it starts `podman exec` without `-i`, so the module source
sent on stdin never arrives. Passing `-i` when there is input is all pipelining needs; every task then costs one
`podman exec` instead of three (make a temp dir, run, remove it), which is most of a converge on container hosts
(docs/decisions/0003-lab-connection-and-test-budget.md). Everything else (mount, put/fetch, options) is the
collection's.
"""

from __future__ import annotations

import shlex

from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.connection import ConnectionBase, ensure_connect
from ansible_collections.containers.podman.plugins.connection.podman import (  # noqa: F401  (DOCUMENTATION: options)
    DOCUMENTATION,
)
from ansible_collections.containers.podman.plugins.connection.podman import Connection as PodmanConnection


class Connection(PodmanConnection):
    transport = "podman_pipelined"
    has_pipelining = True

    @ensure_connect
    def exec_command(self, cmd, in_data=None, sudoable=False):
        ConnectionBase.exec_command(self, cmd, in_data=in_data, sudoable=sudoable)
        args = ["exec", "-i"] if in_data is not None else ["exec"]
        if self.user:
            args += ["--user", self.user]
        return self._podman(args, shlex.split(to_native(cmd, errors="surrogate_or_strict")), in_data)
