"""Command-line interface. Errors are printed here, once, as ``path:line:col: message``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .errors import DerivtexError, LatexFailed, Span
from .pipeline import TIME_BUDGET

TEMPLATES = (
    "article",
    "notes",
    "appendix",
    "beamer",
    "md",
)  # notes: every spec in one document, OUTPUT/notes.pdf
SECTION_LEVELS = ("section", "subsection")  # of an appendix snippet's heading
EXPORTS = ("numpy",)  # derivtex export --to


def output_option(default: str = "output", help: str = "Directory for the results."):
    return click.option(
        "-o", "--output", type=click.Path(file_okay=False), default=default, show_default=True, help=help
    )


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

    return exit_on_error(find_specs, paths or ("derivations",))


def exit_on_error(action, *args):
    """``action(*args)``, or its project error printed and the command ended with its exit code."""
    try:
        return action(*args)
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
    type=click.Choice(["tex", "pdf", "md"]),
    default="pdf",
    show_default=True,
    help="Write LaTeX only, LaTeX and PDF, or Markdown (the same as --template md).",
)
@click.option(
    "--template",
    default="article",
    show_default=True,
    help=f"One of {', '.join(TEMPLATES)}, or a template of your own: a file NAME.tex.j2 "
    "(or NAME.md.j2), or a folder with article.tex.j2 (see `derivtex templates export`).",
)
@click.option(
    "--section-level",
    type=click.Choice(SECTION_LEVELS),
    help="With --template appendix: head each snippet with \\section (the default) or \\subsection.",
)
@output_option()
@click.option(
    "--allow-false",
    is_flag=True,
    help="Typeset an author's false lines and claim, marked with their discrepancy, instead of refusing.",
)
@timeout_option
def build(paths, to, template, section_level, output, allow_false, timeout):
    """Derive, verify and typeset each spec (default: derivations/) into OUTPUT.

    With --template notes, every spec is checked first, then all of them go into one
    document, OUTPUT/notes.pdf; if any spec fails, nothing is written.

    With --template appendix, each spec gives OUTPUT/NAME.tex, a body to \\input into a paper
    whose preamble says \\usepackage{derivtex}, and OUTPUT/derivtex.sty beside it; the PDF
    shows the snippet in a small article. With --template md, OUTPUT/NAME.md (no PDF).
    """
    from .pipeline import require_ok, run
    from .render.pdf import have_latex, write_atomic

    if section_level and template != "appendix":
        raise click.UsageError("--section-level is for --template appendix")
    if to == "md" and template not in ("article", "md"):
        raise click.UsageError(f"--to md writes Markdown, which --template {template} does not")
    template = "md" if to == "md" else template
    render_one, suffix = renderer(template)
    out = Path(output)
    pdf = to == "pdf" and suffix == ".tex" and have_latex()
    if to == "pdf" and suffix == ".tex" and not pdf:
        click.echo(
            "latexmk/pdflatex not found: writing .tex only (run `make run` to install TeX Live)", err=True
        )
    if template == "notes":
        sys.exit(build_notes(spec_paths(paths), out, pdf, allow_false, timeout))
    if template == "appendix":
        level = section_level or "section"
        sys.exit(build_appendix(spec_paths(paths), out, pdf, allow_false, level, timeout))

    def build_one(path: Path):
        outcome = run(path, timeout)
        require_ok(outcome, allow_false)
        text, name = render_one(outcome), outcome.spec.id
        if suffix == ".tex":
            click.echo(f"wrote {write_document(text, name, out, pdf)}")
        else:  # Markdown, or a user's template of another kind: no PDF
            write_atomic(out / f"{name}{suffix}", text)
            click.echo(f"wrote {out / f'{name}{suffix}'}")

    sys.exit(report_errors(spec_paths(paths), build_one))


def renderer(template: str):
    """``(outcome → text, suffix of the file written)`` for a built-in template or a user's."""
    from .pipeline import render_tex

    if template in TEMPLATES:
        return (lambda outcome: render_tex(outcome, template)), ".md" if template == "md" else ".tex"
    if not Path(template).exists():
        choices = ", ".join(TEMPLATES)
        raise click.UsageError(f"unknown template '{template}': give one of {choices}, a file or a folder")
    from .render.user_templates import output_suffix, template_file

    user = exit_on_error(template_file, template)
    return (lambda outcome: render_tex(outcome, user)), output_suffix(user)


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


def build_appendix(
    paths: list[Path], out: Path, pdf: bool, allow_false: bool, section_level: str, timeout: float
) -> int:
    """A snippet per spec, then ``derivtex.sty`` and ``derivtex.bib`` beside them (if any was written)."""
    from .pipeline import render_tex, require_ok, run
    from .render.appendix import BIBLIOGRAPHY, PACKAGE, render_package, typeset_snippet
    from .render.bibliography import bibtex
    from .render.pdf import write_atomic

    written = []

    def build_one(path: Path):
        outcome = run(path, timeout)
        require_ok(outcome, allow_false)
        tex = render_tex(outcome, "appendix", section_level=section_level)
        written.append(write_document(tex, outcome.spec.id, out, pdf, typeset_snippet))
        click.echo(f"wrote {written[-1]}")

    worst = report_errors(paths, build_one)
    if written:
        for name, text in ((PACKAGE, render_package()), (BIBLIOGRAPHY, bibtex())):
            write_atomic(out / name, text)
            click.echo(f"wrote {out / name}")
    return worst


def write_document(tex: str, name: str, out: Path, pdf: bool, make_pdf=None) -> Path:
    """Write ``out/NAME.tex`` (and ``NAME.pdf``, by ``make_pdf(tex, scratch)``) atomically.

    Returns the main file written. If LaTeX fails, no earlier file is replaced and the .tex is
    kept in ``out/.build``.
    """
    from .render.pdf import typeset, write_atomic

    if pdf:
        try:
            document = (make_pdf or (lambda tex, root: typeset(tex, root)[0]))(tex, out / ".build")
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
    from .verify.checks import within

    def check_one(path: Path):
        outcome = run(path, timeout)
        require_ok(outcome)
        d, r = outcome.derivation, outcome.report
        steps = [c for p in r.proofs for c in p.all] + list(r.author)
        click.echo(
            f"ok  {path}: {results_text(d)}  "
            f"(steps within {bound_text(within(steps))}, "
            f"finite differences within {bound_text(r.finite_difference.within)})"
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
            from .render.json_view import to_json

            click.echo(json.dumps(to_json(outcome.derivation, outcome.report), indent=2))
        else:
            click.echo(terminal_view(outcome))

    sys.exit(report_errors([Path(path)], show_one))


def terminal_view(outcome) -> str:
    """Every chain as ``lhs = line  [rule; ok error]``, lines in the spec grammar."""
    from .engine.proof import Chain
    from .expr import ir
    from .expr.printers import text

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
        blocks.append((f"{derivative_name(d, order=1)} f", steps_text(proof.gradient.steps, gradient)))
        for (v, chain), partial in zip(proof.partials, checks.partials):
            blocks.append(
                (f"{derivative_name(d, v)} f", steps_text(chain.steps, (checks.identification, *partial)))
            )
        if proof.second:  # d vec(∇f) = … = H d vec X, the Hessian, and d²f[U, V]
            chain, hessian, bilinear = proof.second
            done = iter(checks.second)
            second = [(chain, text(chain.lhs)), (Chain(None, hessian.steps), f"{derivative_name(d)} f")]
            second += [(bilinear, text(bilinear.lhs))] if bilinear else []
            for c, lhs in second:
                blocks.append((lhs, steps_text(c.steps, [next(done) for _ in c.steps])))
        out += chain_text(proof.method, blocks)
    out.append(f"result: {results_text(d)}")
    out.append(f"finite differences: {figure_text(r.finite_difference)}")
    return "\n".join(out)


def figure_text(check) -> str:
    """``ok within 1e-9`` for a passing check (the bound, not its error: noise that varies with the
    machine and the sample); ``FALSE by 2`` (two significant digits) for a failing one."""
    return f"ok within {bound_text(check.within)}" if check.ok else f"FALSE by {check.max_rel_error:.2g}"


def bound_text(bound: float) -> str:
    """``1e-9``, ``2.5e-7``."""
    return f"{bound:g}".replace("e-0", "e-")


def results_text(derivation) -> str:
    """``grad_X f = G``, one per variable (``; ``-separated), in the spec grammar."""
    from .expr.printers import text

    function = derivation.spec.function.value
    return "; ".join(
        f"{derivative_name(derivation, v)} {function} = {text(r)}" for v, r in derivation.results
    )


def derivative_name(derivation, variable=None, order=None) -> str:
    """``grad_X``, or ``d/dX`` in numerator layout or for a number; ``hess_X`` or ``d2/dt2`` for
    order 2 (``order`` 1 names the first derivative of an order-2 spec)."""
    from .engine.jacobians import is_jacobian
    from .expr import ir

    name = (variable or derivation.variable).name
    if (order or derivation.spec.order) == 2:
        return f"hess_{name}" if ir.is_matrix(derivation.variable) else f"d2/d{name}2"
    if is_jacobian(derivation.function, derivation.variable):
        return f"jac_{name}"
    numerator = derivation.spec.layout == "numerator" or not ir.is_matrix(derivation.variable)
    return f"d/d{name}" if numerator else f"grad_{name}"


def steps_text(steps, checks) -> list:
    from .expr.printers import text

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
            out.append(f"    {line:<{width}}  [{why}; {figure_text(check)}]")
    return [*out, ""]


@main.command()
@click.argument("path", type=click.Path())
@click.option("--to", "to", type=click.Choice(EXPORTS), default="numpy", show_default=True)
@output_option()
@timeout_option
def export(path, to, output, timeout):
    """Write the function and its derivative as code: OUTPUT/NAME.py, which checks itself.

    `python NAME.py` compares the derivative with central finite differences (exit 0 if they agree).
    """
    from .pipeline import require_ok, run
    from .render.code import export_numpy
    from .render.pdf import write_atomic

    def export_one(path: Path):
        outcome = run(path, timeout)
        require_ok(outcome)
        target = Path(output) / f"{outcome.spec.id}.py"
        write_atomic(target, export_numpy(outcome, outcome.spec.id))
        click.echo(f"wrote {target}")

    sys.exit(report_errors([Path(path)], export_one))


@main.command()
def schema():
    """Print the JSON Schema of a spec, for editors (yaml-language-server, VS Code's YAML)."""
    from .schema import schema as spec_schema

    click.echo(json.dumps(spec_schema(), indent=2, ensure_ascii=False))


@main.command()
@click.argument("name")
@output_option("derivations", "Directory for the spec.")
def new(name, output):
    """Write OUTPUT/NAME.yaml, a spec to start from, and the schema it names beside it.

    The spec starts with `# yaml-language-server: $schema=derivtex.schema.json`, so that an
    editor checks and completes it; its other keys are there as comments. An existing
    spec is never overwritten.
    """
    from .render.pdf import write_atomic
    from .schema import SCHEMA_FILE, new_spec
    from .schema import schema as spec_schema

    target = Path(output) / f"{name}.yaml"
    text = exit_on_error(new_spec, name)
    if target.exists():
        click.echo(f"{target}: exists; not overwritten", err=True)
        sys.exit(2)
    write_atomic(target, text)
    write_atomic(Path(output) / SCHEMA_FILE, json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n")
    click.echo(f"wrote {target}")


@main.group()
def templates():
    """The built-in templates, to start a template of your own from."""


@templates.command("export")
@click.argument("folder", type=click.Path(file_okay=False))
def export_templates(folder):
    """Copy every built-in template into FOLDER (never over an existing file).

    Then `derivtex build --template FOLDER` renders FOLDER/article.tex.j2, and any template it
    includes is taken from FOLDER first.
    """
    from .render.user_templates import export_templates as export

    for target in exit_on_error(export, Path(folder)):
        click.echo(f"wrote {target}")


@main.command()
def rules():
    """List every rule with its identity and reference."""
    from .engine import derive  # noqa: F401  (registers every rule)
    from .engine.rules import REGISTRY

    for rule in REGISTRY.values():
        click.echo(f"{rule.name:<22} {rule.identity}\n{'':<22} {rule.reference}")
