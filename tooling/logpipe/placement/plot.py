"""`--plot FILE.png`: per-broker replicas, preferred leaders and disk use before and after a plan (matplotlib,
Agg backend, so it works without a display)."""

from __future__ import annotations

from pathlib import Path

from logpipe.charts import pyplot
from logpipe.placement.measures import Measures


def plot(before: Measures, after: Measures, path: str | Path, title: str = "placement") -> Path:
    plt = pyplot("--plot")

    ids = sorted({b.broker for b in before.brokers} | {b.broker for b in after.brokers})
    rows = [("replicas", lambda b: b.replicas), ("preferred leaders", lambda b: b.leaders),
            ("disk GiB", lambda b: b.disk_bytes / 1024**3)]
    fig, axes = plt.subplots(len(rows), 1, figsize=(max(8, len(ids) * 0.3), 9), sharex=True)
    width = 0.4
    xs = range(len(ids))
    for ax, (label, value) in zip(axes, rows, strict=True):
        for offset, m, name in ((-width / 2, before, "before"), (width / 2, after, "after")):
            by_id = {b.broker: value(b) for b in m.brokers}
            ax.bar([x + offset for x in xs], [by_id.get(i, 0) for i in ids], width, label=name)
        ax.set_ylabel(label)
        ax.legend(loc="upper right")
    axes[-1].set_xticks(list(xs))
    axes[-1].set_xticklabels([str(i) for i in ids], rotation=90)
    axes[-1].set_xlabel("broker")
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
