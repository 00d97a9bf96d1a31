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


# Bishop, Pattern Recognition and Machine Learning (2006), eq. (2.121): the log-likelihood of a
# Gaussian's mean, here as a density the front end cannot read (its arguments elided).
UNREADABLE_PROSE = r"""\documentclass{article}
\begin{document}
Let $L(\mu) = \ln p\left( x_1, \dots, x_n \,\middle|\, \mu \right)$.
\[ \frac{\partial L(\mu)}{\partial \mu} = \Sigma^{-1}(x - \mu) \]
\end{document}
"""


def test_a_definition_in_the_prose_is_quoted_as_written_with_its_line(tmp_path):
    """LaTeX quoted in a message keeps its single backslashes (no Python repr), and the message
    names the line of the prose where the definition the author would rewrite is."""
    path = tmp_path / "prose.tex"
    path.write_text(UNREADABLE_PROSE)
    lines = invoke("check", path).output.splitlines()
    assert lines[0] == (
        f"{path}:4: cannot check: L is defined in the prose (line 3) as "
        r"'\ln p\left( x_1, \dots, x_n \,\middle|\, \mu \right)', which cannot be read: "
        "p(…), a density or conditional probability, is probability notation, not a matrix expression "
        "derivtex can check"
    )
    assert lines[1] == r"    \[ \frac{\partial L(\mu)}{\partial \mu} = \Sigma^{-1}(x - \mu) \]"
    assert lines[2:] == [
        f"{path}:4: chain of 1 link: 0 verified, 1 not checked",
        f"{path}: 1 link: 0 verified, 1 not checked",
    ]


def test_the_summary_agrees_with_its_count():
    """``1 does not follow`` but ``2 do not follow``; the parts add up to the total."""
    from types import SimpleNamespace

    from gen.texcheck.report import summary

    statuses = ("ok", "does not follow", "does not follow", "cannot check")
    outcomes = [SimpleNamespace(status=s) for s in statuses]
    assert summary(outcomes) == "4 links: 1 verified, 2 do not follow, 1 not checked"
    assert summary(outcomes[:2]) == "2 links: 1 verified, 1 does not follow"
