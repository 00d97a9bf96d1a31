"""``derivtex check FILE.tex`` as the paper's author reads it: the exact lines of the report, with
nothing in them the author did not write or cannot act on (issue 18)."""

from __future__ import annotations

import numpy as np
from helpers import invoke

# The Matrix Cookbook (Petersen & Pedersen, 2012), eq. (81): the Hessian of xᵀBx is B + Bᵀ.
COOKBOOK_81 = r"""\documentclass{article}
\begin{document}
\[ \nabla^{2}_{x}\, x^{\top} B x = B + B^{\top} \]
\end{document}
"""


def test_cookbook_81_by_finite_differences():
    """The published Hessian, independently of the checker: central differences of the gradient."""
    rng = np.random.default_rng(0)
    B, x, h = rng.standard_normal((3, 3)), rng.standard_normal(3), 1e-6
    gradient = lambda y: (B + B.T) @ y  # noqa: E731  (Cookbook eq. (69))
    f = lambda y: y @ B @ y  # noqa: E731
    assert all(abs((f(x + h * e) - f(x - h * e)) / (2 * h) - gradient(x) @ e) < 1e-6 for e in np.eye(3))
    H = np.column_stack([(gradient(x + h * e) - gradient(x - h * e)) / (2 * h) for e in np.eye(3)])
    assert np.allclose(H, B + B.T, atol=1e-6)


def test_a_hessians_second_direction_is_no_convention_of_the_paper(tmp_path):
    """The checker compares d²f[dx, v] with vᵀH dx for a direction v it names itself: the report
    states conventions about the author's symbols only, not about v_0."""
    path = tmp_path / "hessian.tex"
    path.write_text(COOKBOOK_81)
    result = invoke("check", path)
    assert result.output.splitlines() == [
        f"{path}:3: chain of 1 link: 1 verified",
        f"{path}: conventions applied: B: a matrix (uppercase); x: a column vector (Latin lowercase)",
        f"{path}: 1 link: 1 verified",
    ]
