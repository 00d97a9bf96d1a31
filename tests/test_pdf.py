"""Specs typeset to PDF. Skipped without TeX, except under CI (CI set), where missing TeX fails."""

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import every_method

from gen import pipeline
from gen.cli import main
from gen.render.appendix import extra_files, preview
from gen.render.pdf import typeset
from gen.spec.keys import load_spec

DERIVATIONS = Path(__file__).parent.parent / "derivations"
SEED = DERIVATIONS / "trace_inverse.yaml"
# Long, realistic material (issue 16): published ML derivations, and the realistic specs if any
TESTS = Path(__file__).parent
LONG = [  # less what the engine refuses today (tests/test_realistic.py holds those to their message)
    p
    for p in sorted((TESTS / "published_ml").glob("*.yaml")) + sorted((TESTS / "realistic").glob("*.yaml"))
    if "# refused today:" not in p.read_text(encoding="utf-8")
]


def overfull(log: str) -> list[str]:
    """LaTeX's complaints of a line into the margin."""
    return [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]


@pytest.fixture(autouse=True)
def tex(latex_tools):
    """Every test here needs TeX."""


def test_build_pdf_through_the_cli(tmp_path):
    result = CliRunner().invoke(main, ["build", "--to", "pdf", "-o", str(tmp_path), str(SEED)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "trace_inverse.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Proposition" in words and "Proof" in words
    for title in ("Proof by differentials", "Proof by the directional derivative", "Proof entry by entry"):
        assert title in words
    assert "has the wrong sign" in words


def test_seed_typesets_without_overfull_boxes(tmp_path):
    _, log = typeset(pipeline.render_tex(pipeline.run(SEED)), tmp_path)
    assert "Output written" in log  # a real LaTeX log
    assert "Overfull \\hbox" not in log


@pytest.mark.parametrize("path", sorted(DERIVATIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_spec_by_every_method_typesets_without_overfull_boxes(path, tmp_path):
    spec = every_method(load_spec(path))
    outcome = pipeline.run_spec(spec)
    _, log = typeset(pipeline.render_tex(outcome), tmp_path)
    assert not overfull(log)


@pytest.fixture(scope="module")
def long_outcomes():
    """The long specs, each by every method that applies."""
    return [pipeline.run_spec(every_method(load_spec(path))) for path in LONG]


@pytest.mark.parametrize("template", ["article", "beamer"])
@pytest.mark.parametrize("index", range(len(LONG)), ids=[p.stem for p in LONG])
def test_long_material_typesets_without_overfull_boxes(long_outcomes, index, template, tmp_path):
    _, log = typeset(pipeline.render_tex(long_outcomes[index], template), tmp_path)
    assert not overfull(log)


def test_long_material_as_notes_and_appendices_typesets_without_overfull_boxes(long_outcomes, tmp_path):
    _, log = typeset(pipeline.render_notes(long_outcomes), tmp_path / "notes")
    assert not overfull(log)
    snippets = {f"d{i}.tex": pipeline.render_tex(o, "appendix") for i, o in enumerate(long_outcomes)}
    document = preview(tuple(name.removesuffix(".tex") for name in snippets))
    _, log = typeset(document, tmp_path / "appendix", {**snippets, **extra_files()})
    assert not overfull(log)


def test_a_justification_too_long_for_its_column_goes_below_its_line(tmp_path):
    reason = "a reason far too long to sit beside its formula on one row of the page, " * 2
    spec = tmp_path / "why.yaml"
    spec.write_text(
        "symbols:\n  X: {shape: [n, n]}\nfunction: tr(X)\nwrt: X\nsteps:\n  - {expr: d(tr(X))}\n"
        f"  - {{expr: tr(dX), why: '{reason}'}}\n  - {{expr: tr(I*dX), why: short}}\n",
        encoding="utf-8",
    )
    pdf, log = typeset(pipeline.render_tex(pipeline.run(spec)), tmp_path)
    assert not overfull(log)
    (tmp_path / "why.pdf").write_bytes(pdf)
    rows = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "why.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    long_row = next(i for i, row in enumerate(rows) if "far too long" in row)
    assert "tr(dX)" not in rows[long_row]  # on a row of its own, not wrapped beside the formula
    assert any("tr(dX)" in row for row in rows[long_row - 2 : long_row])  # just below its line
    assert any("short" in row and "tr(" in row for row in rows)  # a short one stays beside


def test_mathematical_characters_in_a_title_typeset(tmp_path):
    spec = tmp_path / "unicode.yaml"
    spec.write_text(
        "title: Gradient of ‖AX − B‖² for σ ≤ 1, with Xᵀ and ∇\n"
        "symbols:\n  X: {shape: [n, n]}\nfunction: norm(X)^2\nwrt: X\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", "--to", "pdf", "-o", str(tmp_path / "out"), str(spec)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "unicode.pdf").read_bytes().startswith(b"%PDF")


NETWORK = """\
title: Two-layer network
symbols: {W1: {shape: [h, n]}, b1: {shape: [h]}, W2: {shape: [k, h]}, x: {shape: [n]}, y: {shape: [k]}}
function: -y^T * log(softmax(W2 * tanh(W1*x + b1)))
wrt: [W1, b1, W2]
"""


@pytest.mark.parametrize("methods", ["", "methods: [backprop]\n"], ids=["differentials", "backprop"])
def test_the_two_layer_network_of_issue_16_fits_on_one_page(methods, tmp_path):
    """Issue 16's acceptance figure: the network, written as a user would, is one page of PDF, its
    references included, by differentials (the default) and by backpropagation."""
    spec = tmp_path / "net.yaml"
    spec.write_text(NETWORK + methods, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--to", "pdf", "-o", str(tmp_path / "out"), str(spec)])
    assert result.exit_code == 0, result.output
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "out" / "net.pdf")], capture_output=True, text=True, check=True
    )
    pages = next(line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    assert pages == "1"
