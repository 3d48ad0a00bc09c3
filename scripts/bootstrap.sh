#!/usr/bin/env bash
# Idempotent set-up shared by `make lab` and `make test`: Debian packages, the podman runtime config and the
# Python virtualenv. Prints what it does; does nothing twice.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${LOGPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logpipe}
mkdir -p "$cache"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. Debian packages. podman needs runc here (crun fails on this cgroup setup).
need=()
for pkg in podman runc debootstrap haproxy openjdk-17-jre-headless iproute2 uidmap; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
command -v java >/dev/null && [[ " ${need[*]} " == *" openjdk-17-jre-headless "* ]] && \
  need=("${need[@]/openjdk-17-jre-headless}")
if ((${#need[@]})) && [[ -n "${need[*]// /}" ]]; then
  say "installing Debian packages: ${need[*]}"
  [[ $(id -u) == 0 ]] || { echo "bootstrap: Debian packages ${need[*]} are missing and this is not root" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${need[*]} >/dev/null
else
  say "Debian packages present"
fi

# 2. podman: runc runtime and no default ulimits (the defaults cannot be applied in this sandbox).
conf=/etc/containers/containers.conf
want=$'# written by logpipe scripts/bootstrap.sh\n[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n'
# Compared with a trailing marker: $(...) strips trailing newlines, and `want` ends with one.
if [[ ! -f $conf ]] || [[ "$(cat "$conf"; echo .)" != "$want." ]]; then
  say "writing $conf (runc, default_ulimits = [])"
  mkdir -p /etc/containers
  printf '%s' "$want" > "$conf"
else
  say "$conf already configured"
fi

# 3. Python virtualenv in the cache, keyed by this clone's path (the package is an editable install of this clone,
#    so two clones never share, and re-point, one venv), the pinned constraints and the parts of pyproject.toml
#    that decide the install (build system, [project] with its dependencies, extras and scripts, package
#    discovery; not the pytest settings), linked as .venv. The `dev` extra is what `make test`/`make lab` need.
key=$( { printf '%s\n' "$here"; cat "$here/constraints.txt"
         awk '/^\[/ { keep = /^\[(build-system|project|tool\.setuptools)/ } keep' "$here/pyproject.toml"; } \
  | sha256sum | cut -c1-12)
venv="$cache/venv-$key"
if [[ ! -x $venv/bin/logpipe ]]; then
  say "creating virtualenv $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -c "$here/constraints.txt" -e "$here[dev]"
else
  say "virtualenv $venv up to date"
fi
ln -sfn "$venv" "$here/.venv"
