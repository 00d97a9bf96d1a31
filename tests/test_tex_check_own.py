"""derivtex's own appendix snippets, every catalog spec, read by ``derivtex check``: its own verified
proofs must raise no false alarm (issue 18: "a paper with two appendix snippets of derivtex's own is
checked clean", for any two)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import DERIVATIONS, checked_in_paper, invoke

from gen.texcheck.check import check_file

ALARMS = ("does not follow", "shape error", "not understood")
# The snippets that still raise one (the first alarm's kind above each group): notation the checker
# does not read yet, not a wrong proof. The list may only shrink: a snippet that checks clean must
# leave it.
KNOWN = {
    # shape error: the prose states numerator layout for the partial derivative, which `layout
    # numerator` would apply to its gradient too
    "quadratic_form_numerator",
}


def test_every_catalog_snippet_checks_without_false_alarms(tmp_path):
    specs = sorted(DERIVATIONS.glob("*.yaml"))
    # a budget far above any spec's: on a loaded machine the default 20 s stopped the build (the
    # wall clock must not decide a test)
    options = ("--to", "tex", "--template", "appendix", "--timeout", 3600)
    built = invoke("build", DERIVATIONS, *options, "-o", tmp_path)
    assert built.exit_code == 0, built.output
    alarmed, unexplained, verified = set(), [], 0
    for spec in specs:
        with np.errstate(all="ignore"):
            result = check_file(Path(tmp_path) / f"{spec.stem}.tex")
        assert not result.problems, result.problems
        verified += sum(o.status == "ok" for o in result.outcomes)
        alarmed |= {spec.stem for o in result.outcomes if o.status in ALARMS}
        silent = [o.line for o in result.outcomes if o.status == "cannot check" and not o.message]
        unexplained += [(spec.stem, line) for line in silent]
    assert verified >= 5 * len(specs), "the snippets' links are read and verified, not only skipped"
    assert not unexplained, "a 'cannot check' always says why"
    assert alarmed - KNOWN == set(), "derivtex's own verified proof raised a false alarm"
    assert KNOWN - alarmed == set(), "these snippets check clean now: take them off KNOWN"


# --- the mechanisms, each on a small document ------------------------------------------------------


def statuses(tmp_path: Path, body: str) -> list[str]:
    return [o.status for o in checked_in_paper(tmp_path, body)]


def test_a_first_row_in_mathrlap_is_the_chain_s_left_side(tmp_path):
    # Magnus and Neudecker, Matrix Differential Calculus (3rd ed.), ch. 8: d tr(X^T X) = 2 tr(X^T dX)
    body = r"""% derivtex: X: m x n
\begin{align*}
  & \mathrlap{\mathrm{d}\operatorname{tr}(X^{\top}X)} \\
  &= \operatorname{tr}(\mathrm{d}X^{\top}\,X + X^{\top}\mathrm{d}X) && \why{product} \\\whybelow
  &= 2\operatorname{tr}(X^{\top}\,\mathrm{d}X)\whylast
\end{align*}
"""
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("= 2", "= 3")) == ["ok", "does not follow"]


def test_a_row_with_an_open_bracket_goes_on_below(tmp_path):
    # d tr(A X B) = tr(A dX B) (Magnus and Neudecker, ch. 8), broken as derivtex breaks long lines
    body = r"""% derivtex: X: n x n; A: n x n; B: n x n
\begin{align*}
  \mathrm{d}\operatorname{tr}(AXB) &= \operatorname{tr}(A\, && \why{constant factor} \\
  &\quad \cdot \mathrm{d}X\,B) \\
  &= \operatorname{tr}(BA\,\mathrm{d}X)
\end{align*}
"""
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("{tr}(BA", "{tr}(AB")) == ["ok", "does not follow"]


def test_results_set_side_by_side_are_two_statements(tmp_path):
    # the least-squares layer's gradients (Goodfellow, Bengio and Courville, Deep Learning, 6.5.4):
    # grad_W ||Wx + b - y||^2 = 2(Wx + b - y)x^T and grad_b = 2(Wx + b - y), on one line as
    # derivtex sets short results, and as papers do
    body = r"""Let $W \in \mathbb{R}^{m\times n}$, $x \in \mathbb{R}^{n}$, $b, y \in \mathbb{R}^{m}$.
\[
  \nabla_{W} \lVert Wx + b - y\rVert^{2} = 2(Wx + b - y)x^{\top},\quad
  \nabla_{b} \lVert Wx + b - y\rVert^{2} = 2(Wx + b - y).
\]
"""
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("= 2(Wx + b - y).", "= (Wx + b - y).")) == [
        "ok",
        "does not follow",
    ]


def test_a_relation_inside_the_indicator_s_brackets_does_not_split_the_side(tmp_path):
    # d relu(a) = I[a > 0] ∘ da (Goodfellow, Bengio and Courville, Deep Learning, 6.3.1)
    body = r"""Let $a \in \mathbb{R}^{h}$ and $W \in \mathbb{R}^{k\times h}$.
\begin{align*}
  \mathrm{d}(W\operatorname{relu}(a)) &= W(\mathbb{I}[a > 0] \circ \mathrm{d}a)
\end{align*}
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("[a > 0]", "[a > 1]")) == ["does not follow"]


def test_a_row_stochastic_matrix_has_rows_that_sum_to_one(tmp_path):
    # the batch cross-entropy gradient's last step (Goodfellow, Bengio and Courville, Deep Learning,
    # 6.2.2.3, over a batch): each row of the targets Y sums to one, so X^T (Y 1) = X^T 1
    body = r"""Let $X \in \mathbb{R}^{b\times n}$, and let $Y \in \mathbb{R}^{b\times k}$ be row-stochastic.
\begin{align*}
  X^{\top}Y\mathbf{1} &= X^{\top}\mathbf{1}
\end{align*}
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("be row-stochastic", "be given")) == ["does not follow"]
    # its columns need not sum to one
    square = r"""Let $Y \in \mathbb{R}^{k\times k}$ be row-stochastic.
\begin{align*}
  \mathbf{1}^{\top}Y &= \mathbf{1}^{\top}
\end{align*}
"""
    assert statuses(tmp_path, square) == ["does not follow"]


def test_a_letter_that_tends_to_a_number_is_a_number(tmp_path):
    # the difference quotient of the inverse at a finite t, before t -> 0 (the derivation of
    # d(X^{-1}) = -X^{-1} dX X^{-1} in Magnus and Neudecker, ch. 8): (X + tU)^{-1} - X^{-1} =
    # (X + tU)^{-1}(X - (X + tU))X^{-1} = -t (X + tU)^{-1} U X^{-1}, by hand
    display = r"""
\begin{align*}
  \frac{(X + tU)^{-1} - X^{-1}}{t} &= -(X + tU)^{-1}UX^{-1}
\end{align*}
"""
    prose = r"Let $X, U \in \mathbb{R}^{n\times n}$ and write $\lim_{t\to 0}$ for the limit." + display
    assert statuses(tmp_path, prose) == ["ok"]
    assert statuses(tmp_path, prose.replace("-(X + tU)^{-1}UX", "-(X + tU)^{-1}U(X + tU)")) == [
        "does not follow"
    ]
    # without the limit, t is a vector by the lowercase convention, and a vector cannot scale U
    assert statuses(tmp_path, prose.replace(r"and write $\lim_{t\to 0}$ for the limit", "")) == [
        "shape error"
    ]
    # a membership says more than a limit: t \in R^n stays a vector
    vector = prose.replace("for the limit", r"for the limit, with $t \in \mathbb{R}^{n}$")
    assert statuses(tmp_path, vector) == ["shape error"]


def test_a_symmetric_variable_moves_in_symmetric_directions(tmp_path):
    # Srinivasan and Panda, "What is the gradient of a scalar function of a symmetric matrix?"
    # (2020), eq. (2): within symmetric matrices the gradient of tr(AX) is (A + A^T)/2
    body = r"""Let $A \in \mathbb{R}^{n\times n}$, and let $X \in \mathbb{R}^{n\times n}$ be symmetric. Then
\[ \nabla_{X} \operatorname{tr}(AX) = \tfrac{1}{2}(A + A^{\top}). \]
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("A + A^{\\top}", "A - A^{\\top}")) == ["does not follow"]
    general = body.replace(" be symmetric", "")  # any direction: the gradient is A^T, not (A + A^T)/2
    assert statuses(tmp_path, general) == ["does not follow"]


def test_the_jacobian_derivtex_prints_is_checked_through_its_differential(tmp_path):
    # Magnus and Neudecker, ch. 9, table 9.2: d vec(AXB) = (B^T ⊗ A) d vec X; d(Ax) = A dx
    body = r"""Let $A \in \mathbb{R}^{m\times n}$, $X \in \mathbb{R}^{n\times p}$,
$B \in \mathbb{R}^{p\times q}$ and $x \in \mathbb{R}^{n}$.
\[ \frac{\partial \operatorname{vec}(AXB)}{\partial (\operatorname{vec}X)^{\top}} = B^{\top} \otimes A \]
\[ \frac{\partial Ax}{\partial x^{\top}} = A \]
"""
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("B^{\\top} \\otimes A", "A \\otimes B^{\\top}").replace("= A \\]", "= 2A \\]")
    assert "ok" not in statuses(tmp_path, wrong)


def test_a_derivative_by_a_number_is_checked_and_a_second_one_cannot_be(tmp_path):
    # Jacobi's formula (Magnus and Neudecker, ch. 8): d/dt det(A + tB) = det(A + tB) tr((A + tB)^{-1} B);
    # d/dt (A + tB)^{-1} = -(A + tB)^{-1} B (A + tB)^{-1} (ibid.)
    body = r"""Let $t \in \mathbb{R}$, $A \in \mathbb{R}^{n\times n}$ and $B \in \mathbb{R}^{n\times n}$.
\[ \frac{\mathrm{d}}{\mathrm{d}t} \det(A + tB) = \det(A + tB)\,\operatorname{tr}((A + tB)^{-1}B) \]
\[ \frac{\mathrm{d}}{\mathrm{d}t} (A + tB)^{-1} = -(A + tB)^{-1}B(A + tB)^{-1} \]
\[ \frac{\mathrm{d}^{2}}{\mathrm{d}t^{2}} \log\det(A + tB) = 0 \]
\[ \nabla^{2}_{X} \log\det(X) = 0 \]
"""
    # a Hessian is checked through the second differential (tests/test_tex_notation.py): log det X's
    # is -(X^{-1} ⊗ X^{-T})K, not 0 (Magnus and Neudecker, Table 10.2)
    assert statuses(tmp_path, body) == ["ok", "ok", "cannot check", "does not follow"]
    wrong = body.replace("-(A + tB)^{-1}B(A + tB)^{-1}", "-(A + tB)^{-1}(A + tB)^{-1}B")
    assert statuses(tmp_path, wrong)[1] == "does not follow"


def test_a_reason_column_declares_nothing(tmp_path):
    # derivtex's own product_of_linear_forms: the reason "tr(a) = a for a ∈ ℝ" speaks of its identity's
    # letter; read as a declaration it made the paper's a ∈ ℝⁿ a number, a false shape error
    body = r"""Let $a, x \in \mathbb{R}^{n}$.
\begin{align*}
  \mathrm{d}(x^{\top}a\,a^{\top}x) &= 2(a^{\top}x)\,a^{\top}\mathrm{d}x
    && \text{trace of a number: $\operatorname{tr}(a) = a$ for $a \in \mathbb{R}$}
\end{align*}
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("= 2(a", "= (a")) == ["does not follow"]
