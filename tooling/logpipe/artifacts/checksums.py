"""sha256 digests and the SHA256SUMS file (the format `sha256sum -c` reads)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from logpipe.errors import LogpipeError

_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: Path | str, expected: str) -> str:
    """Recompute the sha256 of `path`; raise LogpipeError naming the file, expected and actual digest.

    Returns the digest when it matches.
    """
    path = Path(path)
    expected = expected.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise LogpipeError(f"expected sha256 for {path.name} is not 64 hex digits: {expected!r}")
    if not path.is_file():
        raise LogpipeError(f"artifact {path.name} is missing at {path}; run `logpipe artifacts build`")
    actual = sha256_file(path)
    if actual != expected:
        raise LogpipeError(
            f"artifact {path.name} failed its checksum: expected sha256 {expected}, actual {actual} ({path}); "
            f"rebuild it with `logpipe artifacts build --force`"
        )
    return actual


def format_sums(digests: dict[str, str]) -> str:
    """SHA256SUMS text for {file name: digest}, sorted by name, in sha256sum's text-mode format."""
    for name in digests:
        if "/" in name or "\n" in name or not name:
            raise LogpipeError(f"artifact file name {name!r} must be a plain file name")
    return "".join(f"{digests[name]}  {name}\n" for name in sorted(digests))


def parse_sums(text: str, source: str = "SHA256SUMS") -> dict[str, str]:
    """{file name: digest} from SHA256SUMS text; a malformed line raises naming its number."""
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise LogpipeError(f"{source} line {number} is not '<sha256>  <file>': {line!r}")
        sums[match.group(2)] = match.group(1)
    return sums
