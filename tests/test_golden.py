"""Golden .tex: the rendered seed document, byte for byte (regenerate with ``pytest --update-golden``)."""

from pathlib import Path

import pytest

from gen import pipeline

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ["trace_inverse"])
def test_rendered_tex_matches_golden(name, update_golden):
    outcome = pipeline.run(ROOT / "derivations" / f"{name}.yaml")
    assert outcome.report.ok
    tex = pipeline.render_tex(outcome)
    assert pipeline.render_tex(pipeline.run(ROOT / "derivations" / f"{name}.yaml")) == tex  # deterministic
    golden = GOLDEN / f"{name}.tex"
    if update_golden:
        golden.write_text(tex, encoding="utf-8")
        pytest.skip(f"rewrote {golden.relative_to(ROOT)}")
    assert golden.exists(), f"no golden file yet: run pytest {__file__} --update-golden"
    assert tex == golden.read_text(encoding="utf-8")


def test_golden_reads_as_a_proof():
    tex = (GOLDEN / "trace_inverse.tex").read_text(encoding="utf-8")
    assert r"\nabla_{X} \operatorname{tr}(X^{-1}) = -(X^{-2})^{\top}." in tex
    rows = [line for line in tex.splitlines() if "&=" in line]
    assert len(rows) >= 5 and all(r"&& \why{" in row for row in rows)
    assert "has the wrong sign" in tex
