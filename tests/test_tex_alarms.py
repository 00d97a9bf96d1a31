"""False alarms of ``derivtex check`` on real derivations (issue 18): a residual named e, conditions
read as identities, a gradient's variable substituted by its definition, undefined functions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import central_gradient, checked_in_paper

RNG = np.random.default_rng(18)


def statuses(tmp_path: Path, body: str) -> list[str]:
    return [o.status for o in checked_in_paper(tmp_path, body)]


def messages(tmp_path: Path, body: str) -> list[str]:
    return [o.message for o in checked_in_paper(tmp_path, body)]


# --- (a) a residual named e is that name, not Euler's number ---------------------------------------

RESIDUAL = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$ and $\beta \in \mathbb{R}^p$.
The residual is
\[ e = y - X\beta \]
\[ e^T e = (y - X\beta)^T (y - X\beta) = y^Ty - 2\beta^T X^T y + \beta^T X^T X \beta \]
"""


def test_a_residual_defined_in_a_display_is_substituted_not_read_as_euler_s_number(tmp_path):
    X, y, beta = RNG.normal(size=(5, 3)), RNG.normal(size=5), RNG.normal(size=3)
    e = y - X @ beta
    assert np.isclose(e @ e, y @ y - 2 * beta @ X.T @ y + beta @ X.T @ X @ beta)  # the chain holds
    assert statuses(tmp_path, RESIDUAL) == ["skipped", "ok", "ok"]
    assert "a definition of e" in messages(tmp_path, RESIDUAL)[0]
    wrong = RESIDUAL.replace("y^Ty - 2\\beta^T", "y^Ty + 2\\beta^T")
    assert statuses(tmp_path, wrong) == ["skipped", "ok", "does not follow"]


def test_a_residual_defined_in_the_prose_is_substituted(tmp_path):
    body = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$, $\beta \in \mathbb{R}^p$,
where $e = y - X\beta$ is the residual.
\[ e^T e = y^Ty - 2\beta^T X^T y + \beta^T X^T X \beta \]
"""
    assert statuses(tmp_path, body) == ["ok"]


def test_euler_s_number_stays_a_number_when_no_text_names_e(tmp_path):
    # e^{\log x} = x for a number x > 0; with e a free name it would not hold
    body = r"""Let $t \in \mathbb{R}$.
\[ e^{t} e^{t} = e^{2t} \]
"""
    assert statuses(tmp_path, body) == ["ok"]


# --- (b) conditions to solve are skipped, not checked as identities --------------------------------

PCA = r"""% derivtex: \Sigma: d x d symmetric
Let $u \in \mathbb{R}^{d}$ and $\lambda \in \mathbb{R}$.
We take the derivative of the Lagrangian and set it to zero:
\[ \nabla_u \left(u^{\top} \Sigma u - \lambda (u^{\top} u - 1)\right) = 2 \Sigma u - 2 \lambda u = 0. \]
This simplifies to
\[ \Sigma u = \lambda u. \]
"""


def test_a_gradient_set_to_zero_is_checked_then_skipped_as_a_condition(tmp_path):
    S = RNG.normal(size=(4, 4))
    S = S + S.T
    u, lam = RNG.normal(size=4), 0.7
    f = lambda v: v @ S @ v - lam * (v @ v - 1)  # noqa: E731
    assert np.allclose(central_gradient(f, u), 2 * S @ u - 2 * lam * u, atol=1e-5)
    assert statuses(tmp_path, PCA) == ["ok", "skipped", "skipped"]
    found = messages(tmp_path, PCA)
    assert found[1].startswith("a condition to solve") and "derivative set to zero" in found[1]
    assert found[2].startswith("a condition to solve") and "line" in found[2]


def test_an_equation_in_index_notation_after_a_derivative_set_to_zero(tmp_path):
    # ∂/∂w_j Σ_i (w_i − y_i)² = 2(w_j − y_j) = 0 ⟹ w_j = y_j: w_j − y_j is the zeroed side over 2, an
    # equation solved (it once crashed the checker); with the sign lost, w_j = −y_j is not implied
    body = r"""% derivtex: w, y: n
\begin{align*}
\frac{\partial}{\partial w_j} \sum_{i=1}^n (w_i - y_i)^2 &= 2(w_j - y_j) = 0 \implies w_j = y_j
\end{align*}
"""
    assert statuses(tmp_path, body) == ["ok", "skipped", "skipped", "skipped"]
    assert statuses(tmp_path, body.replace("w_j = y_j", "w_j = -y_j"))[3] == "does not follow"
    found = messages(tmp_path, body.replace("= 2(w_j", "= 3(w_j"))
    assert "off by a factor of 3/2" in found[0]  # index notation names the factor, too


def test_a_wrong_gradient_before_its_condition_is_still_caught(tmp_path):
    wrong = PCA.replace("= 2 \\Sigma u - 2 \\lambda u = 0", "= 2 \\Sigma u + 2 \\lambda u = 0")
    assert statuses(tmp_path, wrong)[0] == "does not follow"


NORMAL_EQUATIONS = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$ and $\beta \in \mathbb{R}^p$.
\begin{align}
\frac{\partial}{\partial \beta} \left[ (y - X\beta)^T (y - X\beta) \right] &= 0 \\
-2X^Ty + 2X^TX \beta &= 0 \\
X^TX \beta &= X^Ty
\end{align}
"""


def test_the_normal_equations_are_conditions_and_each_row_is_its_own_equation(tmp_path):
    found = checked_in_paper(tmp_path, NORMAL_EQUATIONS)
    assert [o.status for o in found] == ["skipped", "skipped", "skipped"]
    assert [o.line for o in found] == [5, 6, 7]  # the sign-led row does not continue "= 0"


def test_prose_that_solves_makes_the_next_equation_a_condition(tmp_path):
    body = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$ and $\beta \in \mathbb{R}^p$.
Setting the gradient to zero, $\beta$ satisfies
\[ X^T X \beta = X^T y \]
"""
    assert statuses(tmp_path, body) == ["skipped"]
    assert "the prose says" in messages(tmp_path, body)[0]


def test_an_equation_without_a_condition_still_does_not_follow(tmp_path):
    body = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$ and $\beta \in \mathbb{R}^p$.
\[ X^T X \beta = X^T y \]
"""
    assert statuses(tmp_path, body) == ["does not follow"]


# --- (c) a gradient's variable is not substituted by its own definition ----------------------------

PRECISION = r"""% derivtex: S: n x n spd
The precision is $L := S^{-1}$.
\[ \nabla_L \left(\log\det L - \operatorname{tr}(S L)\right) = L^{-1} - S \]
"""


def test_the_variable_of_a_gradient_keeps_its_name_after_its_definition(tmp_path):
    A = RNG.normal(size=(3, 3))
    S = A @ A.T + 3 * np.eye(3)
    L = np.linalg.inv(S) + 0.1 * np.eye(3)  # symmetric, any point
    f = lambda M: np.log(np.linalg.det(M)) - np.trace(S @ M)  # noqa: E731
    assert np.allclose(central_gradient(f, L), np.linalg.inv(L) - S, atol=1e-5)
    assert statuses(tmp_path, PRECISION) == ["ok"]
    assert statuses(tmp_path, PRECISION.replace("= L^{-1} - S", "= L - S")) == ["does not follow"]


# --- (d) a function applied but never defined: cannot check, not a shape error ---------------------


def test_an_undefined_loss_applied_to_w_cannot_be_checked(tmp_path):
    body = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$ and $w \in \mathbb{R}^p$.
\[ \nabla_w L(w) = X^T(Xw - y) \]
"""
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["cannot check"]
    assert "L is not defined" in found[0].message and "% derivtex: L(" in found[0].message


def test_a_matrix_times_a_parenthesis_is_a_product_and_its_slip_is_found(tmp_path):
    # B(DC) = (BD)C holds for any matrices; -(BD)C does not: the slip is found, not hidden as an
    # undefined function B(...); nor are capitals typed together (ABC(D + E)) a function's name
    body = r"""Matrices of compatible sizes, as the letters say (declared nowhere).
\[ B(DC) = (BD)C \]
\[ B(DC) = -(BD)C \]
\[ ABC(D + E) = ABCD + ABCE \]
\[ ABC(D + E) = ABCD - ABCE \]
"""
    assert statuses(tmp_path, body) == ["ok", "does not follow", "ok", "does not follow"]


def test_a_loss_defined_as_l_of_w_is_a_definition_then_used(tmp_path):
    body = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$ and $w \in \mathbb{R}^p$.
\[ L(w) = \|Xw - y\|^2 \]
\[ \nabla_w L(w) = 2X^T(Xw - y) \]
\[ \nabla_w L(w) = 2X(Xw - y) \]
"""
    assert statuses(tmp_path, body) == ["skipped", "ok", "shape error"]


def test_a_function_word_nothing_defines_cannot_be_checked(tmp_path):
    body = r"""Let $A \in \mathbb{R}^{n\times n}$ and $x \in \mathbb{R}^n$.
\[ \mathrm{d}(Ax) = A\,\mathrm{squash}(x) \]
\[ Ax = A\,squash(x) \]
"""
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "cannot check"]
    assert all("squash(...) is not defined" in o.message for o in found)


def test_sigmoid_typed_as_letters_is_the_logistic_function(tmp_path):
    t = 0.3
    assert np.isclose(1 / (1 + np.exp(-t)), np.exp(t) / (1 + np.exp(t)))
    body = r"""Let $t \in \mathbb{R}$.
\[ sigmoid(t) = \frac{\exp(t)}{1 + \exp(t)} \]
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("{\\exp(t)}{", "{1}{")) == ["does not follow"]


# --- an rcl array sets its relation in a column of its own (a &=& b), as eqnarray does ----------


def test_an_rcl_array_chain_is_read_with_its_right_hand_sides(tmp_path):
    body = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$ and $\beta \in \mathbb{R}^p$.
\[ \begin{array}{rcl} (y - X\beta)^T (y - X\beta) &=& y^Ty - 2\beta^T X^T y + \beta^T X^T X \beta \\
 &=& y^Ty - 2y^T X \beta + \beta^T X^T X \beta \end{array} \]
"""
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("- 2y^T X", "+ 2y^T X")) == ["ok", "does not follow"]


# --- \nabla L(w) without a subscript is by L's one argument; \ell is a name ------------------------


def test_a_gradient_without_subscript_is_by_the_one_argument(tmp_path):
    X, y, w = RNG.normal(size=(5, 3)), RNG.normal(size=5), RNG.normal(size=3)
    loss = lambda v: 0.5 * (X @ v - y) @ (X @ v - y)  # noqa: E731
    assert np.allclose(central_gradient(loss, w), X.T @ (X @ w - y), atol=1e-5)
    body = r"""Let $X \in \mathbb{R}^{n\times p}$, $y \in \mathbb{R}^n$ and $w \in \mathbb{R}^p$,
and define $L(w) := \frac{1}{2}\|Xw - y\|^2$.
\[ \nabla L(w) = X^T(Xw - y) \]
\[ \nabla L(w) = X^T(Xw + y) \]
"""
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_a_gradient_of_a_defined_function_without_subscript_is_by_its_argument(tmp_path):
    # f(x) = xᵀAx: ∇f = (A + Aᵀ)x, not Ax (A is not symmetric); by hand, d(xᵀAx) = xᵀ(A + Aᵀ)dx
    body = r"""% derivtex: x: n; A: n x n
\[ f(x) = x^T A x \]
\[ \nabla f = (A + A^T) x \]
\[ \nabla f = 2 A x \]
"""
    assert statuses(tmp_path, body) == ["skipped", "ok", "does not follow"]


def test_ell_is_a_log_likelihood_s_name(tmp_path):
    body = r"""% derivtex: \Sigma: d x d spd
Let $\mu, x \in \mathbb{R}^d$.
\[ \ell(\mu) = -\frac{1}{2}(x - \mu)^T \Sigma^{-1} (x - \mu) \]
\[ \frac{\partial \ell}{\partial \mu} = \Sigma^{-1}(x - \mu) \]
\[ \frac{\partial \ell}{\partial \mu} = \Sigma^{-1}(\mu - x) \]
"""
    assert statuses(tmp_path, body) == ["skipped", "ok", "does not follow"]


# --- symmetry said of a lone symbol in the prose ----------------------------------------------------


GAUSSIAN = r"""Let $\mu, x \in \mathbb{R}^d$ and $\Sigma \in \mathbb{R}^{d\times d}$.
We assume $\Sigma$ symmetric positive definite.
\[ \ell(\mu) = -\frac{1}{2}(x - \mu)^T \Sigma^{-1} (x - \mu) \]
\[ \frac{\partial \ell}{\partial \mu} = \Sigma^{-1}(x - \mu) \]
"""


def test_symmetry_said_of_a_lone_symbol_is_an_assumption(tmp_path):
    A = RNG.normal(size=(3, 3))
    S, x, mu = A @ A.T + np.eye(3), RNG.normal(size=3), RNG.normal(size=3)
    ell = lambda m: -0.5 * (x - m) @ np.linalg.solve(S, x - m)  # noqa: E731
    assert np.allclose(central_gradient(ell, mu), np.linalg.solve(S, x - mu), atol=1e-5)
    assert statuses(tmp_path, GAUSSIAN) == ["skipped", "ok"]
    unsaid = GAUSSIAN.replace("We assume $\\Sigma$ symmetric positive definite.\n", "")
    assert statuses(tmp_path, unsaid) == ["skipped", "does not follow"]  # Σ⁻¹ + Σ⁻ᵀ needs it
