"""Shared by logpipe's Ansible modules and filters, which are thin adapters over the logpipe package: one way to
turn logpipe's errors (messages that name the input and the fix) into the Ansible failure, prefixed with the
plugin's name.

Modules import it as `ansible.module_utils.logpipe_adapter` (Ansible ships it with the module). Filters run in
the controller process, where Ansible does not resolve custom module_utils outside a collection, so the filter
plugin loads this file by its path (docs/decisions/0004-ansible-plugins-and-collection.md). Standard library
imports only here: logpipe itself is imported when an error needs classifying.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn


# How every Kafka module takes the cluster's address (admin.connect accepts the list as given).
BOOTSTRAP_SERVERS_SPEC = {"bootstrap_servers": {"type": "list", "elements": "str", "required": True}}


@contextmanager
def logpipe_errors(name: str, fail: Callable[[str], NoReturn], *also: type[Exception]) -> Iterator[None]:
    """Run a call into logpipe; a LogpipeError (or one of `also`) becomes fail("NAME: message").

    A missing logpipe package or Kafka client (a module run by another interpreter) fails naming the fix.
    `fail` raises or exits: AnsibleFilterError for a filter, AnsibleModule.fail_json for a module.
    """
    try:
        yield
    except ImportError as exc:
        fail(f"{name} needs the logpipe package and kafka-python in the Python running it ({exc}); run it on "
             "the controller (delegate_to: localhost) with the logpipe virtualenv's python")
    except Exception as exc:
        from logpipe.errors import LogpipeError

        if not isinstance(exc, (LogpipeError, *also)):
            raise
        fail(f"{name}: {exc}")
