"""Programs the lab runs on its container hosts (`logpipe.lab.hosts.run_python`), with the hosts' own python3 and
its standard library only. Real files so that ruff checks them; read as text (`host_program`), never imported by
the tooling itself (each runs only under `if __name__ == "__main__"`)."""
