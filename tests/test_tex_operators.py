"""Operators and applications the LaTeX checker reads (issue 18): the norm of a number, Julia's
entrywise ``.*``, a defined function applied to an argument, ``f'(x)[v]`` and a linear map applied
with brackets, and entrywise functions checked where their argument lies in the domain. Each
published answer is written down here and checked independently (numpy, finite differences) before
the checker sees it, so a wrong expected value cannot pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gen.texcheck.check import check_file

RNG = np.random.default_rng(11)


def outcomes(tmp_path: Path, body: str):
    path = tmp_path / "paper.tex"
    path.write_text(f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\\end{{document}}\n")
    with np.errstate(all="ignore"):
        return check_file(path).outcomes


def statuses(tmp_path: Path, body: str) -> list[str]:
    return [o.status for o in outcomes(tmp_path, body)]


def directional(f, x, v, h=1e-6):
    """f'(x)[v] = d/dt f(x + t v) at 0, by central differences (independent of derivtex)."""
    return (f(x + h * v) - f(x - h * v)) / (2 * h)


# --- the norm of a 1×1 quantity ------------------------------------------------------------------


def test_the_norm_of_a_number_is_its_absolute_value(tmp_path):
    # Zhou, Machine Learning (2016), §3.4, eqs. 3.32-3.35 (Fisher's LDA): with S_b = (μ₀ − μ₁)(μ₀ − μ₁)ᵀ,
    # ‖wᵀμ₀ − wᵀμ₁‖₂² = wᵀ S_b w: the norm of the number wᵀμ₀ − wᵀμ₁ is its absolute value
    w, m0, m1 = RNG.standard_normal((3, 5))
    assert np.isclose(np.linalg.norm(np.atleast_1d(w @ m0 - w @ m1)) ** 2, w @ np.outer(m0 - m1, m0 - m1) @ w)
    body = (
        "% derivtex: w, \\mu_0, \\mu_1: d\n"
        "\\[ \\|w^T\\mu_0 - w^T\\mu_1\\|_2^2 = w^T(\\mu_0 - \\mu_1)(\\mu_0 - \\mu_1)^T w \\]\n"
        "\\[ \\|w^T\\mu_0 - w^T\\mu_1\\|_2^2 = w^T(\\mu_0 + \\mu_1)(\\mu_0 - \\mu_1)^T w \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow"]
