"""A bar chart of each broker's disk budget: the peak need per class stacked with the move reserve, against the
disk's capacity and the headroom limit (the tightest disk of each broker, as in the broker table)."""

from __future__ import annotations

from pathlib import Path

from logpipe.charts import pyplot
from logpipe.errors import LogpipeError
from logpipe.retention.budget import RetentionPlan

GIB = 1024**3


def class_needs(result: RetentionPlan) -> tuple[list[str], dict[str, list[float]]]:
    """Class names (most important first) and, per class, each broker's need on its tightest disk in GiB."""
    class_of = {t.topic: t.topic_class for t in result.topics}
    order: list[str] = []
    for t in sorted(result.topics, key=lambda t: t.topic_class):
        if t.topic_class not in order:
            order.append(t.topic_class)
    needs = {name: [0.0] * len(result.brokers) for name in order}
    for index, broker in enumerate(result.brokers):
        for topic, need in broker.tightest.need_by_topic:
            needs[class_of[topic]][index] += need / GIB
    return order, needs


def write_chart(result: RetentionPlan, path: Path) -> None:
    plt = pyplot("--chart")

    brokers = [str(b.broker_id) for b in result.brokers]
    positions = list(range(len(brokers)))
    order, needs = class_needs(result)
    width = max(6.0, 0.6 * len(brokers) + 2)
    figure, axes = plt.subplots(figsize=(width, 4.5))
    bottom = [0.0] * len(brokers)
    for name in order:
        axes.bar(positions, needs[name], bottom=bottom, label=f"class {name}")
        bottom = [b + n for b, n in zip(bottom, needs[name], strict=True)]
    reserve = [b.tightest.reserve_bytes / GIB for b in result.brokers]
    axes.bar(positions, reserve, bottom=bottom, label="move reserve", color="lightgrey", hatch="//")
    capacity = [b.tightest.capacity_bytes / GIB for b in result.brokers]
    usable = [b.tightest.usable_bytes / GIB for b in result.brokers]
    left = [p - 0.45 for p in positions]
    right = [p + 0.45 for p in positions]
    axes.hlines(capacity, left, right, colors="black", label="disk capacity", zorder=3)
    limit = f"{result.settings.disk_headroom:.0%} limit"
    axes.hlines(usable, left, right, colors="red", linestyles="dashed", label=limit, zorder=3)
    axes.set_xticks(positions, brokers)
    axes.set_xlabel("broker")
    axes.set_ylabel("GiB (tightest data disk)")
    axes.set_title("Disk budget per broker: peak retention footprint")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    figure.tight_layout()
    try:
        figure.savefig(path, dpi=100, metadata={"Software": None})
    except OSError as exc:
        raise LogpipeError(f"--chart {path}: cannot write it ({exc.strerror})") from exc
    finally:
        plt.close(figure)
