"""Command-line interface. Errors are printed here, once, as ``path:line:col: message``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .errors import DerivtexError, LatexFailed, Span
from .pipeline import TIME_BUDGET

TEMPLATES = ("article", "notes")  # notes: every spec in one document, OUTPUT/notes.pdf

timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=TIME_BUDGET,
    show_default=True,
    metavar="SECONDS",
    help="Time budget to derive and verify each spec.",
)


def report_errors(items, action) -> int:
    """Run ``action`` on each item; print each project error once; return the worst exit code."""
    worst = 0
    for item in items:
        try:
            action(item)
        except DerivtexError as error:
            click.echo(str(error), err=True)
            worst = max(worst, error.exit_code)
        except Exception as error:  # a bug: say so on one line (DERIVTEX_DEBUG=1 shows the traceback)
            if os.environ.get("DERIVTEX_DEBUG"):
                raise
            click.echo(
                f"{item}: internal error: {type(error).__name__}: {error} (please report this)", err=True
            )
            worst = max(worst, 2)
    return worst


def spec_paths(paths) -> list[Path]:
    from .pipeline import find_specs

    try:
        return find_specs(paths or ("derivations",))
    except DerivtexError as error:
        click.echo(str(error), err=True)
        sys.exit(error.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="derivtex")
def main():
    """Numerically verified, step-by-step LaTeX proofs of matrix-calculus derivations."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--to",
    "to",
    type=click.Choice(["tex", "pdf"]),
    default="pdf",
    show_default=True,
    help="Write LaTeX only, or LaTeX and PDF.",
)
@click.option("--template", type=click.Choice(TEMPLATES), default="article", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default="output",
    show_default=True,
    help="Directory for the results.",
)
@click.option(
    "--allow-false",
    is_flag=True,
    help="Typeset an author's false lines and claim, marked with their discrepancy, instead of refusing.",
)
@timeout_option
def build(paths, to, template, output, allow_false, timeout):
    """Derive, verify and typeset each spec (default: derivations/) into OUTPUT.

    With --template notes, every spec is checked first, then all of them go into one
    document, OUTPUT/notes.pdf; if any spec fails, nothing is written.
    """
    from .pipeline import render_tex, require_ok, run
    from .typeset import have_latex

    out = Path(output)
    pdf = to == "pdf" and have_latex()
    if to == "pdf" and not pdf:
        click.echo(
            "latexmk/pdflatex not found: writing .tex only (run `make run` to install TeX Live)", err=True
        )
    if template == "notes":
        sys.exit(build_notes(spec_paths(paths), out, pdf, allow_false, timeout))

    def build_one(path: Path):
        outcome = run(path, timeout)
        require_ok(outcome, allow_false)
        click.echo(f"wrote {write_document(render_tex(outcome, template), outcome.spec.id, out, pdf)}")

    sys.exit(report_errors(spec_paths(paths), build_one))


def build_notes(paths: list[Path], out: Path, pdf: bool, allow_false: bool, timeout: float) -> int:
    """Check every spec (one line each), then write the notes; nothing at all if any spec fails."""
    from .pipeline import render_notes, require_ok, run

    paths = list(dict.fromkeys(paths))  # a spec named twice appears once
    outcomes = []

    def check_one(path: Path):
        outcome = run(path, timeout)
        require_ok(outcome, allow_false)
        outcomes.append(outcome)
        click.echo(f"ok  {path}" if outcome.report.ok else f"ok  {path} (false lines or claim marked)")

    worst = report_errors(paths, check_one)
    if worst:
        failed = len(paths) - len(outcomes)
        click.echo(f"{failed} of {len(paths)} specs failed: the notes were not written", err=True)
        return worst

    def write_notes(name: str):
        click.echo(f"wrote {write_document(render_notes(outcomes), name, out, pdf)}")

    return report_errors(["notes"], write_notes)


def write_document(tex: str, name: str, out: Path, pdf: bool) -> Path:
    """Write ``out/NAME.tex`` (and ``NAME.pdf``) atomically; return the main file written.

    If LaTeX fails, no earlier file is replaced and the .tex is kept in ``out/.build``.
    """
    from .typeset import typeset, write_atomic

    if pdf:
        try:
            document, _ = typeset(tex, out / ".build")
        except LatexFailed as error:
            kept = out / ".build" / f"{name}.tex"
            write_atomic(kept, tex)
            lines = [error.message, *(f"  {line}" for line in error.log_lines)]
            lines.append(f"  the .tex is kept at {kept}; no earlier output was replaced")
            raise LatexFailed("\n".join(lines), Span(str(kept), error.tex_line or 1)) from None
        write_atomic(out / f"{name}.pdf", document)
    write_atomic(out / f"{name}.tex", tex)
    return out / f"{name}.pdf" if pdf else out / f"{name}.tex"


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@timeout_option
def check(paths, timeout):
    """Derive and verify each spec; one line per spec, exit 1 if any check fails."""
    from .pipeline import require_ok, run
    from .printers import text

    def check_one(path: Path):
        outcome = run(path, timeout)
        require_ok(outcome)
        d, r = outcome.derivation, outcome.report
        steps = max((c.max_rel_error for c in r.author), default=r.max_step_error)
        click.echo(
            f"ok  {path}: {derivative_name(d)} {outcome.spec.function.value} = {text(d.result)}  "
            f"(steps {max(steps, r.max_step_error):.1e}, "
            f"finite differences {r.finite_difference.max_rel_error:.1e})"
        )

    sys.exit(report_errors(spec_paths(paths), check_one))


@main.command()
@click.argument("path", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the derivation as one JSON object.")
@timeout_option
def show(path, as_json, timeout):
    """Print the derivation of one spec in the terminal, or as JSON."""
    from .pipeline import run

    def show_one(path: Path):
        outcome = run(path, timeout)
        if as_json:
            from .view_json import to_json

            click.echo(json.dumps(to_json(outcome.derivation, outcome.report), indent=2))
        else:
            click.echo(terminal_view(outcome))

    sys.exit(report_errors([Path(path)], show_one))


def terminal_view(outcome) -> str:
    """Every chain as ``lhs = line  [rule; ok error]``, lines in the spec grammar."""
    from . import ir
    from .printers import text

    d, r = outcome.derivation, outcome.report
    out = [outcome.spec.title, ""]
    if d.steps:
        lines = [(" = " + text(e), s.why, c) for e, s, c in zip(d.steps, d.spec.steps, r.author)]
        out += chain_text("the author's derivation", [(text(ir.d(d.function)), lines)])
    for proof, checks in zip(d.proofs, r.proofs):
        blocks = [
            (f"lemma {lemma.rule}: {text(lemma.chain.lhs)}", steps_text(lemma.chain.steps, lemma_checks))
            for lemma, lemma_checks in zip(proof.lemmas, checks.lemmas)
        ]
        blocks.append((text(proof.chain.lhs), steps_text(proof.chain.steps, checks.chain)))
        gradient = (checks.identification, *checks.gradient)
        blocks.append((f"{derivative_name(d)} f", steps_text(proof.gradient.steps, gradient)))
        out += chain_text(proof.method, blocks)
    out.append(f"result: {derivative_name(d)} {outcome.spec.function.value} = {text(d.result)}")
    out.append(f"finite differences agree to {r.finite_difference.max_rel_error:.1e}")
    return "\n".join(out)


def derivative_name(derivation) -> str:
    """``grad_X``, or ``d/dX`` in numerator layout or for a number."""
    from . import ir
    from .engine import jacobian

    name = derivation.variable.name
    if derivation.spec.order == 2:
        return f"hess_{name}"
    if jacobian(derivation.function, derivation.variable):
        return f"jac_{name}"
    numerator = derivation.spec.layout == "numerator" or not ir.is_matrix(derivation.variable)
    return f"d/d{name}" if numerator else f"grad_{name}"


def steps_text(steps, checks) -> list:
    from .printers import text

    return [
        ((" -> " if s.relation == "->" else " = ") + text(s.expr), s.rule, c) for s, c in zip(steps, checks)
    ]


def chain_text(title: str, blocks) -> list[str]:
    """``title:`` then each block's left-hand side and its lines, reasons aligned."""
    width = max((len(line) for _, lines in blocks for line, _, _ in lines), default=0)
    out = [f"{title}:"]
    for lhs, lines in blocks:
        out.append(f"  {lhs}")
        for line, why, check in lines:
            mark = "ok" if check.ok else "FALSE"
            out.append(f"    {line:<{width}}  [{why}; {mark} {check.max_rel_error:.0e}]")
    return [*out, ""]


@main.command()
def rules():
    """List every rule with its identity and reference."""
    from . import engine  # noqa: F401  (registers every rule)
    from .rules import REGISTRY

    for rule in REGISTRY.values():
        click.echo(f"{rule.name:<22} {rule.identity}\n{'':<22} {rule.reference}")
