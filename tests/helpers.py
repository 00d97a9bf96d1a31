"""What the test modules share (plain functions; the pytest fixtures are in conftest.py).

The CLI runner, the one loader of fixture files, the bad-spec corpus, snapshots of an
output directory, and a few readers of what derivtex writes. No test module imports
another test module: what two of them need lives here.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner

from gen.cli import main
from gen.engine.kind import is_jacobian
from gen.expr.lower import parse_expr, symbol_table
from gen.pipeline import run_spec
from gen.spec.keys import load_spec, variable_name
from gen.texcheck.check import check_file

ROOT = Path(__file__).parent.parent
DERIVATIONS = ROOT / "derivations"
FIXTURES = Path(__file__).parent / "fixtures"
BAD_SPECS = sorted((Path(__file__).parent / "bad_specs").glob("*.yaml"))
KATEX = Path(os.environ.get("KATEX_DIR", ROOT / ".cache" / "katex")) / "node_modules"
DISPLAY = re.compile(r"^\$\$\n(.*?)\n\$\$$", flags=re.S | re.M)
INLINE = re.compile(r"(?<![\\$])\$((?:[^$\\]|\\.)+)\$")

# The seed spec, and its chain of equalities (lines 6 to 10 of GOOD + STEPS).
GOOD = """\
symbols:
  X: {shape: [n, n], assume: [invertible]}
function: tr(X^-1)
wrt: X
"""
STEPS = """\
steps:
  - {expr: d(tr(X^-1))}
  - {expr: tr(d(X^-1)), why: the trace is linear}
  - {expr: tr(-X^-1 * dX * X^-1), why: the differential of an inverse}
  - {expr: -tr(X^-2 * dX), why: linearity and the cyclic property of the trace}
"""


# --- the command line ------------------------------------------------------------------

COMMANDS = {
    "build": ("build", "--to", "tex", "-o", "{out}"),
    "build-notes": ("build", "--to", "tex", "--template", "notes", "-o", "{out}"),
    "check": ("check",),
    "show": ("show", "--json"),
}


def invoke(*args):
    """Run the CLI in-process, stdout and stderr apart; a traceback fails the test."""
    separate = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters
    runner = CliRunner(mix_stderr=False) if separate else CliRunner()
    result = runner.invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def run_cli(command: str, out: Path, *paths):
    """One of ``COMMANDS`` writing to ``out``; bad input never shows a traceback or an internal error."""
    args = [a.format(out=out) for a in COMMANDS[command]]
    result = invoke(*args, *paths)
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result


def require_tools(*tools: str) -> None:
    """Skip the test when a tool is missing, except under CI (``CI`` set), where that fails it."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(
            f"CI is set and these tools are missing ({', '.join(missing)}): under CI this is a failure"
        )
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (make test installs them)")


# --- fixture files and the bad-spec corpus ---------------------------------------------


def fixture_cases(name: str, fields: int) -> list:
    """``a ; b ; …`` lines of ``tests/fixtures/name`` (``#`` comments and blank lines skipped), with ids.

    The last field takes the rest of the line, so it may itself hold a ``;``.
    """
    out = []
    for number, line in enumerate((FIXTURES / name).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            parts = [p.strip() for p in line.split(";", fields - 1)]
            assert len(parts) == fields, f"{name}:{number}: {fields} fields separated by ';' expected"
            out.append(pytest.param(*parts, id=f"{number}:{parts[0] or '<empty>'}"))
    return out


def expected_error(path: Path) -> str:
    """The error a bad spec states in its header: ``# error: line:col: message``."""
    header = path.read_bytes().split(b"\n")[0].decode("utf-8")  # the rest may be binary or not UTF-8
    assert header.startswith("# error: "), f"{path.name} needs a '# error: ' header"
    return header.removeprefix("# error: ")


# --- snapshots of an output directory ----------------------------------------------------


def earlier_output(out: Path, name: str) -> dict[str, bytes]:
    """Files as an earlier good build of ``name`` left them (and one unrelated file)."""
    out.mkdir()
    files = {
        f"{name}.tex": b"\\relax % an earlier good build\n",
        f"{name}.pdf": b"%PDF-1.5 an earlier good build\n",
        "notes.tex": b"\\relax % earlier notes\n",
        "README.md": b"mine\n",
    }
    for file, data in files.items():
        (out / file).write_bytes(data)
    return files


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` (hidden ones and .build/ included) with its bytes."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def documents(out: Path) -> dict[str, bytes]:
    """``snapshot`` without the build cache, which a successful build fills (gen/build/cache.py)."""
    return {name: data for name, data in snapshot(out).items() if not name.startswith(".build/cache/")}


# --- specs and what derivtex writes ------------------------------------------------------


def every_method(spec):
    """The spec proved by all three methods (by differentials alone for a scalar or symmetric
    variable, several variables, a Jacobian or a Hessian); a spec that asks for backprop, by its own."""
    declared = spec.symbol(variable_name(spec.wrt[0]))  # Sigma for wrt: Sigma^-1
    symbols = symbol_table(spec.symbols)
    vector_valued = is_jacobian(parse_expr(spec.function, symbols), symbols[declared.name])
    alone = (
        not declared.shape
        or {"symmetric", "spd"} & set(declared.assume)
        or vector_valued
        or spec.order == 2
        or len(spec.wrt) > 1
    )
    methods = ("differential",) if alone else ("differential", "directional", "entrywise")
    if "backprop" in spec.methods:  # by its own methods: by differentials the two-layer network's
        return spec  # lines still run past the margin (issue 16, item 4)
    return replace(spec, methods=methods)


def assert_published_gradient_holds(path: Path) -> None:
    """A spec whose claim is the gradient its source prints (tests/published_ml, tests/realistic):
    it cites the source, is derived, every line and finite differences agree, and the claim holds
    (checked at two sizes by the verifier, the result itself against finite differences)."""
    spec = load_spec(path)
    assert spec.references, "each case cites its source"
    report = run_spec(spec).report
    assert report.finite_difference.ok and report.steps_ok
    assert report.claim is not None and report.claim.ok, report.claim_of


def commands(tex: str, name: str) -> list[str]:
    """The arguments of every ``\\name{…}`` (without nested braces)."""
    return re.findall(rf"\\{name}\{{([^{{}}]*)\}}", tex)


def cited_keys(tex: str) -> set[str]:
    """The keys of every ``\\cite{a,b}`` and ``\\cite[place]{a}``."""
    return {key for keys in re.findall(r"\\cite(?:\[[^]]*\])?\{([^{}]*)\}", tex) for key in keys.split(",")}


def formulas(markdown: str) -> list[dict]:
    """Every display block and every inline formula of the prose, for KaTeX."""
    found = [{"tex": block, "display": True} for block in DISPLAY.findall(markdown)]
    prose = DISPLAY.sub("", markdown)
    return found + [{"tex": tex, "display": False} for tex in INLINE.findall(prose)]


def katex_errors(items: list[dict]) -> list:
    """KaTeX's verdict on each formula (skipped without Node or KaTeX, except under CI)."""
    require_tools("node")
    if not (KATEX / "katex").is_dir():
        message = f"KaTeX is not installed in {KATEX.parent} (make katex installs it)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    run = subprocess.run(
        [shutil.which("node"), str(Path(__file__).parent / "katex_render.js")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(KATEX)},
        check=True,
    )
    return json.loads(run.stdout)


def tree(e) -> str:
    """The tree as a string, terms of sums in a fixed order (the printer orders them; SymPy does not)."""
    children = [tree(a) for a in e.args]
    if isinstance(e, (sp.Add, sp.MatAdd)):
        children.sort()
    return f"{type(e).__name__}({', '.join(children)})" if children else sp.srepr(e)


def paper(tmp_path: Path, body: str) -> Path:
    """A small article whose document body is ``body``."""
    path = tmp_path / "paper.tex"
    path.write_text(f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\\end{{document}}\n")
    return path


def checked_in_paper(tmp_path: Path, body: str) -> list:
    """The outcomes of ``derivtex check`` on a small article whose document body is ``body``."""
    with np.errstate(all="ignore"):
        return list(check_file(paper(tmp_path, body)).outcomes)


def central_gradient(f, x, h=1e-6):
    """∂f/∂x of a scalar function, entry by entry, by central differences (independent of derivtex)."""
    G = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        E = np.zeros_like(x)
        E[index] = h
        G[index] = (f(x + E) - f(x - E)) / (2 * h)
    return G


def slow_deriving(monkeypatch, seconds: float = 5.0) -> None:
    """Make deriving take ``seconds`` more, busy in Python (where the time budget's exception
    lands), so that a budget test depends on no machine's speed and no cache an earlier test filled."""
    from gen import pipeline

    derive = pipeline.outcome_of

    def slow(spec):
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            pass
        return derive(spec)

    monkeypatch.setattr(pipeline, "outcome_of", slow)
