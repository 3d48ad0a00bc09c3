"""Programs the fault suite runs on producer hosts (`logpipe.lab.hosts.run_python`), with the hosts' own python3
and its standard library only. Real files so that ruff checks them; read as text (`host_program`)."""
