"""Draw the ratios to hand-written code of a run, one panel per workload, as a PNG.

    python benchmarks/chart.py results/latest.json results/ratios.png

Run by ``run.py`` with the python of ``benchmarks/.envs/chart/`` (matplotlib, pinned there), so the
project's venv needs no plotting library. Each panel has one bar per framework, on a log scale, in the
order of the tables; dioxide's bar is coloured, a framework without a figure says why in short.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from _results import HEADINGS, MEMORY, RESOLUTION, STARTUP

PANEL_COLUMNS = 4
OURS, OURS_COLOR, OTHER_COLOR = "dioxide", "#d9480f", "#868e96"
GROUPS = [(RESOLUTION, "resolution"), (STARTUP, "startup"), (MEMORY, "memory, 1,000 singletons")]
SHORT = {
    "request_scope": "request scope, sync",
    "factory_chain_1000": "factory chain, 1,000 extra",
    "threads_16": "singleton, 16 threads",
}


def _missing(column: dict[str, Any], scenario: str) -> str:
    if column["failure"] or scenario in column["errors"]:
        return "error"
    return "n/a"


def _panel(axis: Any, columns: list[dict[str, Any]], scenario: str, title: str) -> None:
    base = columns[0]["results"].get(scenario)
    peers = columns[1:]
    labels = [c["label"] for c in peers]
    ratios = [c["results"][scenario] / base if base and scenario in c["results"] else None for c in peers]
    measured = [r for r in ratios if r is not None]
    right = max([*measured, 2.0]) * 4
    positions = range(len(peers))
    for y, column, ratio in zip(positions, peers, ratios, strict=True):
        if ratio is None:
            axis.text(1.15, y, _missing(column, scenario), va="center", fontsize=8, color=OTHER_COLOR)
            continue
        color = OURS_COLOR if column["name"] == OURS else OTHER_COLOR
        axis.barh(y, ratio, left=0, color=color, height=0.7)
        text = f"{ratio:.2f}x" if ratio < 10 else f"{ratio:,.0f}x"
        if scenario in column["warnings"]:
            text += " (built twice)"
        axis.text(ratio * 1.08, y, text, va="center", fontsize=8)
    axis.set_xscale("log")
    axis.set_xlim(min([*measured, 1.0]) * 0.8 if measured else 0.8, right)
    axis.axvline(1.0, color="black", linewidth=0.8)
    axis.set_yticks(list(positions), labels, fontsize=8)
    axis.set_ylim(len(peers) - 0.4, -0.6)  # first framework on top
    axis.set_title(title, fontsize=9)
    axis.tick_params(axis="x", labelsize=7)
    axis.grid(axis="x", which="major", linewidth=0.3)


def draw(figures: dict[str, Any], target: Path) -> None:
    columns = figures["columns"]
    panels = [
        (scenario, f"{group}: {SHORT.get(scenario, HEADINGS[scenario])}".replace("`", ""))
        for headings, group in GROUPS
        for scenario in headings
        if any(scenario in c["results"] for c in columns[1:])
    ]
    rows = math.ceil(len(panels) / PANEL_COLUMNS)
    figure, axes = plt.subplots(rows, PANEL_COLUMNS, figsize=(4.4 * PANEL_COLUMNS, 3.0 * rows), squeeze=False)
    for axis, (scenario, title) in zip(axes.flat, panels, strict=False):
        _panel(axis, columns, scenario, title)
    for axis in list(axes.flat)[len(panels) :]:
        axis.set_visible(False)
    mode = "quick run" if figures.get("quick") else "full run"
    figure.suptitle(
        f"Ratio to hand-written code in one {mode} ({figures.get('date', '')}): log scale, lower is better; "
        "the black line is hand-written code",
        fontsize=11,
    )
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    figure.savefig(target, dpi=90)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = map(Path, argv)
    draw(json.loads(source.read_text()), target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
