"""One framework's column: where it runs, and what its runs reported, merged over the rounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The rows of the three tables, in order, with their headings. Figures are ns except memory (bytes).
RESOLUTION = {
    "singleton": "singleton (cached)",
    "factory_chain": "factory chain `A(B(C()))`",
    "factory_chain_1000": "factory chain, 1,000 extra registered",
    "request_scope": "request scope, sync: enter, resolve `A`, exit",
    "request_scope_async": "request scope, async",
    "threads_16": "singleton, 16 threads at once",
}
STARTUP = {
    "startup_10": "10 components",
    "startup_100": "100 components",
    "startup_1000": "1,000 components",
}
MEMORY = {
    "memory_1000": "RSS growth",
    "memory_1000_traced": "tracemalloc",
}
HEADINGS = {**RESOLUTION, **STARTUP, **MEMORY}


@dataclass
class Column:
    """One framework: where it runs, and what it reported."""

    name: str
    label: str
    module: Path
    requirements: list[str] | None  # the pinned pip requirements, for peers
    python: Path | None = None
    version: str = ""
    python_version: str = ""  # as the module reported it
    results: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # scenario -> error
    not_applicable: dict[str, str] = field(default_factory=dict)  # scenario -> reason
    warnings: dict[str, str] = field(default_factory=dict)  # scenario -> what its check found
    failure: str | None = None  # the whole column failed (install or run)
    late_failures: list[str] = field(default_factory=list)  # rounds that failed after one succeeded
    seconds: float = 0.0
    rounds: list[dict[str, float]] = field(default_factory=list)  # results of each round
    repeats: int = 0
    target_seconds: float = 0.0

    @property
    def pinned_version(self) -> str | None:
        """The version that ``name==version`` pins in the first requirement, if any."""
        if not self.requirements or "==" not in self.requirements[0]:
            return None
        return self.requirements[0].split("==", 1)[1]

    def fail(self, message: str) -> None:
        """A run that produced no report fails the column, unless an earlier round measured it."""
        if self.rounds:
            self.late_failures.append(message)
        else:
            self.failure = message

    def add_round(self, reports: list[dict[str, Any]]) -> None:
        """Merge the reports of one round (one process per memory figure, one for the rest).

        A scenario measured in any round is kept (best round); an error only if no round measured it.
        """
        measured: dict[str, float] = {}
        for report in reports:
            self.version = report.get("version", self.version)
            self.python_version = report.get("python", self.python_version)
            self.repeats = int(report.get("repeats", self.repeats))
            self.target_seconds = float(report.get("target_seconds", self.target_seconds))
            measured.update({k: float(v) for k, v in report.get("results", {}).items()})
            self.errors.update(report.get("errors", {}))
            self.not_applicable.update(report.get("not_applicable", {}))
            self.warnings.update(report.get("warnings", {}))
        self.rounds.append(measured)
        self.results = {
            scenario: min(r[scenario] for r in self.rounds if scenario in r)
            for scenario in HEADINGS
            if any(scenario in r for r in self.rounds)
        }
        self.errors = {k: v for k, v in self.errors.items() if k not in self.results}

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "version": self.version,
            "results": self.results,
            "errors": self.errors,
            "not_applicable": self.not_applicable,
            "warnings": self.warnings,
            "failure": self.failure,
        }
