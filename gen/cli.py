"""Command-line interface. Errors are printed here, once, as ``path:line:col: message``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .errors import CannotWrite, DerivtexError, Interrupted, one_line, quote
from .pipeline import TIME_BUDGET
from .render.formats import DEFAULT, FORMATS, option_formats, option_values

# --to: LaTeX, LaTeX and PDF, or the language of a format that does not typeset (md)
WITHOUT_PDF = {f.name: f for f in FORMATS.values() if f.typeset is None and not f.together}
EXPORTS = ("numpy",)  # derivtex export --to


def output_option(default: str = "output", help: str = "Directory for the results."):
    return click.option(
        "-o", "--output", type=click.Path(file_okay=False), default=default, show_default=True, help=help
    )


MAX_TIMEOUT = 86_400.0  # a day: the timer takes no more, and no spec needs it


class Seconds(click.ParamType):
    """A time budget: a finite number of seconds, more than 0 and at most a day."""

    name = "seconds"

    def convert(self, value, param, ctx):
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not 0 < seconds <= MAX_TIMEOUT:  # also false for nan
            wanted = f"a number of seconds from 0 (excluded) to {MAX_TIMEOUT:g}"
            self.fail(f"{value!r} is not {wanted}", param, ctx)
        return seconds


timeout_option = click.option(
    "--timeout",
    type=Seconds(),
    default=TIME_BUDGET,
    show_default=True,
    metavar="SECONDS",
    help=f"Time budget to read, derive and verify each spec (more than 0, at most {MAX_TIMEOUT:g}).",
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
        except OSError as error:  # the file system refused: bad input, never a bug (exit 2)
            click.echo(str(CannotWrite(error, error.filename or item, "read or write")), err=True)
            worst = max(worst, 2)
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
    except OSError as error:  # the file system refused: bad input, never a bug (exit 2)
        click.echo(str(CannotWrite(error, error.filename or args[0], "read or write")), err=True)
        sys.exit(2)


class Commands(click.Group):
    """The command group: Ctrl-C ends any command with ``interrupted``, exit 130 (not click's 1)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(str(Interrupted()), err=True)
            raise click.exceptions.Exit(Interrupted.exit_code) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="derivtex")
def main():
    """Numerically verified, step-by-step LaTeX proofs of matrix-calculus derivations."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--to",
    "to",
    type=click.Choice(["tex", "pdf", *WITHOUT_PDF]),
    default="pdf",
    show_default=True,
    help="Write LaTeX only, LaTeX and PDF, or "
    + " or ".join(f"{f.language} (the same as --template {f.name})" for f in WITHOUT_PDF.values())
    + ".",
)
@click.option(
    "--template",
    default=DEFAULT,
    show_default=True,
    help=f"One of {', '.join(FORMATS)}, or a template of your own: a file NAME.tex.j2 "
    "(or NAME.md.j2), or a folder with article.tex.j2 (see `derivtex templates export`).",
)
@click.option(
    "--section-level",
    type=click.Choice(option_values("section_level")),
    help="With --template appendix: head each snippet with \\section (the default) or \\subsection.",
)
@output_option()
@click.option(
    "--allow-false",
    is_flag=True,
    help="Typeset an author's false lines and claim, marked with their discrepancy, instead of refusing.",
)
@timeout_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Specs derived and typeset at once, each in a worker process (default: the cores available).",
)
@click.option("--force", is_flag=True, help="Rebuild every spec, whatever the cache in OUTPUT/.build holds.")
def build(paths, to, template, section_level, output, allow_false, timeout, jobs, force):
    """Derive, verify and typeset each spec (default: derivations/) into OUTPUT.

    With --template notes, every spec is checked first, then all of them go into one
    document, OUTPUT/notes.pdf; if any spec fails, nothing is written.

    With --template appendix, each spec gives OUTPUT/NAME.tex, a body to \\input into a paper
    whose preamble says \\usepackage{derivtex}, and OUTPUT/derivtex.sty beside it; the PDF
    shows the snippet in a small article. With --template md, OUTPUT/NAME.md (no PDF).
    """
    from . import build as builds

    request = build_request(to, template, section_level, output, allow_false, timeout, jobs, force)
    build_with = builds.build_together if request.output_format.together else builds.build_each
    sys.exit(exit_on_error(build_with, spec_paths(paths), request, click.echo))


def build_request(to, template, section_level, output, allow_false, timeout, jobs, force):
    """The build these options ask for (a ``gen.build.Request``); a usage error raised now."""
    from .render.pdf import have_latex

    options = {"section_level": section_level} if section_level else {}
    for option, takers in ((o, option_formats(o)) for o in options):
        if template not in takers:
            flag = "--" + option.replace("_", "-")
            raise click.UsageError(f"{flag} is for --template {' or '.join(takers)}")
    if to in WITHOUT_PDF and template not in (DEFAULT, to):
        language = WITHOUT_PDF[to].language
        raise click.UsageError(f"--to {to} writes {language}, which --template {template} does not")
    output_format = chosen_format(to if to in WITHOUT_PDF else template)
    typesets = to == "pdf" and output_format.typeset is not None
    pdf = typesets and have_latex()
    if typesets and not pdf:
        click.echo(
            "latexmk/pdflatex not found: writing .tex only (run `make run` to install TeX Live)", err=True
        )
    from . import build as builds

    settings = {"allow_false": allow_false, "options": tuple(options.items()), "timeout": timeout}
    jobs = jobs or builds.default_jobs()
    return builds.Request(Path(output), output_format, pdf, **settings, jobs=jobs, force=force)


@main.command(params=list(build.params))
def watch(paths, **options):
    """Build as `build` does, then rebuild a spec's outputs each time its file changes (Ctrl-C ends).

    With --template notes, the notes are rebuilt when any spec changes. Each rebuild prints its
    one-line result or error; a spec that fails does not end the watch.
    """
    from .watch import Job
    from .watch import watch as watch_specs

    request = build_request(**options)
    given = tuple(Path(p) for p in paths or ("derivations",))
    spec_paths(given)  # a path that does not exist: exit 2 now, as build
    watch_specs(Job(given, request))


def chosen_format(template: str):
    """The row of ``gen.render.formats`` for a built-in template's name or a user's file or folder."""
    from .render.formats import format_of

    if template not in FORMATS and not Path(template).exists():
        choices = ", ".join(FORMATS)
        message = f"unknown template {quote(template)}: give one of {choices}, a file or a folder"
        raise click.UsageError(message)
    return exit_on_error(format_of, template)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@timeout_option
@click.option("--json", "as_json", is_flag=True, help="FILE.tex: every link as JSON.")
@click.option("--strict", is_flag=True, help="FILE.tex: exit 1 if any link is neither ok nor skipped.")
def check(paths, timeout, as_json, strict):
    """Derive and verify each spec; one line per spec, exit 1 if any check fails.

    Given .tex files, check the derivations written in them instead, link by link."""
    if any(str(p).endswith(".tex") for p in paths) or as_json or strict:
        from .texcheck.command import check_tex

        sys.exit(check_tex(paths, as_json, strict, report_errors))
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

            derivation = to_json(outcome.derivation, outcome.report)
            click.echo(json.dumps(derivation, indent=2, allow_nan=False))  # strict JSON, or a bug
        else:
            click.echo(terminal_view(outcome))

    sys.exit(report_errors([Path(path)], show_one))


def terminal_view(outcome) -> str:
    """Every chain as ``lhs = line  [rule; ok error]``, lines in the spec grammar, sums in the order
    the function writes them."""
    from .expr.forms import authored

    with authored(outcome.derivation.order):
        return chains_view(outcome)


def chains_view(outcome) -> str:
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
        if proof.backprop:  # one δ a line, each its own left-hand side
            steps = zip(proof.chain.steps, checks.chain)
            blocks += [(text(s.subject), steps_text((s,), (c,))) for s, c in steps]
        else:
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
        out += chain_text(proof.method + forward_text(proof), blocks)
    out.append(f"result: {results_text(d)}")
    out.append(f"finite differences: {figure_text(r.finite_difference)}")
    return "\n".join(one_line(line) for line in out)  # the terminal's one escaping step


def forward_text(proof) -> str:
    """`` (forward pass: a = W1*x + b1, h = tanh(a), z = W2*h)`` for a proof by backpropagation."""
    from .expr.printers import text

    if not proof.backprop:
        return ""
    return f" (forward pass: {', '.join(f'{n} = {text(d)}' for n, d in proof.backprop.named.pairs)})"


def figure_text(check) -> str:
    """``ok within 1e-9`` for a passing check (the bound, not its error: noise that varies with the
    machine and the sample); ``FALSE by 2`` (two significant digits) for a failing one."""
    return f"ok within {bound_text(check.within)}" if check.ok else f"FALSE by {check.max_rel_error:.2g}"


def bound_text(bound: float) -> str:
    """``1e-9``, ``2.5e-7``."""
    return f"{bound:g}".replace("e-0", "e-")


def results_text(derivation) -> str:
    """``grad_X f = G``, one per variable (``; ``-separated), in the spec grammar (sums in the
    function's order)."""
    from .expr.forms import authored
    from .expr.printers import text

    function = derivation.spec.function.value
    if derivation.spec.function.latex:  # '$…$' in the spec: shown in the grammar, as the results are
        function = text(derivation.function)
    change = derivation.change
    where = f" (where {change.new.name} = {change.old.name}^-1)" if change else ""
    with authored(derivation.order):
        results = "; ".join(
            f"{derivative_name(derivation, v)} {function} = {text(r)}{where}" for v, r in derivation.results
        )
        return results + defined_text(derivation)


def defined_text(derivation) -> str:
    """``, where a = W1*x + b1, h = tanh(a), delta_z = softmax(z) - y``: the names and adjoints the
    results are stated in (none: empty)."""
    from .engine.simplify import softmaxes
    from .expr.printers import text

    backprop = derivation.proofs[0].backprop if derivation.proofs else None
    pairs = backprop.definitions if backprop else derivation.named.pairs
    defined = ", ".join(f"{text(name)} = {text(softmaxes(value))}" for name, value in pairs)
    return f", where {defined}" if defined else ""


# the derivative's name in the terminal, by the kind of result: grad_X, jac_X, hess_X, d/dt, d2/dt2
DERIVATIVE_NAMES = {
    "gradient": "grad_{}",
    "derivative": "d/d{}",
    "jacobian": "jac_{}",
    "hessian": "hess_{}",
    "second derivative": "d2/d{}2",
}


def derivative_name(derivation, variable=None, order=None) -> str:
    """``grad_X``, or ``d/dX`` in numerator layout or for a number; ``hess_X`` or ``d2/dt2`` for
    order 2 (``order`` 1 names the first derivative of an order-2 spec)."""
    kind = derivation.kind.first_order if order == 1 else derivation.kind
    numerator = kind.name == "gradient" and derivation.layout == "numerator"
    name = DERIVATIVE_NAMES["derivative" if numerator else kind.name]
    return name.format((variable or derivation.variable).name)


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
        click.echo(f"{target}:1:1: exists; not overwritten", err=True)
        sys.exit(2)
    exit_on_error(write_atomic, target, text)
    schema_text = json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n"
    exit_on_error(write_atomic, Path(output) / SCHEMA_FILE, schema_text)
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
    from .engine.registry import REGISTRY
    from .engine.rules import DIFFERENTIAL

    for rule in dict.fromkeys([*DIFFERENTIAL, *REGISTRY.values()]):  # the calculus first, then the rest
        click.echo(f"{rule.name:<22} {rule.identity}\n{'':<22} {rule.reference}")
