"""Replace a generated section of ``benchmarks/README.md``, between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``.

    python benchmarks/_readme.py NAME FILE    # the section NAME gets FILE's text, after the date and load

The runners call :func:`replace_section` themselves; the command line serves the benchmarks that only print
their table (``make bench`` saves their output to a file first).
"""

from __future__ import annotations

import sys
from pathlib import Path

from _envs import load_average, run_date  # next to this script

README = Path(__file__).resolve().parent / "README.md"


def replace_section(readme: Path, name: str, text: str) -> bool:
    """Put ``text`` between the section's markers; False when the file or a marker is missing."""
    if not readme.exists():
        return False
    start_marker, end_marker = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    content = readme.read_text()
    start, end = content.find(start_marker), content.find(end_marker)
    if start < 0 or end < start:
        return False
    readme.write_text(f"{content[: start + len(start_marker)]}\n{text.strip()}\n{content[end:]}")
    return True


def run_facts() -> str:
    """When the run ended and how loaded the machine was, as the runners write them."""
    return f"- Date: {run_date()}\n- Load average at the end (1, 5, 15 min): {load_average()}\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    name, source = argv
    text = Path(source).read_text()
    if not text.strip():
        print(f"{source} is empty: the README keeps its {name} section", file=sys.stderr)
        return 1
    if not replace_section(README, name, f"{run_facts()}\n{text.strip()}"):
        print(f"{README} has no {name} section", file=sys.stderr)
        return 1
    print(f"updated the {name} section of {README.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
