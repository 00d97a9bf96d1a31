"""Build timings for ``make bench`` (not a test): what ``make run`` costs, cold and again.

In a temporary copy of the catalog (derivations/ and output/ are never written), each row runs
``make run``'s two commands (``build --to pdf``, then ``build --template notes --to pdf``) as a user
does, through the CLI in a new process:

- a cold build (a new output folder, and ``--force`` where derivtex has a cache);
- a no-op rebuild (the same commands again, nothing changed);
- a one-spec edit (a comment appended to one spec, then the same commands);
- ``watch``'s edit-to-PDF time: ``derivtex watch`` on that spec, the time from writing the edit
  to the line ``wrote …pdf`` or ``up to date …pdf`` (the median of three edits); the same to its
  ``.tex`` (``--to tex``: derivtex's own part, without LaTeX); and to the notes' PDF under
  ``--template notes`` over the whole catalog copy;

with derivtex's default ``--jobs`` and with ``--jobs 1``, side by side. Each figure is given in
seconds and as a ratio to two yardsticks measured in the same run, so that machines (and a busy
machine) compare: one pdflatex run of a minimal document, and a fixed pure-Python workload.
"""

from __future__ import annotations

import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"
EDITED = "trace_inverse.yaml"  # the spec the edits touch
CLI = [sys.executable, "-c", "from gen.cli import main; main()"]
MINIMAL = "\\documentclass{article}\n\\begin{document}\nx\n\\end{document}\n"
WAIT = 900.0  # seconds: bounds a hung build, never reached by a working one
EDITS = 3  # watch's figure is the median of this many edits


@dataclass(frozen=True)
class Yardsticks:
    """Seconds of the two fixed workloads, best of three each."""

    pdflatex: float
    python: float

    def ratios(self, seconds: float) -> str:
        return f"{seconds:7.2f} s  ×{seconds / self.pdflatex:6.1f} latex  ×{seconds / self.python:6.1f} py"


def best_of(runs: int, action) -> float:
    """The fastest of ``runs`` timings of ``action()``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def python_workload() -> int:
    """A fixed amount of interpreter work."""
    return sum(i * i % 7 for i in range(2_000_000))


def pdflatex_run(folder: Path) -> None:
    """One pdflatex run of a minimal document, as derivtex runs LaTeX (no shell escape)."""
    (folder / "minimal.tex").write_text(MINIMAL, encoding="utf-8")
    command = ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "minimal.tex"]
    subprocess.run(command, cwd=folder, capture_output=True, check=True, timeout=WAIT)


def yardsticks(folder: Path) -> Yardsticks:
    return Yardsticks(best_of(3, lambda: pdflatex_run(folder)), best_of(3, python_workload))


def build_options() -> set[str]:
    """The options ``derivtex build`` has: ``--jobs`` and ``--force`` come with the build cache."""
    shown = subprocess.run([*CLI, "build", "--help"], capture_output=True, text=True, env=environment())
    return {option for option in ("--jobs", "--force") if option in shown.stdout}


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def make_run(specs: Path, out: Path, extra: tuple[str, ...]) -> float:
    """Seconds for ``make run``'s two commands over ``specs`` into ``out``; a failure ends the bench."""
    start = time.perf_counter()
    for template in ("article", "notes"):
        command = [*CLI, "build", str(specs), "--template", template, "--to", "pdf", "-o", str(out), *extra]
        done = subprocess.run(command, capture_output=True, text=True, env=environment(), timeout=WAIT)
        if done.returncode:
            raise SystemExit(f"{' '.join(command[3:])} failed ({done.returncode}):\n{done.stderr}")
    return time.perf_counter() - start


def append_edit(spec: Path, number: int) -> None:
    """Change the spec's bytes, not its meaning: a comment."""
    with spec.open("a", encoding="utf-8") as handle:
        handle.write(f"# edited by the benchmark ({number})\n")


def written(line: str, suffix: str) -> bool:
    """``wrote out/x.pdf``, or ``up to date out/x.pdf`` (rebuilt, and the same bytes as before)."""
    return line.startswith(("wrote ", "up to date ")) and line.endswith("." + suffix)


class Lines:
    """A process's output lines with the time each arrived, read by a thread."""

    def __init__(self, pipe):
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self.read, args=(pipe,), daemon=True)
        self.reader.start()

    def read(self, pipe) -> None:
        for line in pipe:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))
        self.lines.put((time.perf_counter(), None))

    def until(self, wanted) -> float:
        """The time the first line for which ``wanted(line)`` holds arrived."""
        while True:
            arrived, line = self.lines.get(timeout=WAIT)
            if line is None:
                raise SystemExit("derivtex watch ended before it wrote the PDF")
            if wanted(line):
                return arrived


def watch_edit(watched: Path, spec: Path, out: Path, extra: tuple[str, ...], to: str = "pdf") -> float:
    """Median seconds from an edit of ``spec`` to watch's line for its PDF (``.tex`` with ``to``
    tex)."""
    command = [*CLI, "watch", str(watched), "--to", to, "-o", str(out), *extra]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with subprocess.Popen(command, env=environment(), **pipes) as process:
        stdout, stderr = Lines(process.stdout), Lines(process.stderr)
        try:
            stderr.until(lambda line: line.startswith("watching "))
            times = []
            for number in range(EDITS):
                start = time.perf_counter()
                append_edit(spec, number)
                times.append(stdout.until(lambda line: written(line, to)))
                times[-1] -= start
        finally:
            process.kill()
            process.wait()
            stdout.reader.join(WAIT)  # to the end of the pipe, before the pipes are closed
            stderr.reader.join(WAIT)
    return statistics.median(times)


def timings(folder: Path, extra: tuple[str, ...], force: bool) -> dict[str, float]:
    """The rows for one ``--jobs`` setting, in a copy of the catalog of their own; each is also
    printed to stderr as it is measured (a cold build of the catalog takes minutes)."""
    specs, out = folder / "specs", folder / "output"
    shutil.copytree(DERIVATIONS, specs)
    edited = specs / EDITED

    def after_an_edit() -> float:
        append_edit(edited, 0)
        return make_run(specs, out, extra)

    notes, alone = (*extra, "--template", "notes"), folder / "watch"
    measures = {
        "cold build (make run)": lambda: make_run(specs, out, (*extra, "--force") if force else extra),
        "no-op rebuild": lambda: make_run(specs, out, extra),
        f"one-spec edit ({EDITED})": after_an_edit,
        "watch: edit to its PDF": lambda: watch_edit(edited, edited, alone, extra),
        "watch --to tex: edit to its .tex": lambda: watch_edit(edited, edited, alone, extra, "tex"),
        "watch --template notes: edit to notes": lambda: watch_edit(specs, edited, out, notes),
    }
    rows = {}
    for name, measure in measures.items():
        rows[name] = measure()
        column = " ".join(extra) or "default --jobs"
        print(f"  ({column}) {name}: {rows[name]:.2f} s", file=sys.stderr, flush=True)
    return rows


def builds() -> None:
    """Print the build timings, default ``--jobs`` and ``--jobs 1`` side by side."""
    from gen.render.pdf import have_latex

    if not have_latex():
        print("builds not timed: they need latexmk and pdflatex (`make tex` installs them)")
        return
    folder = Path(tempfile.mkdtemp(prefix="derivtex-bench-builds-"))
    options = build_options()
    sticks = yardsticks(folder)
    specs = len(list(DERIVATIONS.glob("*.yaml")))
    print(f"\nbuilds of the catalog ({specs} specs, make run's two commands), in a copy in {folder}")
    print(f"yardsticks: one pdflatex run of a minimal document {sticks.pdflatex:.2f} s (latex), ", end="")
    print(f"a fixed Python workload {sticks.python:.2f} s (py)")
    columns = {"default --jobs": timings(folder / "default", (), "--force" in options)}
    if "--jobs" in options:
        columns["--jobs 1"] = timings(folder / "one", ("--jobs", "1"), "--force" in options)
    print(f"{'':<40} " + "   ".join(f"{name:<36}" for name in columns))
    for row in next(iter(columns.values())):
        print(f"{row:<40} " + "   ".join(f"{sticks.ratios(rows[row]):<36}" for rows in columns.values()))
    if "--jobs" not in options:
        print("--jobs 1 not timed: this derivtex has no --jobs (every build runs one spec after another)")
    if "--force" not in options:
        print("no build cache (no --force): the cold build is a new output folder, and a rebuild redoes it")
