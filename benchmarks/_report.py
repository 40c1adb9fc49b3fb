"""The Markdown of a run: three tables (frameworks as rows), their notes, and where dioxide is not first."""

from __future__ import annotations

import os
import platform

from _envs import cpu_model, load_average, run_date
from _results import HEADINGS, MEMORY, RESOLUTION, STARTUP, Column

OURS = "dioxide"


def fmt_value(scenario: str, value: float) -> str:
    if scenario in MEMORY:
        return f"{value / 1024:,.0f} KiB"
    if scenario in STARTUP:
        return f"{value / 1e3:,.0f} µs" if value < 1e6 else f"{value / 1e6:,.1f} ms"
    return f"{value:,.1f} ns" if value < 100 else f"{value:,.0f} ns"


def fmt_ratio(ratio: float) -> str:
    if ratio < 10:
        return f"{ratio:.2f}x"
    if ratio < 100:
        return f"{ratio:.1f}x"
    return f"{ratio:,.0f}x"


class Notes:
    """Numbered notes that table cells point to, each text once."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def ref(self, text: str) -> str:
        text = " ".join(text.split())
        if text not in self.texts:
            self.texts.append(text)
        return f"[{self.texts.index(text) + 1}]"

    def lines(self) -> list[str]:
        return [f"{number}. {text}" for number, text in enumerate(self.texts, 1)]


def _best_peer(columns: list[Column], scenario: str) -> float | None:
    values = [c.results[scenario] for c in columns[1:] if scenario in c.results]
    return min(values) if values else None


def cell(column: Column, scenario: str, baseline: Column, notes: Notes, best: float | None) -> str:
    if column.failure is not None:
        return "n/a " + notes.ref(f"{column.label}: not measured: {column.failure}")
    if scenario in column.results:
        value = column.results[scenario]
        base = baseline.results.get(scenario)
        text = fmt_value(scenario, value) + (f" ({fmt_ratio(value / base)})" if base else "")
        if column is not baseline and value == best:
            text = f"**{text}**"
        if scenario in column.warnings:
            text += " ⚠ " + notes.ref(f"{column.label}, {HEADINGS[scenario]}: {column.warnings[scenario]}")
        return text
    if scenario in column.errors:
        return "error " + notes.ref(f"{column.label}, {HEADINGS[scenario]}: {column.errors[scenario]}")
    if scenario in column.not_applicable:
        return "n/a " + notes.ref(f"{column.label}: {column.not_applicable[scenario]}")
    return "n/a"


def table(columns: list[Column], headings: dict[str, str], notes: Notes) -> str:
    scenarios = [s for s in headings if any(s in c.results or s in c.errors for c in columns)]
    if not scenarios:
        return ""
    baseline = columns[0]
    best = {s: _best_peer(columns, s) for s in scenarios}
    lines = [
        "| framework | " + " | ".join(headings[s] for s in scenarios) + " |",
        "|---|" + "---:|" * len(scenarios),
    ]
    for column in columns:
        cells = [cell(column, s, baseline, notes, best[s]) for s in scenarios]
        lines.append(f"| {column.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def tables(columns: list[Column]) -> tuple[str, Notes]:
    """The three tables (those with a measured figure), and the notes their cells point to."""
    notes = Notes()
    parts = [
        ("Resolution: ns per call (ratio to hand-written)", RESOLUTION),
        ("Startup: declare, build and first resolve (ratio to hand-written)", STARTUP),
        ("Memory held after a startup of 1,000 singletons (ratio to hand-written)", MEMORY),
    ]
    out = []
    for title, headings in parts:
        body = table(columns, headings, notes)
        if body:
            out.append(f"**{title}**\n\n{body}")
    return "\n\n".join(out), notes


def not_first(columns: list[Column]) -> list[str] | None:
    """One line per figure where a peer does better than dioxide, with by how much (None without dioxide)."""
    ours = next((c for c in columns if c.name == OURS), None)
    if ours is None or not ours.results:
        return None
    out = []
    for scenario, heading in HEADINGS.items():
        if scenario not in ours.results:
            continue
        mine = ours.results[scenario]
        faster = sorted(
            (c.results[scenario], c.label, scenario in c.warnings)
            for c in columns[1:]
            if c is not ours and c.results.get(scenario, mine) < mine
        )
        if faster:
            ahead = ", ".join(
                f"{label} {fmt_value(scenario, value)}" + (" (with the warning above)" if warned else "")
                for value, label, warned in faster
            )
            out.append(
                f"- {heading} (`{scenario}`): dioxide {fmt_value(scenario, mine)}, "
                f"{mine / faster[0][0]:.2f}x the best; ahead of it: {ahead}."
            )
    return out


def largest_spread(columns: list[Column]) -> str:
    """Name the figure whose rounds disagreed most: a hint of how noisy the machine was."""
    worst: tuple[float, str] | None = None
    for column in columns:
        for scenario in column.results:
            values = [r[scenario] for r in column.rounds if scenario in r]
            if len(values) > 1:
                spread = max(values) / min(values) - 1
                if worst is None or spread > worst[0]:
                    worst = (spread, f"{column.label}, `{scenario}`")
    if worst is None:
        return ""
    return (
        f"- Largest difference between two measurements of one figure: {worst[0]:.0%} ({worst[1]}); "
        "the tables keep each figure's best."
    )


def machine_facts(columns: list[Column], quick: bool, rounds: int) -> list[str]:
    versions = ", ".join(f"{c.label} {c.version or 'n/a'}" for c in columns[1:])
    measured = next((c for c in columns if c.results), columns[0])
    pythons = ", ".join(sorted({c.python_version for c in columns if c.python_version})) or "n/a"
    mode = "quick" if quick else "full"
    return [
        f"- Date: {run_date()}",
        f"- CPU: {cpu_model()} ({os.cpu_count()} logical cores)",
        f"- Python: {platform.python_implementation()} {pythons} ({platform.system()} {platform.machine()})",
        f"- Frameworks: {versions}",
        f"- Method: {mode} run, resolution figures the best of {measured.repeats} repeats of "
        f"~{measured.target_seconds:g} s each, "
        + (f"best of {rounds} rounds" if rounds > 1 else "one round")
        + " (hand-written code at both ends of each round)",
        f"- Load average at the end (1, 5, 15 min): {load_average()}",
    ]


def document(columns: list[Column], *, quick: bool, rounds: int, command: str) -> str:
    """The whole results text: facts, tables, notes, and where dioxide is not first."""
    body, notes = tables(columns)
    text = [
        f"Produced by `{command}`. In parentheses, the ratio to hand-written code measured in the same run;",
        "in bold, the best framework of each column.",
        "",
        *machine_facts(columns, quick, rounds),
        "",
        body,
        "",
    ]
    if notes.texts:
        text += ["Notes:", "", *notes.lines(), ""]
    extra = [
        f"- {column.label}: a later round failed (earlier rounds kept): {' '.join(message.split())}"
        for column in columns
        for message in column.late_failures
    ]
    spread = largest_spread(columns)
    if spread:
        extra.append(spread)
    if extra:
        text += [*extra, ""]
    behind = not_first(columns)
    if behind is not None:
        text += ["Where dioxide is not the first framework in this run (lower is better everywhere):", ""]
        text += [*(behind or ["- nowhere: it is first on every figure."]), ""]
    return "\n".join(text)
