#!/usr/bin/env bash
# Build the wheelhouse the logmaster hosts install from, on the controller:
#   build-wheelhouse.sh SOURCE_DIR WHEELHOUSE PYTHON_VERSION
# SOURCE_DIR is this repository (pyproject.toml, tooling/, constraints.txt). The package wheel is built with
# --no-deps from a copy of the sources (pip builds in-tree; other work trees may share this one), with a fixed
# SOURCE_DATE_EPOCH so the same sources give the same bytes. Its runtime requirements are read from the built
# wheel's own metadata (the `dependencies` of pyproject.toml, no extras: the one list of what the hosts need) and
# fetched as binary wheels for the hosts' Python at the versions pinned in constraints.txt, from the wheelhouse
# itself when present (no index touched), else from the package index.
# Prints one JSON line: {"changed": bool, "package": "<the package wheel>", "wheels": [every wheel]}.
set -euo pipefail
src=${1:?source dir} out=${2:?wheelhouse} pyver=${3:?python version of the hosts, e.g. 3.11}
python=${LOGPIPE_WHEEL_PYTHON:-python3}

[[ -f "$src/pyproject.toml" && -d "$src/tooling/logpipe" ]] ||
  { echo "build-wheelhouse: $src is not the logpipe repository (no pyproject.toml/tooling/logpipe)" >&2; exit 2; }
mkdir -p "$out"
fingerprint() { (cd "$out" && find . -maxdepth 1 -name '*.whl' -type f -print0 | sort -z | xargs -0r sha256sum); }
before=$(fingerprint)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
cp -a "$src/pyproject.toml" "$src/tooling" "$tmp/src/"
find "$tmp/src" \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +
SOURCE_DATE_EPOCH=315532800 "$python" -m pip wheel --quiet --no-deps --wheel-dir "$tmp/dist" "$tmp/src" >&2
built=$(cd "$tmp/dist" && ls -- *.whl)
dist=${built%%-*}
if ! cmp -s "$tmp/dist/$built" "$out/$built"; then
  # Earlier builds of the package, also under its former distribution name (logpipe-*.whl).
  rm -f "$out/$dist"-*.whl "$out"/logpipe-[0-9]*.whl
  cp "$tmp/dist/$built" "$out/$built"
fi

mapfile -t requirements < <("$python" - "$out/$built" <<'PY'
import sys, zipfile
from email.parser import HeaderParser
with zipfile.ZipFile(sys.argv[1]) as wheel:
    metadata = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    headers = HeaderParser().parsestr(wheel.read(metadata).decode())
print("\n".join(r for r in headers.get_all("Requires-Dist") or [] if "extra ==" not in r))
PY
)
if ((${#requirements[@]})); then
  fetch=(download --quiet --no-deps --only-binary=:all: --dest "$out" -c "$src/constraints.txt"
    --python-version "$pyver" --implementation cp
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64)
  "$python" -m pip "${fetch[@]}" --no-index --find-links "$out" "${requirements[@]}" >/dev/null 2>&1 ||
    "$python" -m pip "${fetch[@]}" "${requirements[@]}" >&2
fi

after=$(fingerprint)
"$python" - "$out" "$built" "$([[ "$before" == "$after" ]] && echo false || echo true)" <<'PY'
import json, pathlib, sys
wheels = sorted(p.name for p in pathlib.Path(sys.argv[1]).glob("*.whl"))
print(json.dumps({"changed": sys.argv[3] == "true", "package": sys.argv[2], "wheels": wheels}))
PY
