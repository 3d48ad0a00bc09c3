"""Network cut-off of one lab host: /32 blackhole routes on the isolated host for every other lab host, and on
every other host for the isolated one (both directions, so neither side's packets get through). The machine
running the suite is not a lab host and still reaches the isolated one (the negative control relies on it)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from logpipe.console import progress
from logpipe.errors import LogpipeError
from logpipe.faults.host import sh


@dataclass(frozen=True, order=True)
class Blackhole:
    """A route on `on_host` that drops every packet to `destination` (an IPv4 address)."""

    on_host: str
    destination: str

    def command(self, verb: str) -> str:
        return f"ip route {verb} blackhole {self.destination}/32"


def cut_off_routes(isolated: str, ips: Mapping[str, str]) -> list[Blackhole]:
    """The routes that cut `isolated` off from every other host in `ips` (host -> IP), both directions."""
    if isolated not in ips:
        raise LogpipeError(f"cannot cut off {isolated!r}: not a lab host (hosts: {', '.join(sorted(ips))})")
    others = {h: ip for h, ip in ips.items() if h != isolated}
    routes = [Blackhole(isolated, ip) for ip in others.values()]
    routes += [Blackhole(host, ips[isolated]) for host in others]
    return sorted(routes)


@contextmanager
def cut_off(isolated: str, ips: Mapping[str, str]) -> Iterator[None]:
    routes = cut_off_routes(isolated, ips)
    try:
        for route in routes:
            sh(route.on_host, route.command("add"))
        progress(f"{isolated} cut off from {len(ips) - 1} lab hosts ({len(routes)} blackhole routes)")
        yield
    finally:
        for route in routes:
            # `replace` then `del` is idempotent: a route that was never added is not an error on heal.
            sh(route.on_host, f"{route.command('replace')} && {route.command('del')}")
        progress(f"{isolated} reconnected")
