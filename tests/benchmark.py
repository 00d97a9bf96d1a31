"""Benchmark (not a test): how fast derivtex is, and how its documents read.

Speed: how long the CLI takes to start, hostile input to be refused, and each spec to derive and
verify. (The tests bound the work done on hostile input deterministically.)

Readability: each spec of the catalog (derivations/) and of the realistic set (tests/realistic/)
built as an article PDF, one after the other, by the project's own latexmk call
(``gen.render.pdf.typeset``): its pages (``pdfinfo``), its longest formula (the glyphs it prints,
counted from the document's LaTeX: a displayed step with its continuation rows, or an inline
formula; justifications apart) and its overfull boxes (their number and the worst, in pt, from
LaTeX's log); per derivation, then totals, medians and the worst five. The longest formula rather
than the longest line of ``pdftotext -layout``: the lines of a page are as long as the page allows
(a paragraph of text fills ~100 characters, a formula running off the page is clipped), so they
measure the page; the formulas measure what the reader must take in at once — a 600-glyph result
stays 600 glyphs however it is broken, and names for intermediates shorten it. Lines that do not
fit are the overfull boxes. Then the two-layer network of issue 16 by each method of the spec's
``methods`` table.

Builds (``tests/benchmark_builds.py``): ``make run`` in a copy of the catalog, cold, again with
nothing changed, after a one-spec edit, and ``watch``'s edit-to-PDF time, with the default
``--jobs`` and ``--jobs 1``, in seconds and as ratios to yardsticks measured in the same run.

Run with ``make bench`` (everything), or ``python tests/benchmark.py --speed-only`` /
``--readability-only`` / ``--builds-only``. The PDFs and LaTeX logs are kept in a temporary
folder, named at the end.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"
REALISTIC = ROOT / "tests" / "realistic"
TWO_LAYER = REALISTIC / "two_layer_tanh.yaml"
SETS = (("catalog (derivations/)", DERIVATIONS), ("realistic (tests/realistic/)", REALISTIC))
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the checkout's gen, not another

from benchmark_builds import best_of, builds  # noqa: E402  (beside this file: the script's folder)

# --- speed --------------------------------------------------------------------------------


def alias_bomb() -> str:
    """9**19 "lol"s, were the aliases expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijklmnopqrst"
    return "\n".join(lines + [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip(names, names[1:])])


SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: FUNCTION\nwrt: X\n"
HOSTILE = {
    "alias bomb refused": alias_bomb(),
    "1 MB expression refused": SPEC.replace("FUNCTION", "X + " * 262_144 + "X"),
    "4000 parentheses refused": SPEC.replace("FUNCTION", "(" * 4_000 + "X" + ")" * 4_000),
}


def refused(text: str) -> None:
    from gen.errors import SpecError
    from gen.pipeline import run_spec
    from gen.spec.keys import parse_spec

    try:
        run_spec(parse_spec(text, "hostile.yaml"))
    except SpecError:
        return
    raise AssertionError("hostile input was not refused")


def speed() -> None:
    derivtex = str(Path(sys.executable).parent / "derivtex")
    help_time = best_of(5, lambda: subprocess.run([derivtex, "--help"], capture_output=True, check=True))
    print(f"derivtex --help                     {help_time * 1000:7.0f} ms")

    for name, text in HOSTILE.items():
        print(f"{name:<35} {best_of(3, lambda text=text: refused(text)) * 1000:7.0f} ms")

    from gen.engine.derive import derive
    from gen.spec.keys import load_spec
    from gen.verify.checks import verify

    timings = []
    for path in sorted(DERIVATIONS.glob("*.yaml")):  # the first run of each: what a user waits for
        start = time.perf_counter()
        derivation = derive(load_spec(path))
        derived = time.perf_counter()
        verify(derivation)
        done = time.perf_counter()
        timings.append((done - start, path.name, derived - start, done - derived))
    total = sum(t[0] for t in timings)
    print(f"{len(timings)} specs, derive + verify      {total:7.2f} s in all")
    for _, name, derive_time, verify_time in sorted(timings)[-5:]:
        print(f"  {name:<34} derive {derive_time * 1000:5.0f} ms, verify {verify_time * 1000:5.0f} ms")
    deep_compositions()


def deep_compositions() -> None:
    """A network sharing its weights over k layers, sum(tanh(W tanh(W ... x))): how the chain rule
    through automatic names grows with the depth (tests/test_fixed_point.py checks k = 8)."""
    from gen.api import derive

    symbols = {"x": {"shape": ["n"]}, "W": {"shape": ["n", "n"]}}
    for depth in (2, 4, 6, 8):
        f = "x"
        for _ in range(depth):
            f = f"tanh(W*{f})"
        start = time.perf_counter()
        derive(f"sum({f})", wrt="W", symbols=symbols, timeout=None)
        print(f"shared weights, {depth} layers            {time.perf_counter() - start:7.2f} s")


# --- readability --------------------------------------------------------------------------

OVERFULL = re.compile(r"^Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)\)", flags=re.M)
PAGES = re.compile(r"^Pages:\s+(\d+)", flags=re.M)


@dataclass(frozen=True)
class Readability:
    """How one document reads: its pages, its longest formula in glyphs, its overfull boxes."""

    name: str
    pages: int
    longest: int
    overfull: int
    worst: float  # pt, 0 without overfull boxes

    def figures(self) -> str:
        boxes = f"{self.overfull} overfull, worst {self.worst:.1f} pt" if self.overfull else "no overfull box"
        return f"{self.pages:3d} pp  {self.longest:4d} gl  {boxes}"

    def line(self) -> str:
        return f"  {self.name:<36} {self.figures()}"


@dataclass(frozen=True)
class Refusal:
    name: str
    message: str

    def figures(self) -> str:
        return f"not built: {self.message}"

    def line(self) -> str:
        return f"  {self.name:<36} {self.figures()}"


def overfull_boxes(log: str) -> list[float]:
    """How far each overfull box of a LaTeX log sticks out, in pt."""
    return [float(pt) for pt in OVERFULL.findall(log)]


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(PAGES.search(info).group(1))


ENVIRONMENTS = r"\\begin\{(align|gather|equation|multline)\*?\}(.*?)\\end\{\2\*?\}"
DISPLAYS = re.compile(r"\\\[(.*?)\\\]|" + ENVIRONMENTS, re.S)
INLINE = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)
ROWS = re.compile(r"\\\\(?:\[[^\]]*\])?")  # LaTeX's row break, with or without a skip
SPACING = re.compile(r"\\(?:left|right|[bB]ig+[lr]?|displaystyle|textstyle|quad|qquad)(?![A-Za-z])|\\[,;:! ]")
TEXT = re.compile(r"\\(?:operatorname|math[a-z]+|text[a-z]*|boldsymbol|bm)\*?\{([^{}]*)\}")
OPERATORS = "log|exp|det|tanh|sinh|cosh|sin|cos|tan|max|min|sup|inf|ln|dim|ker|arg|lim"
WORDS = re.compile(rf"\\({OPERATORS})(?![A-Za-z])")
NOTHING = re.compile(r"\\(?:(?:begin|end|label)\{[^{}]*\}|frac|tfrac|dfrac|nonumber|notag)(?![A-Za-z])")


def glyphs(tex: str) -> int:
    """How many glyphs a formula prints, read from its LaTeX: ``\\operatorname{tr}`` two, ``\\top``
    one, a root one, a fraction both halves, spacing, braces and script markers none. (The
    benchmark's own count: a change to derivtex's measure of widths does not move the yardstick.)"""
    tex = TEXT.sub(r"\1", SPACING.sub("", tex))
    tex = NOTHING.sub("", WORDS.sub(r"\1", tex))
    return len(re.sub(r"[{}^_&\s]", "", re.sub(r"\\[A-Za-z]+", "x", tex)))


def formulas(tex: str) -> list[str]:
    """Each formula of a document's body: a displayed step with its continuation rows (``\\quad …``)
    and an inline ``$…$``; a justification (after ``&&``) is not part of its step's formula."""
    body = tex.partition(r"\begin{document}")[2]
    found = []
    for display in DISPLAYS.finditer(body):
        for row in ROWS.split(display.group(1) or display.group(3)):
            row = row.split("&&")[0].strip()
            if re.match(r"&?\s*\\q?quad(?![A-Za-z])", row) and found:
                found[-1] += " " + row  # a continuation row: the same formula, broken
            elif row:
                found.append(row)
    return found + INLINE.findall(DISPLAYS.sub(" ", body))


def longest_formula(tex: str) -> int:
    """Glyphs of the document's longest formula."""
    return max(map(glyphs, formulas(tex)), default=0)


def typeset_article(outcome, name: str, folder: Path) -> Readability:
    """Build the article as ``derivtex build --to pdf`` does; keep its PDF and log in ``folder``."""
    from gen.pipeline import render_document
    from gen.render.formats import FORMATS
    from gen.render.pdf import typeset

    tex = render_document([outcome], FORMATS["article"])
    pdf_bytes, log = typeset(tex, folder / ".build")
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(pdf_bytes)
    (folder / f"{name}.tex").write_text(tex, encoding="utf-8")
    (folder / f"{name}.log").write_text(log, encoding="utf-8")
    boxes = overfull_boxes(log)
    return Readability(name, pages_of(pdf), longest_formula(tex), len(boxes), max(boxes, default=0.0))


def measure(spec, name: str, folder: Path) -> Readability | Refusal:
    """Derive, verify and typeset ``spec``; a spec derivtex refuses or cannot build is a Refusal."""
    from gen.errors import DerivtexError
    from gen.pipeline import TIME_BUDGET, require_ok, run_spec

    try:
        outcome = run_spec(spec, TIME_BUDGET)
        require_ok(outcome)
        return typeset_article(outcome, name, folder)
    except DerivtexError as error:
        return Refusal(name, str(error.message).splitlines()[0])


def measure_file(path: Path, folder: Path) -> Readability | Refusal:
    from gen.errors import DerivtexError
    from gen.spec.keys import load_spec

    try:
        spec = load_spec(path)
    except DerivtexError as error:
        return Refusal(path.stem, error.message)
    return measure(spec, path.stem, folder)


def summary(title: str, results: list) -> None:
    """Per derivation, then totals, medians and the worst five by pages and by overfull boxes."""
    built = [r for r in results if isinstance(r, Readability)]
    print(f"\n{title}: {len(built)} of {len(results)} built")
    for result in results:
        print(result.line())
    if not built:
        return
    pages = [r.pages for r in built]
    longest = [r.longest for r in built]
    overfull = [r for r in built if r.overfull]
    print(f"  pages:        {sum(pages)} in all, median {statistics.median(pages):g}, max {max(pages)}")
    print(f"  longest formula: median {statistics.median(longest):g} glyphs, max {max(longest)}")
    print(
        f"  overfull:     {sum(r.overfull for r in built)} boxes in {len(overfull)} documents, "
        f"worst {max((r.worst for r in built), default=0.0):.1f} pt"
    )
    print("  worst five by pages (then longest formula):")
    for result in sorted(built, key=lambda r: (r.pages, r.longest), reverse=True)[:5]:
        print("  " + result.line())
    if overfull:
        print("  worst five by overfull boxes:")
        for result in sorted(overfull, key=lambda r: (r.worst, r.overfull), reverse=True)[:5]:
            print("  " + result.line())


def by_method(folder: Path) -> None:
    """The two-layer network by each method the spec key ``methods`` accepts, side by side: a method
    added to the table is measured without a change here."""
    from gen.spec.keys import METHODS, load_spec

    spec = load_spec(TWO_LAYER)
    results = [measure(replace(spec, methods=(m,)), f"{TWO_LAYER.stem}.{m}", folder) for m in METHODS]
    first = next((r for r in results if isinstance(r, Readability)), None)
    print(f"\n{TWO_LAYER.stem} by each method ('methods' of gen.spec.keys), ratios to {METHODS[0]}:")
    for method, result in zip(METHODS, results):
        ratio = ""
        if isinstance(result, Readability) and isinstance(results[0], Readability):
            pages, longest = result.pages / first.pages, result.longest / first.longest
            ratio = f"  (pages ×{pages:.2f}, formula ×{longest:.2f})"
        print(f"  {method:<36} {result.figures()}{ratio}")


def readability() -> None:
    from gen.render.pdf import have_latex

    if not (have_latex() and shutil.which("pdfinfo")):
        print("readability not measured: it needs latexmk, pdflatex and pdfinfo (`make tex` installs them)")
        return
    folder = Path(tempfile.mkdtemp(prefix="derivtex-bench-"))
    print("readability of the article PDFs: pages, longest formula in glyphs (gl), overfull boxes")
    for title, specs in SETS:
        summary(title, [measure_file(path, folder) for path in sorted(specs.glob("*.yaml"))])
    by_method(folder)
    print(f"\nPDFs and LaTeX logs kept in {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--speed-only", action="store_true", help="time the CLI, hostile input and each spec")
    only.add_argument("--readability-only", action="store_true", help="build and measure the PDFs")
    only.add_argument("--builds-only", action="store_true", help="time make run: cold, again, an edit, watch")
    args = parser.parse_args()
    everything = not (args.speed_only or args.readability_only or args.builds_only)
    if everything or args.speed_only:
        speed()
    if everything or args.readability_only:
        readability()
    if everything or args.builds_only:
        builds()


if __name__ == "__main__":
    main()
