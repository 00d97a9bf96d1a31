"""Specs typeset to PDF. Skipped without TeX, except under CI (CI set), where missing TeX fails."""

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import every_method

from gen import pipeline
from gen.cli import main
from gen.render.pdf import typeset
from gen.spec.keys import load_spec

DERIVATIONS = Path(__file__).parent.parent / "derivations"
SEED = DERIVATIONS / "trace_inverse.yaml"


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
    overfull = [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]
    assert not overfull


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
