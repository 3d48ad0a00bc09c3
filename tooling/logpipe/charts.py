"""matplotlib for the CLI's pictures (`placement plan --plot`, `retention plan --chart`): an optional extra."""

from __future__ import annotations

from typing import Any

from logpipe import DISTRIBUTION
from logpipe.errors import LogpipeError


def pyplot(option: str) -> Any:
    """matplotlib.pyplot on the Agg backend (no display needed); a LogpipeError naming the extra to install when
    matplotlib is missing (it is in the `charts` extra, not in the package's own dependencies)."""
    try:
        import matplotlib
    except ModuleNotFoundError:
        raise LogpipeError(f"{option} draws with matplotlib, which is not installed: "
                           f"pip install '{DISTRIBUTION}[charts]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
