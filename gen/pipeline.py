"""The one entry point that runs the stages in order: load → derive → verify → view → render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .budget import DERIVING, Stage, within
from .errors import CheckFailed, Span, SpecError

TIME_BUDGET = 20.0  # seconds to read, derive and verify one spec
READING = "reading the spec"  # the stages a budget names when it runs out (and DERIVING)


@dataclass(frozen=True)
class Outcome:
    spec: object
    derivation: object
    report: object


def find_specs(paths) -> list[Path]:
    """The spec files named, directories expanded to their ``*.yaml`` files in sorted order (a FIFO
    or a device named so is listed too, and refused when read, rather than passed over)."""
    found = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            specs = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir())
            if not specs:
                raise SpecError("no specs (*.yaml) in this directory", Span(str(given)))
            found += specs
        elif path.exists():
            found.append(path)
        else:
            raise SpecError("no such file or directory", Span(str(given)))
    return found


def run(path, time_budget: float | None = TIME_BUDGET, hint: str = "--timeout") -> Outcome:
    """Read, derive and verify one spec (raises a project error on bad input).

    Reading, deriving and verifying together may take at most ``time_budget`` seconds (None: no
    limit); the error says which stage ran out, and to see ``hint``, the option that sets it.
    """
    from .spec.keys import load_spec

    return run_stages(lambda: load_spec(path), Span(str(path)), time_budget, hint)


def run_text(text: str, path: str, time_budget: float | None, hint: str, at: Span) -> Outcome:
    """As ``run``, for a spec's YAML ``text`` (``path`` names it in errors; ``at``, where reading it
    ran out of time)."""
    from .spec.keys import parse_spec

    return run_stages(lambda: parse_spec(text, path), at, time_budget, hint)


def run_stages(read, at: Span, time_budget: float | None, hint: str) -> Outcome:
    """``read()`` the spec, then derive and verify it, all within ``time_budget`` seconds."""
    load_engine()

    def stages(stage: Stage) -> Outcome:
        spec = read()
        stage.enter(DERIVING, spec.function.span)
        return outcome_of(spec)

    return within(time_budget, at, stages, hint, READING)


def run_spec(spec, time_budget: float | None = None, hint: str = "--timeout") -> Outcome:
    """Derive and verify a loaded spec (within ``time_budget`` seconds, as ``run``)."""
    load_engine()
    return within(time_budget, spec.function.span, lambda _: outcome_of(spec), hint)


def load_engine() -> None:
    """Import the stages before a clock starts (the budget also never interrupts an import: a
    module half imported would fail every later spec)."""
    import numpy.random  # noqa: F401  (numpy imports it on first use: the sampler's)

    from .engine import derive, lowered  # noqa: F401
    from .render import title  # noqa: F401
    from .spec import keys  # noqa: F401
    from .verify import checks, defined  # noqa: F401


def outcome_of(spec) -> Outcome:
    from .engine.derive import derive
    from .engine.lowered import lowered
    from .render.title import pieces
    from .verify.checks import verify
    from .verify.defined import require_defined

    pieces(spec)  # the title's formulas parse (check says so, not only build)
    require_defined(lowered(spec))  # before the derivation: its verdict does not race the time budget
    derivation = derive(spec)
    report = verify(derivation)
    require_finite(derivation, report)
    return Outcome(spec, derivation, report)


def require_finite(derivation, report) -> None:
    """A value that overflows at the sampled points cannot be checked: bad input, at that value."""
    if report.overflow is None:
        return
    from .expr.lower import locate
    from .expr.printers import brief

    source, node, in_proof = report.overflow
    what = f"the derivation of {brief(node)}" if in_proof else brief(node)
    message = f"{what} overflows at the sampled points (it is inf or nan in double precision)"
    raise SpecError(message, locate(source, derivation.symbol_map, node))


def require_ok(outcome: Outcome, allow_false: bool = False) -> None:
    """Raise ``CheckFailed`` at the right place when a check failed.

    ``allow_false`` lets the author's own false lines and claim through (they are
    marked in the document); the engine's own lines never are.
    """
    report, spec = outcome.report, outcome.spec
    if not allow_false:
        require_true_steps(outcome)
        require_true_claim(outcome)
    if not report.finite_difference.ok and report.steps_ok:
        require_checkable(outcome)
    if not report.finite_difference.ok:
        raise CheckFailed(
            f"the derived gradient disagrees with finite differences "
            f"(relative error {report.finite_difference.max_rel_error:.2g}"
            f"{report.size_note(report.finite_difference)}); please report this",
            spec.function.span,
        )
    if not report.steps_ok:
        worst = max((c for p in report.proofs for c in p.all), key=lambda c: c.max_rel_error)
        raise CheckFailed(
            f"a step failed its numeric check (relative error {report.max_step_error:.2g}"
            f"{report.size_note(worst)}); please report this",
            spec.function.span,
        )


def require_checkable(outcome: Outcome) -> None:
    """Finite differences disagree with a gradient whose every line checks exactly (the complex
    step): a limit of the check, not a bug. A tolerance tighter than their rounding, or a function
    too steep for them at the sampled points (X^-1000), is bad input, at its position."""
    from .verify.checks import ROUNDING

    check, spec = outcome.report.finite_difference, outcome.spec
    if check.max_rel_error <= ROUNDING["fd"]:
        message = (
            f"finite differences agree to {check.max_rel_error:.2g}, not within the tolerance "
            f"{check.tolerance:g}: loosen it (to {ROUNDING['fd']:g}, their rounding bound)"
        )
        raise SpecError(message, spec.span_of("check"))
    message = (
        f"finite differences cannot check this function at the sampled points: off by "
        f"{check.max_rel_error:.2g} while every step checks exactly, it varies too fast for them"
    )
    raise SpecError(message, spec.function.span)


def require_true_steps(outcome: Outcome) -> None:
    """The author's first false line is the error."""
    report, spec = outcome.report, outcome.spec
    at = f"at a random {outcome.derivation.variable.name}"
    for number, (step, check) in enumerate(zip(spec.steps, report.author), 1):
        if not check.ok:
            what = f"does not follow from step {number - 1}" if number > 1 else "is not the differential"
            note = report.size_note(check)
            message = f"step {number} {what} (relative discrepancy {check.max_rel_error:.2g} {at}{note})"
            raise CheckFailed(message, step.expr.span)
    if report.author_identification is not None and not report.author_identification.ok:
        error, note = (
            report.author_identification.max_rel_error,
            report.size_note(report.author_identification),
        )
        message = f"the last step does not give the gradient (relative discrepancy {error:.2g} {at}{note})"
        raise CheckFailed(message, spec.steps[-1].expr.span)


def require_true_claim(outcome: Outcome) -> None:
    report, spec = outcome.report, outcome.spec
    if report.claim is not None and not report.claim.ok:
        diagnosis = claim_diagnosis(outcome)
        text = spec.claim or next(claim for name, claim in spec.claims if name.value == report.claim_of)
        whose = f" for {report.claim_of}" if report.claim_of else ""
        raise CheckFailed(
            f"the claim{whose} is false: relative discrepancy {report.claim.max_rel_error:.2g} "
            f"at a random point{report.size_note(report.claim)}{diagnosis}",
            text.span,
        )


def claim_diagnosis(outcome: Outcome) -> str:
    diagnosis = outcome.report.claim_diagnosis
    return "" if diagnosis.diagnosis == "differs" else f"; it {diagnosis.explanation}"


def render_tex(outcome: Outcome, template: str | Path = "article", **options) -> str:
    """One derivation in an output format of ``gen.render.formats``: ``article``, ``notes``,
    ``appendix`` (option ``section_level``), ``beamer``, ``md``, or a user's template file or folder."""
    from .render.formats import format_of

    return render_document([outcome], format_of(template), **options)


def render_document(outcomes, output_format, **options) -> str:
    """The document of one outcome in ``output_format`` (a ``gen.render.formats.Format``), or of
    all of them in a format that gathers every spec into one."""
    from .render.bibliography import sources
    from .render.view import document_view

    views = [(o.spec, document_view(o.derivation, o.report)) for o in outcomes]
    if output_format.together:
        return output_format.render(views, **options)
    ((spec, doc),) = views
    return output_format.render(doc, sources=sources(spec.references, doc.rules), **options)


def render_notes(outcomes) -> str:
    """One document of lecture notes for the outcomes, grouped by topic (see ``gen.render.notes``)."""
    from .render.formats import FORMATS

    return render_document(outcomes, FORMATS["notes"])
