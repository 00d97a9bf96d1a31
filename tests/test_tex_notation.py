"""Notation of papers the LaTeX checker reads (issue 18): Hessians and second differentials, Leibniz
fractions, evaluation bars, elided products and probability notation. Each published answer is
written down here and checked independently by finite differences before the checker sees it, so a
wrong expected value cannot pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import DERIVATIONS, checked_in_paper, invoke, paper

from gen.texcheck.check import check_file

RNG = np.random.default_rng(7)


def outcomes(tmp_path: Path, body: str):
    return checked_in_paper(tmp_path, body)


def statuses(tmp_path: Path, body: str) -> list[str]:
    return [o.status for o in outcomes(tmp_path, body)]


def second_differential(f, X, U, V, h=1e-3):
    """d²f[U, V] = ∂²/∂s∂t f(X + sU + tV) at 0, by central differences (independent of derivtex)."""
    at = lambda s, t: f(X + s * U + t * V)  # noqa: E731
    return (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)


def vec(A):
    return A.reshape(-1, order="F")


def commutation(n):
    return np.eye(n * n)[np.arange(n * n).reshape((n, n), order="F").ravel()]


def logdet(X):
    return np.linalg.slogdet(X)[1]


# --- 1. Hessians and the second differential -------------------------------------------------------


def test_published_hessian_of_log_det_is_the_second_differential():
    # Magnus and Neudecker, Matrix Differential Calculus (3rd ed.), ch. 10 (Table 10.2): for
    # φ(X) = log|X|, d²φ = −tr(X⁻¹ dX X⁻¹ dX) and the Hessian is −K_n (X'⁻¹ ⊗ X⁻¹)
    n = 4
    X = RNG.standard_normal((n, n)) + n * np.eye(n)
    U, V = RNG.standard_normal((2, n, n))
    Xi = np.linalg.inv(X)
    H = -commutation(n) @ np.kron(Xi.T, Xi)
    numeric = second_differential(logdet, X, U, V)
    assert np.isclose(vec(V) @ H @ vec(U), numeric, rtol=1e-5)
    assert np.isclose(-np.trace(Xi @ U @ Xi @ V), numeric, rtol=1e-5)


HESSIANS = r"""Let $X \in \mathbb{R}^{n\times n}$ with $\det X > 0$.
\[ \nabla^{2}_{X} \log\det(X) = -K_{nn}(X^{-\top} \otimes X^{-1}) \]
\[ \nabla_{X}^{2} \log\det X = -(X^{-1} \otimes X^{-\top})K_{nn} \]
"""


def test_a_hessian_is_checked_through_the_second_differential(tmp_path):
    assert statuses(tmp_path, HESSIANS) == ["ok", "ok"]
    # the transpose dropped (K_nn left out) and the sign flipped are caught
    assert statuses(tmp_path, HESSIANS.replace("-K_{nn}", "-")) == ["does not follow", "ok"]
    assert statuses(tmp_path, HESSIANS.replace("= -(", "= (")) == ["ok", "does not follow"]


def test_the_hessian_of_least_squares(tmp_path):
    # Magnus and Neudecker, ch. 10: φ(X) = ‖AX − B‖²_F = tr((AX − B)'(AX − B)) has
    # d²φ = 2 tr(dX' A'A dX), the Hessian 2(I_m ⊗ A'A) for X n×m
    n, m, p = 3, 2, 4
    A, B = RNG.standard_normal((p, n)), RNG.standard_normal((p, m))
    X, U, V = RNG.standard_normal((3, n, m))
    H = 2 * np.kron(np.eye(m), A.T @ A)
    numeric = second_differential(lambda Y: np.sum((A @ Y - B) ** 2), X, U, V)
    assert np.isclose(vec(V) @ H @ vec(U), numeric, rtol=1e-5)
    body = r"""Let $X \in \mathbb{R}^{n\times m}$, $A \in \mathbb{R}^{p\times n}$,
$B \in \mathbb{R}^{p\times m}$.
\[ \nabla^{2}_{X} \lVert AX - B\rVert_{F}^{2} = 2(I_{m} \otimes (A^{\top}A)) \]
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("= 2(", "= 3(")) == ["does not follow"]


BILINEAR = r"""Let $X \in \mathbb{R}^{n\times n}$, $U, V \in \mathbb{R}^{n\times n}$.
% derivtex: f(X) := \log\det X
\begin{align*}
  \mathrm{d}^{2}f[U, V] &= \operatorname{tr}(-X^{-1}UX^{-1}V) \\
  &= -\operatorname{tr}(X^{-1}UX^{-1}V)
\end{align*}
\[ \mathrm{d}^{2}f = -\operatorname{tr}(X^{-1}\,\mathrm{d}X\,X^{-1}\,\mathrm{d}X) \]
"""


def test_the_bilinear_form_and_the_quadratic_form_of_the_second_differential(tmp_path):
    # the same published d²φ (Magnus and Neudecker, Table 10.2), as derivtex's appendix states it
    assert statuses(tmp_path, BILINEAR) == ["ok", "ok", "ok"]
    wrong = BILINEAR.replace("(-X^{-1}U", "(X^{-1}U")
    assert statuses(tmp_path, wrong) == ["does not follow", "does not follow", "ok"]
    wrong = BILINEAR.replace("= -\\operatorname{tr}(X^{-1}\\,", "= \\operatorname{tr}(X^{-1}\\,")
    assert statuses(tmp_path, wrong) == ["ok", "ok", "does not follow"]


def test_only_the_symmetric_bilinear_form_passes(tmp_path):
    # an antisymmetric term vanishes on the diagonal U = V: with U and V drawn apart it is caught
    extra = r" + \operatorname{tr}(U)\operatorname{tr}(V^{\top}X)"
    extra += r" - \operatorname{tr}(V)\operatorname{tr}(U^{\top}X)"
    body = BILINEAR.replace(r"UX^{-1}V) \\", r"UX^{-1}V)" + extra + r" \\")
    assert statuses(tmp_path, body)[0] == "does not follow"
    # a constant or a linear term added to a quadratic form is caught by its polar form
    for term in (" + 1", r" + \operatorname{tr}(\mathrm{d}X)"):
        quadratic = BILINEAR.replace(r"\,\mathrm{d}X) \]", r"\,\mathrm{d}X)" + term + r" \]")
        assert statuses(tmp_path, quadratic)[-1] == "does not follow"


def test_a_symmetric_variable_s_hessian_uses_symmetric_directions(tmp_path):
    # Magnus and Neudecker, ch. 10: for symmetric X, d²log|X| = −tr(X⁻¹ dX X⁻¹ dX) still; with
    # symmetric U, V the form holds, and X⁻ᵀ = X⁻¹ may be used
    body = r"""Let $X \in \mathbb{R}^{n\times n}$ be symmetric positive definite,
$U, V \in \mathbb{R}^{n\times n}$.
% derivtex: f(X) := \log\det X
\[ \mathrm{d}^{2}f[U, V] = -\operatorname{tr}(X^{-\top}U^{\top}X^{-1}V) \]
"""
    assert statuses(tmp_path, body) == ["ok"]


def test_an_undefined_function_s_second_differential_cannot_be_checked_and_says_why(tmp_path):
    body = r"""Let $X \in \mathbb{R}^{n\times n}$, $U, V \in \mathbb{R}^{n\times n}$.
\[ \mathrm{d}^{2}f[U, V] = \operatorname{tr}(-X^{-1}UX^{-1}V) \]
\[ \nabla^{2}_{X} f = -(X^{-1} \otimes X^{-\top})K_{nn} \]
"""
    found = outcomes(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "cannot check"]
    assert all("% derivtex: f(X) :=" in o.message for o in found)


# derivtex's own appendix snippets state f in the proposition's prose; declared, every Hessian and
# bilinear-form link is verified (the covariance's variable is symmetric: symmetric directions)
DECLARED = {
    "hessian_gaussian_covariance": r"f(\Sigma) := \tfrac{1}{2}\log\det(\Sigma)"
    + r" + \tfrac{1}{2}r^{\top}\Sigma^{-1}r",
    "hessian_trace_inverse": r"f(X) := \operatorname{tr}(X^{-1})",
}


@pytest.mark.parametrize("stem", sorted(DECLARED))
def test_derivtex_s_own_hessians_are_verified_once_f_is_declared(stem, tmp_path):
    spec = DERIVATIONS / f"{stem}.yaml"
    built = invoke("build", spec, "--to", "tex", "--template", "appendix", "--timeout", 300, "-o", tmp_path)
    assert built.exit_code == 0, built.output
    path = tmp_path / f"{stem}.tex"
    text = path.read_text().replace("\\begin{proof}", f"% derivtex: {DECLARED[stem]}\n\\begin{{proof}}", 1)
    path.write_text(text)
    with np.errstate(all="ignore"):
        found = check_file(path).outcomes
    second = [o for o in found if "nabla^{2}" in o.left + o.right or "mathrm{d}^{2}f[" in o.left + o.right]
    assert len(second) >= 2 and all(o.status == "ok" for o in second[1:])  # the first is above the note
    assert not [o for o in found if o.status in ("does not follow", "shape error", "not understood")]


# --- 2. Leibniz fractions ---------------------------------------------------------------------------


def test_a_leibniz_fraction_of_a_defined_function_is_its_gradient(tmp_path):
    # the Matrix Cookbook (Petersen and Pedersen, 2012), eq. (81): ∂(xᵀBx)/∂x = (B + Bᵀ)x
    n = 4
    B, x = RNG.standard_normal((n, n)), RNG.standard_normal(n)
    f = lambda y: y @ B @ y  # noqa: E731
    numeric = np.array([(f(x + 1e-6 * e) - f(x - 1e-6 * e)) / 2e-6 for e in np.eye(n)])
    assert np.allclose((B + B.T) @ x, numeric, rtol=1e-6)
    body = r"""Let $x \in \mathbb{R}^{n}$ and $B \in \mathbb{R}^{n\times n}$.
% derivtex: f := x^{\top}Bx
\[ \frac{df}{dx} = (B + B^{\top})x \]
\[ \frac{\mathrm{d} f}{\mathrm{d} x} = (B + B^{\top})x \]
\[ \frac{d\mathbf{f}}{d\mathbf{x}} = 2Bx \]
"""
    assert statuses(tmp_path, body) == ["ok", "ok", "does not follow"]


def test_a_leibniz_fraction_introducing_notation_is_skipped_with_the_reason(tmp_path):
    # LynnHo/Matrix-Calculus-Tutorial, Identities 1 (tests/tex_corpus/lynnho_identities.tex):
    # dy = (dy/dx) dx introduces the notation; it is never checked, never ok
    body = r"""\begin{align*}
dy &= \frac{dy}{dx}dx \\
dy &= \operatorname{tr}\Big(\frac{\mathrm{d} y}{\mathrm{d}\mathbf{X}}\,d\mathbf{X}\Big)
\end{align*}
"""
    found = outcomes(tmp_path, body)
    assert [o.status for o in found] == ["skipped", "skipped"]
    assert all("Leibniz" in o.message and "\\partial" not in o.message for o in found)


def test_a_leibniz_fraction_of_an_undefined_name_alone_cannot_be_checked(tmp_path):
    found = outcomes(tmp_path, "Let $x \\in \\mathbb{R}^{n}$.\n\\[ \\frac{dy}{dx} = 2x \\]\n")
    assert [o.status for o in found] == ["cannot check"]
    assert "% derivtex: y :=" in found[0].message


# --- 3. evaluation bars -----------------------------------------------------------------------------


BARS = r"""Let $A \in \mathbb{R}^{m\times n}$ and $x \in \mathbb{R}^{n}$.
\[ \mathrm{d}(y^{\top}y)\Big|_{y = Ax} = 2x^{\top}A^{\top}A\,\mathrm{d}x \]
\[ \left. \mathrm{d}(y^{\top}y) \right|_{y = Ax} = 2x^{\top}A^{\top}A\,\mathrm{d}x \]
\[ 2y^{\top}\mathrm{d}y \big\vert_{y = Ax} = 2x^{\top}A^{\top}A\,\mathrm{d}x \]
"""


def test_an_evaluation_bar_composes(tmp_path):
    # LynnHo/Matrix-Calculus-Tutorial, E.g. 2: d(yᵀy)|_{y = Wx + b} = 2yᵀdy|… = 2(Wx + b)ᵀd(Wx + b);
    # here with y = Ax: d(xᵀAᵀAx) = 2xᵀAᵀA dx, checked first by differences
    m, n = 3, 4
    A, x, dx = RNG.standard_normal((m, n)), RNG.standard_normal(n), RNG.standard_normal(n)
    g = lambda z: (A @ z) @ (A @ z)  # noqa: E731
    assert np.isclose((g(x + 1e-6 * dx) - g(x - 1e-6 * dx)) / 2e-6, 2 * x @ A.T @ A @ dx, rtol=1e-6)
    assert statuses(tmp_path, BARS) == ["ok", "ok", "ok"]
    assert statuses(tmp_path, BARS.replace("= 2x", "= x")) == ["does not follow"] * 3


def test_an_evaluation_bar_that_cannot_be_composed_says_why(tmp_path):
    body = r"""Let $X, V \in \mathbb{R}^{n\times n}$ and $t \in \mathbb{R}$.
\[ \frac{d}{dt}\operatorname{tr}(X + tV)\Big|_{t=0} = \operatorname{tr}(V) \]
\[ \mathrm{d}(tX)\Big|_{t = 0} = 0 \]
\[ \operatorname{tr}(X)\Big|_{0} = 0 \]
\[ \operatorname{tr}(Y)\Big|_{Y = X^{\dagger\dagger}} = \operatorname{tr}(X) \]
"""
    found = outcomes(tmp_path, body)
    assert [o.status for o in found] == ["cannot check"] * 4
    assert "at a point" in found[0].message and "ambiguous" in found[1].message
    assert "which symbol takes which value" in found[2].message
    assert "a point that is not an expression" in found[3].message


# --- 4. elisions, 5. probability notation ---------------------------------------------------------


def test_an_elided_product_or_sum_is_not_understood_and_says_why(tmp_path):
    # LynnHo/Matrix-Calculus-Tutorial eq. (11): d(X_1 X_2 ⋯ X_n) = (dX_1)X_2 ⋯ X_n + ⋯; a sum whose
    # terms follow no one index (a_1 + ⋯ + a_n is Σ a_i: tests/test_tex_readings.py)
    body = r"""\[ \mathrm{d}(X_1X_2\cdots X_n) = (\mathrm{d}X_1)X_2 \cdots X_n \]
\[ a + \dots + b = s \]
"""
    found = outcomes(tmp_path, body)
    assert [o.status for o in found] == ["not understood"] * 2
    assert found[0].message.startswith("an elided product (\\cdots) cannot be checked")
    assert found[1].message.startswith(
        "an elided sum (\\dots) whose terms follow no one index cannot be checked"
    )


def test_probability_notation_is_named_never_a_product_of_letters(tmp_path):
    # Bishop, Pattern Recognition and Machine Learning (2006), eq. (2.59) and a covariance; densities
    # p(x \mid \mu) are read as functions (tests/test_tex_probability.py); a correlation is refused
    body = r"""\[ \mathbb{E}[xx^{\top}] = \mu\mu^{\top} + \Sigma \]
\[ \operatorname{Cov}(x) = \Sigma \]
\[ \operatorname{Corr}(x) = \Sigma \]
"""
    found = outcomes(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "cannot check", "not understood"]
    assert "random" in found[0].message and "random" in found[1].message  # E[…], Cov(…): which are random
    assert "probability notation" in found[2].message and "'Corr'" in found[2].message
    # with x declared random and the moments defined as the text defines them, (2.59) holds, and Cov(x)
    # is E[(x - E[x])(x - E[x])ᵀ], Σ
    moments = r"% derivtex: x: n, random; \mu := \mathbb{E}[x]; \Sigma := \mathbb{E}[(x-\mu)(x-\mu)^\top]"
    found = outcomes(tmp_path, moments + "\n" + body)
    assert [o.status for o in found] == ["ok", "ok", "not understood"]
    wrong = body.replace(r"\mu\mu^{\top} + \Sigma", r"\mu\mu^{\top}").replace("Cov}(x) = ", "Cov}(x) = 2")
    assert [o.status for o in outcomes(tmp_path, moments + "\n" + wrong)][:2] == ["does not follow"] * 2


# --- signal-processing notation: x(n) a time step's vector, sums from 0 to N-1, \textbf in math ------


def test_a_declared_time_step_name_is_a_symbol(tmp_path):
    # x(n) x(n)^T w = (w^T x(n)) x(n): x xᵀw = x (xᵀw) and xᵀw = wᵀx, a number; twice that is not
    notes = "% derivtex: \\textbf{w}: M; \\textbf{x}(n): M\n"
    right = r"\[\textbf{x}(n) \textbf{x}^T(n) \textbf{w} = (\textbf{w}^T \textbf{x}(n))\textbf{x}(n)\]"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("= (", "= 2(")) == ["does not follow"]


def test_an_end_value_of_a_declared_time_step_name_defines_no_function(tmp_path):
    # LQ tracking by the HJB equation (n1c0d1ng's notes): the end values K(t_f) = S, s(t_f) = -S x_f of
    # symbols declared with their time, then (Kx + s)^T(Kx + s) expanded at t (by hand: the cross
    # terms are 2 s^T K x with K symmetric); K(t_f) = S is an equation for K(t_f), not K's definition
    notes = "% derivtex: x, x_f: n; S: n x n symmetric; K(t), K(t_f): n x n symmetric; s(t), s(t_f): n\n"
    body = (
        "\\[ K(t_f) = S, \\quad s(t_f) = - S x_f \\]\n"
        "\\[ (K(t)x + s(t))^T (K(t)x + s(t)) = x^T K(t)^T K(t) x + 2 s(t)^T K(t) x + s(t)^T s(t) \\]\n"
    )
    assert statuses(tmp_path, notes + body) == ["skipped", "skipped", "ok"]
    assert statuses(tmp_path, notes + body.replace("+ 2 s(t)^T", "+ s(t)^T")) == [
        "skipped",
        "skipped",
        "does not follow",
    ]


def test_a_time_step_that_a_sum_moves_is_refused(tmp_path):
    # x(n-i) declared as one number cannot stand for the sequence a sum over i runs through
    notes = "% derivtex: w: M; x(n-i), x(n-j): scalar\n"
    body = r"\[ \sum_{i=0}^{M-1} w_i x(n-i) = x(n-i) \sum_{i=0}^{M-1} w_i \]"
    ((found,),) = [outcomes(tmp_path, notes + body)]
    assert found.status == "cannot check"
    assert "changes with the sum's index i" in found.message


def test_a_sum_from_0_to_n_minus_1_runs_over_n_terms(tmp_path):
    # a^T x = Σ_{n=0}^{N-1} a_n x_n (the full range, numbered from 0); with a 2 it does not hold
    notes = "% derivtex: a, x: N\n"
    body = r"\[ a^T x = \sum_{n=0}^{N-1} a_n x_n \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("= \\sum", "= 2\\sum")) == ["does not follow"]


def test_an_acronym_in_text_is_a_quantity_s_name(tmp_path):
    # \text{MSE} names the squared residual ‖Xw − y‖²: ∇_w MSE = 2Xᵀ(Xw − y), by d‖r‖² = 2rᵀdr
    notes = "% derivtex: X: n x d; w: d; y: n\n% derivtex: \\text{MSE} := \\|Xw - y\\|^2\n"
    body = r"\[ \nabla_w \text{MSE} = 2X^T(Xw - y) \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("2X^T", "X^T")) == ["does not follow"]


def test_an_operator_braced_in_a_macro_applies_to_what_follows(tmp_path):
    # \newcommand{\tr}{{\mathrm {tr}}}: tr(AB) = tr(BA); tr(AB) = tr(A)tr(B) is false
    preamble = "\\newcommand{\\tr}{{\\mathrm {tr}}}\n% derivtex: A, B: n x n\n"
    body = r"\[ \tr \left( A B \right) = \tr \left( B A \right) \]"
    assert statuses(tmp_path, preamble + body) == ["ok"]
    wrong = r"\[ \tr \left( A B \right) = \tr \left( A \right) \tr \left( B \right) \]"
    assert statuses(tmp_path, preamble + wrong) == ["does not follow"]


def test_accents_over_roman_letters_and_sign_subscripts_are_names(tmp_path):
    # \tilde{\mathrm T} and \Sigma_- as the EP notes write them, declared "positive definite":
    # (T̃⁻¹ + Σ₋)⁻¹ = T̃(T̃ + Σ₋⁻¹)⁻¹Σ₋⁻¹, checked with NumPy first
    A, B = RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3))
    T, S = A @ A.T + 3 * np.eye(3), B @ B.T + 3 * np.eye(3)
    inv = np.linalg.inv
    assert np.allclose(inv(inv(T) + S), T @ inv(T + inv(S)) @ inv(S))
    notes = "% derivtex: \\tilde{\\mathrm T}, \\Sigma_-: n x n positive definite\n"
    T = r"\tilde{\mathrm T}"
    body = rf"\[ ({T}^{{-1}} + \Sigma_-)^{{-1}} = {T}({T} + \Sigma_-^{{-1}})^{{-1}}\Sigma_-^{{-1}} \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace(r"\Sigma_-^{-1} \]", r"\Sigma_- \]")) == [
        "does not follow"
    ]


def test_a_primed_name_declared_is_a_symbol_not_a_transpose(tmp_path):
    # S' declared n × h beside S (n × n): tr(S'W) = tr(WS') by the trace's cycle; S' read as Sᵀ would
    # not even multiply W (h × n)
    notes = "% derivtex: S: n x n; S': n x h; W: h x n\n"
    body = r"\[ \operatorname{tr}(S' W) = \operatorname{tr}(W S') \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("(W S')", "(2W S')")) == ["does not follow"]


def test_a_name_with_a_plus_above_declared_is_the_next_iterate(tmp_path):
    # x^+ := x + αd (a step): cᵀx⁺ = cᵀx + αcᵀd; with the sign flipped it is not; A^+ undeclared is still
    # refused as a pseudo-inverse, and \varLambda is Λ
    notes = "% derivtex: x, x^+, d, c: n; \\alpha: scalar\n% derivtex: x^+ := x + \\alpha d\n"
    body = r"\[ c^T x^+ = c^T x + \alpha c^T d \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("+ \\alpha c", "- \\alpha c")) == ["does not follow"]
    assert statuses(tmp_path, "% derivtex: A: m x n\n\\[ A^+ A = I \\]") == ["not understood"]
    lam = "% derivtex: \\Lambda: n x n diagonal\n\\[ \\varLambda^T = \\Lambda \\]"
    assert statuses(tmp_path, lam) == ["ok"]


def test_a_function_defined_as_itself_is_the_function(tmp_path):
    # tr(Z) := \operatorname{tr}(Z) names the trace twice: tr(AB) = tr(BA), not 2 tr(BA);
    # a^{<t>} is a step's name
    notes = "% derivtex: A, B: n x n; tr(Z) := \\operatorname{tr}(Z)\n"
    assert statuses(tmp_path, notes + r"\[ tr(AB) = tr(BA) \]") == ["ok"]
    assert statuses(tmp_path, notes + r"\[ tr(AB) = 2tr(BA) \]") == ["does not follow"]
    steps = "% derivtex: a^{<t>}, a^{<t-1>}: n; W: n x n\n"
    assert statuses(tmp_path, steps + r"\[ (W a^{<t-1>})^T a^{<t>} = a^{<t>T} W a^{<t-1>} \]") == ["ok"]


def test_prime_as_a_superscript_and_an_expectation_without_brackets(tmp_path):
    # w_k^\prime := G_k w_k (w_k zero-mean random), Q_k := E[w_k w_kᵀ]: E w' w'ᵀ = G_k Q_k G_kᵀ,
    # \operatorname E taking the product that follows as \operatorname{tr} does; Q_k alone is not it
    notes = (
        "% derivtex: w_k: m, random, zero mean; G_k: n x m; Q_k := E[w_k w_k^T]; w_k^\\prime: n\n"
        "% derivtex: w_k^\\prime := G_k w_k\n"
    )
    body = r"\[ \operatorname{E} w_k^\prime \left(w_k^\prime\right)^T = G_k Q_k G_k^T \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    wrong = "% derivtex: w_k: n, random, zero mean; G_k: n x n; Q_k := E[w_k w_k^T]; w_k^\\prime: n\n"
    wrong += "% derivtex: w_k^\\prime := G_k w_k\n"
    assert statuses(tmp_path, wrong + body.replace("G_k Q_k G_k^T", "Q_k")) == ["does not follow"]


def test_blackboard_matrices_and_styled_unicode_letters(tmp_path):
    # multivariate regression (Johnson & Wichern, Applied Multivariate Statistical Analysis, eq. 7.26;
    # turgeonmaxime's slides write the data \mathbb{X}, \mathbb{Y}): Xᵀ(Y - XB) = XᵀY - XᵀXB, by hand;
    # XXᵀB in its place is a shape error. 𝔼 typed as a character is the expectation (Quarto sources).
    notes = "% derivtex: \\mathbb{X}: n x p; \\mathbb{Y}: n x q; B: p x q; x: n, random; A: q x n\n"
    body = "\\[ \\mathbb{X}^T(\\mathbb{Y} - \\mathbb{X}B) = "
    body += "\\mathbb{X}^T\\mathbb{Y} - \\mathbb{X}^T\\mathbb{X}B \\]\n"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(
        tmp_path, notes + body.replace("- \\mathbb{X}^T\\mathbb{X}B", "- \\mathbb{X}\\mathbb{X}^TB")
    ) == ["shape error"]
    assert statuses(tmp_path, notes + "\\[ 𝔼[A x] = A 𝔼[x] \\]\n") == ["ok"]
    assert statuses(tmp_path, notes + "\\[ 𝔼[A x] = 𝔼[x] \\]\n") != ["ok"]
    # undeclared, \mathbb{X} stays refused: never a free symbol
    assert statuses(tmp_path, "% derivtex: B: p x q\n\\[ \\mathbb{X} B = B \\]\n") == ["not understood"]


def test_a_prime_in_braces_above_is_the_prime(tmp_path):
    # word2vec's output matrix W' (Rong, "word2vec Parameter Learning Explained", 2014, eq. 2), typed
    # W^{'} as anmingyu11's notes do: (W')ᵀh = (hᵀW')ᵀ by the transpose of a product; hᵀW' is a row
    notes = "% derivtex: W': n x m; h: n\n"
    assert statuses(tmp_path, notes + "\\[ (W^{'})^T h = (h^T W^{'})^T \\]\n") == ["ok"]
    assert statuses(tmp_path, notes + "\\[ (W^{'})^T h = h^T W^{'} \\]\n") == ["shape error"]


def test_a_dot_between_two_vectors_is_their_inner_product(tmp_path):
    # PCA as a constrained maximum (jeremy9959's UConn notes, "Critical values of the variance"):
    # S(u, λ) = uᵀDu − λ(u·u − 1); by hand ∇_u S = 2Du − 2λu (D symmetric) and u·v = uᵀv
    notes = "% derivtex: u, v: n; D: n x n symmetric; \\lambda: scalar\n"
    body = r"\[ u^T D u - \lambda(u\cdot u - 1) = u^T D u - \lambda(u \cdot u) + \lambda \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("+ \\lambda \\]", "- \\lambda \\]")) == ["does not follow"]
    grad = r"\[ \nabla_u \left(u^T D u - \lambda(u\cdot u - 1)\right) = 2Du - 2\lambda u \]"
    assert statuses(tmp_path, notes + grad) == ["ok"]
    assert statuses(tmp_path, notes + grad.replace("2\\lambda u", "\\lambda u")) == ["does not follow"]
    # a number times a vector, or a row times a column, stays a product
    assert statuses(tmp_path, notes + r"\[ 2 \cdot u = u + u \]") == ["ok"]
    assert statuses(tmp_path, notes + r"\[ u^T \cdot v = v \cdot u \]") == ["ok"]


def test_an_identity_sized_rows_by_columns(tmp_path):
    # jfrench's linear-model notes write I_{p×p}: (XᵀX)⁻¹XᵀXβ = Iβ = β; I_{p×n} is no identity
    notes = "% derivtex: X: n x p; \\beta: p\n"
    body = r"\[ (X^TX)^{-1}X^TX\beta = \mathbf{I}_{p\times p}\beta = \beta \]"
    assert statuses(tmp_path, notes + body) == ["ok", "ok"]
    doubled = body.replace("= \\beta \\]", "= 2\\beta \\]")
    assert statuses(tmp_path, notes + doubled) == ["ok", "does not follow"]
    assert statuses(tmp_path, notes + r"\[ X \mathbf{I}_{p\times n}\beta = X\beta \]") == ["not understood"]


def test_a_derivative_by_a_number_inside_an_expression(tmp_path):
    # d/dt (A + tB)⁻¹ = −(A + tB)⁻¹ B (A + tB)⁻¹ (The Matrix Cookbook, eq. 59), checked here by central
    # differences first; written inside a sum it is evaluated by the complex step along t
    n, t = 4, 0.3
    A, B = RNG.standard_normal((2, n, n)) + n * np.eye(n)
    inv = lambda s: np.linalg.inv(A + s * B)  # noqa: E731
    h = 1e-6
    assert np.allclose((inv(t + h) - inv(t - h)) / (2 * h), -inv(t) @ B @ inv(t), atol=1e-6)
    notes = "% derivtex: A, B: n x n; t: scalar\n"
    body = r"\[ \frac{\partial (A + tB)^{-1}}{\partial t} + I = I - (A+tB)^{-1} B (A+tB)^{-1} \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("B (A+tB)", "B^T (A+tB)")) == ["does not follow"]
    # of a number: ∂S/∂λ of S := uᵀDu − λ(uᵀu − 1) is 1 − uᵀu, twice that inside a product
    notes = "% derivtex: D: n x n symmetric; u: n; \\lambda: scalar\n"
    notes += "% derivtex: S := u^T D u - \\lambda (u^T u - 1)\n"
    body = r"\[ 2\frac{\partial S}{\partial \lambda} = 2 - 2u^T u \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("2 - 2u", "2 + 2u")) == ["does not follow"]


def test_digits_typed_after_a_letter_name_its_numbered_symbol(tmp_path):
    # l0r3m1psum's backprop notes: ∂f/∂x_2 of log(x_1) + x_1x_2 − sin(x_2) typed "x_1 - \cos(x2)"
    notes = "% derivtex: x_1, x_2: scalar; x_1: positive\n"
    notes += "% derivtex: f := \\log(x_1) + x_1 x_2 - \\sin(x_2)\n"
    body = r"\[ \frac{\partial f}{\partial x_2} = x_1-\cos(x2) \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("-\\cos", "+\\cos")) == ["does not follow"]
    # undeclared, x2 stays x times 2
    assert statuses(tmp_path, "% derivtex: x: scalar\n\\[ x2 = 2x \\]") == ["ok"]


def test_a_variance_named_squared(tmp_path):
    # σ²_B := (1/N) Σ (x_i − μ_B)² (Ioffe and Szegedy, "Batch Normalization", 2015, Algorithm 1) is
    # the mean of squares minus the squared mean, by hand; \sigma^2_B is \sigma_B^2 as LaTeX sets it
    x = RNG.standard_normal(6)
    assert np.isclose(np.mean((x - x.mean()) ** 2), np.mean(x**2) - x.mean() ** 2)
    notes = "% derivtex: x: N\n% derivtex: \\mu_B := \\frac{1}{N} \\sum_{i=1}^N x_i\n"
    notes += "% derivtex: \\sigma^2_B := \\frac{1}{N} \\sum_{i=1}^N (x_i - \\mu_B)^2\n"
    body = r"\[ \sigma^2_B = \frac{1}{N}\sum_{i=1}^N x_i^2 - \mu_B^2 \]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("- \\mu_B^2", "+ \\mu_B^2")) == ["does not follow"]
    assert statuses(tmp_path, notes + body.replace("\\sigma^2_B =", "\\sigma_B^2 =")) == ["ok"]


def batchnorm_backward(x, g, gamma, eps):
    """∂l/∂x of l = gᵀy, y = γ x̂ + β (Ioffe and Szegedy's batch normalization of one feature), by
    central differences: any loss with upstream gradient g has this input gradient."""

    def loss(v):
        xhat = (v - v.mean()) / np.sqrt(v.var() + eps)
        return g @ (gamma * xhat)

    h, out = 1e-6, np.zeros_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (loss(x + e) - loss(x - e)) / (2 * h)
    return out


def test_a_declared_upstream_gradient_reads_the_loss_to_first_order(tmp_path):
    # the batch-norm backward pass (Ioffe and Szegedy 2015, §3; costapt's and cthorey's notes write
    # it so): ∂l/∂x_i = γ/(N√(σ²+ε)) (N ∂l/∂y_i − Σ_j ∂l/∂y_j − x̂_i Σ_j ∂l/∂y_j x̂_j), checked here
    # against central differences before derivtex reads it; the text never writes l, only ∂l/∂y
    N, gamma, eps = 5, 1.7, 0.1
    x, g = RNG.standard_normal((2, N))
    xhat = (x - x.mean()) / np.sqrt(x.var() + eps)
    formula = gamma / (N * np.sqrt(x.var() + eps)) * (N * g - g.sum() - xhat * (g @ xhat))
    assert np.allclose(batchnorm_backward(x, g, gamma, eps), formula, atol=1e-6)
    notes = (
        "% derivtex: x: N; \\gamma, \\beta, \\epsilon: scalar; \\frac{\\partial l}{\\partial y}: N\n"
        "% derivtex: \\mu_B := \\frac{1}{N} \\sum_{i=1}^N x_i\n"
        "% derivtex: \\sigma^2_B := \\frac{1}{N} \\sum_{i=1}^N (x_i - \\mu_B)^2\n"
        "% derivtex: \\hat{x} := \\frac{x - \\mu_B}{\\sqrt{\\sigma^2_B + \\epsilon}}\n"
        "% derivtex: y := \\gamma \\hat{x} + \\beta\n"
    )
    body = (
        r"\[ \frac{\partial l}{\partial x_i} = \frac{\gamma}{N\sqrt{\sigma_B^2+\epsilon}}"
        r"\left(N\frac{\partial l}{\partial y_i} - \sum_{j=1}^N \frac{\partial l}{\partial y_j}"
        r" - \hat{x}_i\sum_{j=1}^N\frac{\partial l}{\partial y_j}\hat{x}_j\right) \]"
    )
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("- \\hat{x}_i", "+ \\hat{x}_i")) == ["does not follow"]
    beta = r"\[ \frac{\partial l}{\partial \beta} = \sum_{i=1}^N \frac{\partial l}{\partial y_i} \]"
    assert statuses(tmp_path, notes + beta) == ["ok"]
    assert statuses(tmp_path, notes + beta.replace("= \\sum", "= 2\\sum")) == ["does not follow"]
    # the gradient has the variable's shape: declared otherwise, the annotation is refused
    clash = "% derivtex: y: N; \\frac{\\partial l}{\\partial y}: N x N\n\\[ y = y \\]"
    assert "has the shape of y" in " ".join(p.message for p in check_file(paper(tmp_path, clash)).problems)


def test_a_dimension_written_as_a_number_is_its_size(tmp_path):
    # cthorey's batch-norm notes: h is N × H and μ_l = (1/N) Σ_p h_pl, so Σ_p (h_pl − μ_l) = 0 and
    # Σ_p (h_pl − 1) = Σ_p h_pl − N (N the rows of h, not a number drawn at random)
    h = RNG.standard_normal((4, 3))
    assert np.allclose((h - h.mean(axis=0)).sum(axis=0), 0)
    notes = "% derivtex: h: N x H\n% derivtex: \\mu_l := \\frac{1}{N}\\sum_p h_{pl}\n"
    assert statuses(tmp_path, notes + r"\[ \sum_p (h_{pl}-\mu_l) = 0 \]") == ["ok"]
    assert statuses(tmp_path, notes + r"\[ \sum_p (h_{pl}-2\mu_l) = 0 \]") == ["does not follow"]
    assert statuses(tmp_path, notes + r"\[ \sum_p (h_{pl} - 1) = \sum_p h_{pl} - N \]") == ["ok"]
    assert statuses(tmp_path, notes + r"\[ \sum_p (h_{pl} - 1) = \sum_p h_{pl} - N + 1 \]") == [
        "does not follow"
    ]


def test_a_derivative_by_a_vector_defined_entry_by_entry(tmp_path):
    # joshlk's layer-norm notes: σ_b = (v_b + ε)^{1/2} with v_b := (1/H) Σ_h x_bh²; ∂σ_b/∂v_p is
    # ½(v_b + ε)^{-1/2} δ_bp, taken at v's value (not at a v drawn apart from its definition)
    notes = "% derivtex: x: B x H; v: B; \\epsilon: scalar; \\epsilon: positive\n"
    notes += "% derivtex: v_{b} := \\frac{1}{H} \\sum_h x_{b h}^{2}\n"
    body = r"\[ \frac{\partial}{\partial v_{p}}\left[\left(v_{b}+\epsilon\right)^{0.5}\right] ="
    right = r"\frac{1}{2}\left(v_{b}+\epsilon\right)^{-0.5} \delta_{b p} \]"
    assert statuses(tmp_path, notes + body + right) == ["ok"]
    assert statuses(tmp_path, notes + body + right.replace("\\delta_{b p}", "")) == ["does not follow"]


def test_readings_that_would_misstate_the_text_are_refused(tmp_path):
    # each of these once gave a "does not follow" about something the text never said:
    # Σ(x)^{-1} (pssachdeva: the inverse of Σ as a function of x) is not Σ·x⁻¹ ...
    sigma = "% derivtex: x: scalar; \\Sigma: N x N\n"
    body = r"\[ \frac{d}{dx} \Sigma(x)^{-1} = -\Sigma(x)^{-1} \frac{d\Sigma(x)}{dx} \Sigma(x)^{-1} \]"
    assert statuses(tmp_path, sigma + body) == ["cannot check"]
    assert statuses(
        tmp_path, "% derivtex: K: n x n spd; y: n\n\\[ K(K + I)^{-1} y = (K + I)^{-1} K y \\]"
    ) == ["ok"]
    # ... a sum from 0 to N has N + 1 terms, over no dimension (bor9: Σ_0^N x[n] = Σ_0^{N-1} x[n] + x[N])
    steps = "% derivtex: x: m\n\\[ \\sum_{n=0}^{N} x_n = \\sum_{n=0}^{N-1} x_n + x_N \\]"
    assert statuses(tmp_path, steps) == ["not understood"]
    # ... an equation's number used as its value (gaow: "= \eqref{…} - (…)") is not dropped
    ref = "% derivtex: a: scalar\n\\[ a = \\eqref{eq:one} - (a) \\]"
    assert statuses(tmp_path, ref) == ["not understood"]
    assert statuses(tmp_path, "% derivtex: a: scalar\n\\[ a + a = 2a \\quad \\eqref{eq:one} \\]") == ["ok"]
    # ... and p(y | X) beside p(f | X) := N(f | 0, K) is the marginal, another density (aidanscannell)
    gp = "% derivtex: f, y: n; K: n x n spd; X: n x d\n% derivtex: p(f|X) := \\mathcal{N}(f \\mid 0, K)\n"
    log = r"\[ \log p(y|X) = -\frac{1}{2} y^T K^{-1} y - \frac{1}{2}\log|K| - \frac{n}{2}\log 2\pi \]"
    assert statuses(tmp_path, gp + log) == ["cannot check"]
    assert statuses(
        tmp_path, gp + log.replace("p(y|X)", "p(f|X)").replace("y^T K^{-1} y", "f^T K^{-1} f")
    ) == ["ok"]


def test_statements_side_by_side_define_only_from_their_own_place(tmp_path):
    # zhufang9819 (Trefethen and Bau, Exercise 5.3): "σ₁ = √λ₁ = 5√2, σ₂ = √λ₂ = 10√2" with λ₁ = 200;
    # σ₁ = √λ₁ defines σ₁ (skipped, not "verified" against itself) and √200 = 10√2, not 5√2
    notes = "% derivtex: \\lambda_1 := 200\n% derivtex: \\lambda_2 := 50\n"
    body = r"$$ \sigma_1 = \sqrt{\lambda_1} = 5 \sqrt{2}, \quad \sigma_2 = \sqrt{\lambda_2} = 10 \sqrt{2}. $$"
    assert statuses(tmp_path, notes + body) == ["skipped", "does not follow", "skipped", "does not follow"]
    fixed = body.replace("= 5 \\sqrt{2}", "= 10 \\sqrt{2}").replace("= 10 \\sqrt{2}.", "= 5 \\sqrt{2}.")
    assert statuses(tmp_path, notes + fixed) == ["skipped", "ok", "skipped", "ok"]


def test_a_kernel_matrix_with_a_bold_subscript(tmp_path):
    # the SVGP algebra (Titsias 2009; ltiao's notes write K_\mathbf{uu} without braces): with K_uu := L Lᵀ,
    # K_uu K_uf = L Lᵀ K_uf by substitution, and Lᵀ L K_uf in its place needs L symmetric
    K, L = "\\mathbf{K}_\\mathbf", "\\mathbf{L}"
    notes = f"% derivtex: {L}: m x m invertible; {K}{{uf}}: m x n\n% derivtex: {K}{{uu}} := {L} {L}^\\top\n"
    notes += f"% derivtex: \\mathbf{{Q}}_\\mathbf{{ff}} := {K}{{uf}}^\\top {K}{{uu}}^{{-1}} {K}{{uf}}\n"
    body = f"\\[ {K}{{uu}} \\mathbf{{K}}_{{\\mathbf{{uf}}}} = {L} {L}^\\top {K}{{uf}} \\]"
    assert statuses(tmp_path, notes + body) == ["ok"]
    swapped = body.replace(f"= {L} {L}^\\top", f"= {L}^\\top {L}")
    assert statuses(tmp_path, notes + swapped) == ["does not follow"]
    q = f"\\[ \\mathbf{{Q}}_\\mathbf{{ff}} = {K}{{uf}}^\\top {L}^{{-\\top}} {L}^{{-1}} {K}{{uf}} \\]"
    assert statuses(tmp_path, notes + q) == ["ok"]
    swapped = q.replace(f"^{{-\\top}} {L}^{{-1}}", f"^{{-1}} {L}^{{-\\top}}")
    assert statuses(tmp_path, notes + swapped) == ["does not follow"]


def test_a_letter_typed_against_a_function_is_a_product(tmp_path):
    # jason-osajima's logistic loss typed "-ylog(a) - (1-y)log(1-a)" (y declared): y times log(a), so a
    # sign slip there does not follow; it is never an undefined function "ylog"
    notes = "% derivtex: y: scalar; z: scalar\n% derivtex: a := \\sigma(z)\n"
    notes += "% derivtex: J := -y\\log(a) - (1-y)\\log(1 -a)\n"
    body = r"$$ J = -ylog(a) - (1-y)log(1 -a) $$"
    assert statuses(tmp_path, notes + body) == ["ok"]
    assert statuses(tmp_path, notes + body.replace("= -ylog", "= ylog")) == ["does not follow"]


RNN = (
    "% derivtex: \\mathbf{W^{xh}}: H x D; \\mathbf{W^{hh}}: H x H; \\mathbf{x_t}: D; \\mathbf{h_{t-1}}: H\n"
    "% derivtex: \\mathbf{z_t} := \\mathbf{W^{xh}}\\mathbf{x_t} + \\mathbf{W^{hh}}\\mathbf{h_{t-1}}\n"
)


def test_a_bold_name_keeps_its_subscript_and_a_weight_its_label(tmp_path):
    # \mathbf{h_{t-1}} is h_{t-1} (never h_t - 1) and W^{xh}, declared so, a weight of its own (never W^x h):
    # zᵀz = x_tᵀW^{xh}ᵀz + h_{t-1}ᵀW^{hh}ᵀz by z's definition; without the second transpose it does not hold
    right = (
        "$$\\mathbf{z_t}^T\\mathbf{z_t} = \\mathbf{x_t}^T \\mathbf{W^{xh}}^T\\mathbf{z_t}"
        " + \\mathbf{h_{t-1}}^T\\mathbf{W^{hh}}^T \\mathbf{z_t}$$"
    )
    assert [o.status for o in checked_in_paper(tmp_path, RNN + right)] == ["ok"]
    wrong = right.replace("\\mathbf{W^{hh}}^T", "\\mathbf{W^{hh}}")
    assert [o.status for o in checked_in_paper(tmp_path, RNN + wrong)] == ["does not follow"]
