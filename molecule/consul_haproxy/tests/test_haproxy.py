"""The producer's HAProxy: backends from Consul DNS SRV records, following health at runtime with no reload.

The failover test injects three faults into one backend at a time (health answers 503, health hangs, the whole
backend is SIGSTOPped), heals each, and prints the measured seconds; the same HAProxy worker serves throughout.
"""

from __future__ import annotations

import json

from consul_api import BACKENDS, address_of

testinfra_hosts = ["ch-producer-1"]
STATS = "/run/haproxy/admin.sock"

# fault -> victim; every run also checks that the other backend keeps serving alone.
FAULTS = [("fail", "ch-backend-1"), ("hang", "ch-backend-2"), ("stop", "ch-backend-1")]


def workers(host) -> dict[str, list[str]]:
    """PIDs from the master CLI: the master, its current workers and any old (draining) workers."""
    out = host.check_output("echo 'show proc' | socat -t 2 stdio UNIX-CONNECT:/run/haproxy-master.sock")
    procs: dict[str, list[str]] = {"master": [], "workers": [], "old workers": []}
    section = "master"
    for line in out.splitlines():
        if line.startswith("# "):
            section = line[2:].strip()
        elif line.strip() and not line.startswith("#"):
            procs.setdefault(section, []).append(line.split()[0])
    return procs


def servers(host) -> list[dict[str, str]]:
    out = host.check_output("echo 'show servers state logmaster' | socat -t 2 stdio UNIX-CONNECT:%s", STATS)
    lines = [line for line in out.splitlines()[1:] if line.strip()]
    header = lines[0].lstrip("# ").split()
    return [dict(zip(header, line.split(), strict=False)) for line in lines[1:]]


def test_configuration_is_valid_and_master_worker(host):
    assert host.run("haproxy -c -q -f /etc/haproxy/haproxy.cfg").rc == 0
    cfg = host.file("/etc/haproxy/haproxy.cfg").content_string
    for line in ("master-worker", "hard-stop-after", "expose-fd listeners", "nameserver consul 127.0.0.1:8600",
                 "server-template logmaster 10 _logmaster._tcp.service.consul"):
        assert line in cfg


def test_frontend_listens_on_loopback_only(host):
    listeners = host.check_output("ss -Htln 'sport = :5044' | awk '{print $4}'").split()
    assert listeners == ["127.0.0.1:5044"]


def test_backend_servers_come_from_the_srv_records(host):
    addresses = [address_of(host, name) for name in BACKENDS]
    state = servers(host)
    # srv_op_state 2 = running; admin bits 0x3F = maintenance or drain (0x40 only marks a DNS-set address).
    live = [s for s in state if s["srv_op_state"] == "2" and int(s["srv_admin_state"]) & 0x3F == 0]
    assert sorted((s["srv_addr"], s["srv_port"]) for s in live) == sorted((a, "5044") for a in addresses)
    assert len(addresses) == len(BACKENDS)
    assert {s["srvrecord"] for s in state} == {"_logmaster._tcp.service.consul"}


def test_backends_follow_consul_health_with_no_reload(host):
    before = workers(host)
    results = []
    for fault, victim in FAULTS:
        run = host.run("lp-probe --fault %s --victim %s --victim-address %s --expect %s %s", fault, victim,
                       address_of(host, victim), *BACKENDS)
        result = json.loads(run.stdout)
        assert run.rc == 0 and not result.get("error"), result
        results.append(result)
        removal, ret = result["removal"], result["ret"]
        # Traffic reached only the healthy backend once the victim was out, and reached the victim again later.
        assert removal["connections"] >= 10 and ret["victim_answers"] == 1
        # Causality, not speed (the probe polls Consul about every 0.1 s; 1 s of slack): HAProxy drops and re-adds
        # the victim only after Consul saw its check change.
        assert removal["haproxy_s"] >= removal["consul_s"] - 1.0
        assert ret["haproxy_s"] >= ret["consul_s"] - 1.0 and ret["traffic_s"] >= ret["consul_s"] - 1.0
        if fault != "stop":
            # The victim still serves traffic (only its health endpoint is broken): only Consul can stop it.
            # (A stopped victim holds its first connection open, so leastconn avoids it even before Consul.)
            assert removal["traffic_s"] >= removal["consul_s"] - 1.0
    after = workers(host)
    assert after["master"] == before["master"]
    assert after["workers"] == before["workers"], "HAProxy forked a new worker (a reload) during failover"
    assert not after.get("old workers")

    print("\nfault  victim        check critical  HAProxy removed  traffic stopped | "
          "check passing  HAProxy added  traffic back  (seconds after the fault / the heal)")
    for r in results:
        rm, rt = r["removal"], r["ret"]
        print(f"{r['fault']:<6} {r['victim']:<13} {rm['consul_s']:>14.2f} {rm['haproxy_s']:>16.2f} "
              f"{rm['traffic_s']:>15.2f} | {rt['consul_s']:>13.2f} {rt['haproxy_s']:>14.2f} {rt['traffic_s']:>13.2f}")
    print(f"HAProxy master {before['master']} and worker {before['workers']} unchanged throughout")
