"""Markdown: prose and $$\\begin{aligned}…\\end{aligned}$$ blocks, every formula rendered by KaTeX.

KaTeX runs under Node from ``.cache/katex`` (``make katex`` installs it; ``KATEX_DIR`` overrides);
without Node or KaTeX the rendering test is skipped, except under CI, where it fails.
"""

from pathlib import Path

import pytest
from helpers import DISPLAY, every_method, formulas, invoke, katex_errors

from gen import pipeline
from gen.render.markdown import escape_markdown
from gen.spec.keys import load_spec

ROOT = Path(__file__).parent.parent
DERIVATIONS = ROOT / "derivations"
SEED = DERIVATIONS / "trace_inverse.yaml"


@pytest.fixture(scope="module")
def documents():
    """Every spec of the catalog by every method it supports, as Markdown."""
    specs = (every_method(load_spec(path)) for path in sorted(DERIVATIONS.glob("*.yaml")))
    return {spec.id: pipeline.render_tex(pipeline.run_spec(spec), "md") for spec in specs}


def test_every_formula_renders_with_katex(documents):
    items = [dict(item, spec=name) for name, md in documents.items() for item in formulas(md)]
    assert len(items) > 20 * len(documents)
    errors = katex_errors([{"tex": i["tex"], "display": i["display"]} for i in items])
    failed = [(i["spec"], i["tex"][:200], e) for i, e in zip(items, errors) if e]
    assert not failed


def test_a_katex_error_is_caught():
    assert katex_errors([{"tex": r"\frac{1}{", "display": True}, {"tex": "x^2", "display": False}])[1] is None
    assert katex_errors([{"tex": r"\why{x}", "display": False}])[0].startswith("KaTeX parse error")


def test_chains_are_aligned_blocks_with_the_justification_as_text(documents):
    md = documents["trace_inverse"]
    assert md.startswith("# Gradient of the trace of the inverse\n\n**Proposition.** Let $X")
    blocks = DISPLAY.findall(md)
    chains = [b for b in blocks if b.startswith("\\begin{aligned}")]
    assert len(chains) >= 6 and all(b.endswith("\\end{aligned}") for b in chains)
    assert "&= \\operatorname{tr}(-X^{-1}\\,\\mathrm{d}X\\,X^{-1}) && \\qquad \\text{inverse: $" in md
    assert "### Proof by the directional derivative" in md and "*(L1)* The inverse" in md
    for macro in ("\\why", "\\emph", "\\ensuremath", "\\measure", "\\begin{align*}"):
        assert macro not in md


def test_plain_text_is_escaped_for_markdown(tmp_path):
    spec = tmp_path / "odd.yaml"
    spec.write_text(
        "title: '*Not* a [link](x) <b> #1 \\$5 & x_1 ᵀ'\n"  # \$ is a dollar sign, $…$ a formula
        "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)\nwrt: X\n",
        encoding="utf-8",
    )
    md = pipeline.render_tex(pipeline.run(spec), "md")
    # < > & as entities: a backslash before < is no escape in Python-Markdown (MkDocs)
    assert md.startswith("# \\*Not\\* a \\[link\\]\\(x\\) &lt;b&gt; \\#1 \\$5 &amp; x\\_1 ᵀ\n")
    assert escape_markdown("a\\b") == "a\\\\b"


@pytest.mark.parametrize("option", [("--template", "md"), ("--to", "md")])
def test_build_writes_markdown(tmp_path, documents, option):
    result = invoke("build", *option, "-o", tmp_path, SEED)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build", "trace_inverse.md"]  # .build: the cache
    assert result.stdout == f"wrote {tmp_path / 'trace_inverse.md'}\n"
    assert (
        (tmp_path / "trace_inverse.md")
        .read_text(encoding="utf-8")
        .startswith(documents["trace_inverse"][:200])
    )


def test_md_is_not_a_format_of_the_latex_templates(tmp_path):
    result = invoke("build", "--to", "md", "--template", "beamer", "-o", tmp_path, SEED)
    assert (
        result.exit_code == 2 and "--to md writes Markdown, which --template beamer does not" in result.stderr
    )


def test_a_false_line_is_marked_in_red_and_renders(tmp_path):
    spec = tmp_path / "false_step.yaml"
    seed = (DERIVATIONS / "trace_inverse_steps.yaml").read_text(encoding="utf-8")
    spec.write_text(seed.replace("tr(-X^-1 * dX * X^-1)", "tr(X^-1 * dX * X^-1)"), encoding="utf-8")
    md = pipeline.render_tex(pipeline.run(spec), "md")
    assert "&\\neq \\operatorname{tr}(X^{-1}\\,\\mathrm{d}X\\,X^{-1})" in md
    assert "\\textcolor{red}{\\textbf{false}, relative discrepancy $2$}" in md
    assert katex_errors(formulas(md)) == [None] * len(formulas(md))


def test_a_long_chain_goes_on_in_displays_within_the_budget():
    """A chain longer than one display can hold (KaTeX's maxExpand) goes on below, in order."""
    from markupsafe import Markup

    from gen.render.chains import Line
    from gen.render.markdown import DISPLAY_BUDGET, displays

    rhs = Markup("x + " * (DISPLAY_BUDGET // 40))
    lines = tuple(
        Line(Markup(""), Markup("="), rhs, "", Markup(""), "", Markup(str(k)), None) for k in range(12)
    )
    groups = displays(lines)
    assert len(groups) > 1 and sum(groups, ()) == lines
    assert all(sum(len(x.rhs) + len(x.why) for x in g) <= DISPLAY_BUDGET for g in groups)
    assert displays(lines[:2]) == [lines[:2]]  # a short chain stays one display
