"""What every benchmark module shares: the context it runs in, figure rows, timing helpers.

A benchmark module is ``bench/bench_<name>.py`` with ``ENTRIES`` (the names of what it
measures, for ``--only``) and ``run(ctx) -> list[dict]`` returning rows made by ``figure``.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Context:
    """Handed to every module's ``run``: sizes, selection, and where things go."""

    repo: Path
    scale: float = 1.0
    only: str | None = None
    vendor: str = ""
    samples: int = 30
    state: dict = field(default_factory=dict)  # shared between modules (e.g. generated data)

    def size(self, full: int) -> int:
        """``full`` shrunk by ``--scale``; never below one."""
        return max(1, round(full * self.scale))

    def wants(self, entry: str, module: str = "") -> bool:
        """Whether ``entry`` (of ``module``) is selected by ``--only``."""
        return self.only is None or self.only in (entry, module)

    def say(self, message: str) -> None:
        print(f"  · {message}", file=sys.stderr, flush=True)


def figure(
    entry: str,
    measure: str,
    value: float | int,
    unit: str,
    *,
    below: float | None = None,
    above: float | None = None,
    equals: float | None = None,
) -> dict:
    """One row of the results table; ``below``/``above``/``equals`` make it a target."""
    target, ok = "", None
    if below is not None:
        target, ok = f"< {_fmt(below)}", value < below
    elif above is not None:
        target, ok = f"> {_fmt(above)}", value > above
    elif equals is not None:
        target, ok = f"= {_fmt(equals)}", value == equals
    return {
        "entry": entry,
        "measure": measure,
        "value": value,
        "unit": unit,
        "target": target,
        "ok": "" if ok is None else ("yes" if ok else "no"),
    }


def _fmt(value: float | int) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_value(value: float | int) -> str:
    return _fmt(value)


def percentile(samples: Iterable[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation between closest ranks."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(fn: Callable[[], object], *, times: int, warmup: int = 3) -> list[float]:
    """Milliseconds of ``times`` calls of ``fn`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def print_table(rows: list[dict]) -> None:
    columns = ["entry", "measure", "value", "unit", "target", "ok"]
    cells = [
        [
            row["entry"],
            row["measure"],
            format_value(row["value"]),
            row["unit"],
            row["target"],
            row["ok"],
        ]
        for row in rows
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    right = {2}  # numbers align right

    def line(values):
        return "  ".join(
            v.rjust(widths[i]) if i in right else v.ljust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    print(line(columns))
    print(line(["-" * w for w in widths]))
    for values in cells:
        print(line(values))
