"""Operators and applications the LaTeX checker reads (issue 18): the norm of a number, Julia's
entrywise ``.*``, a defined function applied to an argument, ``f'(x)[v]`` and a linear map applied
with brackets, and entrywise functions checked where their argument lies in the domain. Each
published answer is written down here and checked independently (numpy, finite differences) before
the checker sees it, so a wrong expected value cannot pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import checked_in_paper

RNG = np.random.default_rng(11)


def outcomes(tmp_path: Path, body: str):
    return checked_in_paper(tmp_path, body)


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


# --- Julia's .* ----------------------------------------------------------------------------------


def test_julias_dot_star_is_the_entrywise_product(tmp_path):
    # MIT 18.S096 Matrix Calculus (IAP 2024), problem set 1 solutions, 3(e): for f(x) = A (x .* x),
    # df = A d(x .* x) = 2A (x .* dx); and IAP 2023, 2(a): diagm(dx) x = dx .* x = x .* dx
    A, x, v = RNG.standard_normal((4, 3)), RNG.standard_normal(3), RNG.standard_normal(3)
    assert np.allclose(directional(lambda y: A @ (y * y), x, v), 2 * A @ (x * v), atol=1e-6)
    body = (
        "\\newcommand{\\dotstar}{\\mathbin{.*}}\n"
        "% derivtex: A: m x n; x: n\n"
        "\\[ A\\, d(x \\dotstar x) = 2A (x \\dotstar dx) = 2A (x \\operatorname{.*} dx) \\]\n"
        "\\[ A\\, d(x \\dotstar x) = A (x \\dotstar dx) \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "ok", "does not follow"]


# --- a defined function applied ------------------------------------------------------------------


def test_a_defined_function_applied_substitutes_its_argument(tmp_path):
    # MIT 18.S096 Matrix Calculus (IAP 2023), problem set 1 solutions, 2(a): with diagm(v) = diag(v)
    # and A symmetric, f(x) = xᵀ(A + diagm(x))² x has
    # df = [2xᵀ(A + diagm(x))² + 2xᵀ(A + diagm(x)) diagm(x)] dx
    n = 4
    A = RNG.standard_normal((n, n))
    A = A + A.T
    x, v = RNG.standard_normal((2, n))
    M = lambda y: A + np.diag(y)  # noqa: E731
    f = lambda y: y @ M(y) @ M(y) @ y  # noqa: E731
    published = (2 * x @ M(x) @ M(x) + 2 * x @ M(x) @ np.diag(x)) @ v
    assert np.isclose(directional(f, x, v), published, rtol=1e-6)
    body = (
        "\\newcommand{\\diagm}{\\operatorname{diagm}}\n"
        "% derivtex: \\diagm(v) := \\operatorname{diag}(v)\n"
        "% derivtex: A: n x n symmetric; x: n; f := x^T (A + \\diagm(x))^2 x\n"
        "\\[ df = \\left[ 2x^T (A+\\diagm(x))^2 + 2 x^T (A+\\diagm(x)) \\diagm(x) \\right] dx \\]\n"
        "\\[ df = \\left[ 2x^T (A+\\diagm(x))^2 + x^T (A+\\diagm(x)) \\diagm(x) \\right] dx \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_a_definition_without_parameters_applied_to_its_own_variable_is_itself(tmp_path):
    # MIT 18.S096 Matrix Calculus (IAP 2026), problem set 1 solutions, 5(d): B(x) = A diag(x) Aᵀ and
    # f(x) = tr(B(x)⁻¹) have df = tr[−B(x)⁻¹ A diag(dx) Aᵀ B(x)⁻¹] = tr[−Aᵀ B(x)⁻² A diag(dx)]
    A, x, v = RNG.standard_normal((2, 3)), RNG.uniform(1, 2, 3), RNG.standard_normal(3)
    B = lambda y: A @ np.diag(y) @ A.T  # noqa: E731
    Bi = np.linalg.inv(B(x))
    published = np.trace(-A.T @ Bi @ Bi @ A @ np.diag(v))
    assert np.isclose(directional(lambda y: np.trace(np.linalg.inv(B(y))), x, v), published, rtol=1e-5)
    body = (
        "\\newcommand{\\diag}{\\operatorname{diag}}\n"
        "% derivtex: A: 2 x 3; x: 3; B := A \\diag(x) A^T; f := \\tr((A \\diag(x) A^T)^{-1})\n"
        "\\[ df = \\operatorname{tr}\\left[ - A^T B(x)^{-2} A \\diag(dx) \\right] \\]\n"
        "\\[ df = \\operatorname{tr}\\left[ - A^T B(x)^{-1} A \\diag(dx) \\right] \\]\n"
        "% derivtex: y: 3\n"
        "\\[ B(y) = A \\diag(y) A^T \\]\n"
    )
    found = outcomes(tmp_path, body)
    assert [o.status for o in found[:2]] == ["ok", "does not follow"]
    assert found[2].status != "ok"  # B(y): B is of x, not a function of y; never read as B


# --- f'(x)[v] and a linear map applied -------------------------------------------------------------


def test_the_derivative_applied_is_the_directional_derivative(tmp_path):
    # MIT 18.S096 Matrix Calculus (IAP 2024), problem set 1 solutions, 3(c): for f(A) = A⁻²,
    # df = f'(A)[dA] = −A⁻¹ dA A⁻² − A⁻² dA A⁻¹; problem set 2 solutions, 3: for f(A) = A²,
    # ⟨X, f'(A)[Y]⟩ = ⟨f'(Aᵀ)[X], Y⟩ with f'(A)[Y] = AY + YA
    n = 3
    A, V, X = RNG.standard_normal((3, n, n)) + np.array([2 * np.eye(n), 0 * np.eye(n), 0 * np.eye(n)])
    Ai = np.linalg.inv(A)
    published = -Ai @ V @ Ai @ Ai - Ai @ Ai @ V @ Ai
    assert np.allclose(directional(lambda B: np.linalg.matrix_power(np.linalg.inv(B), 2), A, V), published)
    assert np.allclose(directional(lambda B: B @ B, A.T, X), A.T @ X + X @ A.T)
    body = (
        "% derivtex: A: m x m; f := A^{-2}\n"
        "\\[ df = f'(A)[dA] = - A^{-1}\\, dA \\, A^{-2} - A^{-2}\\, dA \\, A^{-1} \\]\n"
        "\\[ f'(A)[dA] = - 2 A^{-1}\\, dA \\, A^{-2} \\]\n"
        "% derivtex: X, Y: m x m; g(B) := B^2\n"
        "\\[ \\langle g'(A^T)[X], Y \\rangle = \\operatorname{tr}((A^T X + X A^T)^T Y) \\]\n"
        "\\[ \\langle g'(A^T)[X], Y \\rangle = \\operatorname{tr}((A X + X A)^T Y) \\]\n"
        "\\[ dh = h'(A)[dA] \\]\n"
    )
    found = outcomes(tmp_path, body)
    assert [o.status for o in found] == [
        "ok",
        "ok",
        "does not follow",
        "ok",
        "does not follow",
        "not understood",
    ]
    assert "% derivtex: h(X) :=" in found[-1].message  # an f the text does not define: what would


def test_a_kronecker_product_applied_follows_the_texts_convention(tmp_path):
    # Magnus and Neudecker, Matrix Differential Calculus (3rd ed.), ch. 2: (A ⊗ B) vec X = vec(B X Aᵀ);
    # MIT 18.S096 Matrix Calculus (IAP 2025), homework 1 solutions, 4(b): with (A ⊗ B)[X] := B X Aᵀ,
    # ((A ⊗ B)(C ⊗ D))[X] = B D X Cᵀ Aᵀ = ((AC) ⊗ (BD))[X]
    A, B, C, D, X = RNG.standard_normal((5, 3, 3))
    vec = lambda M: M.reshape(-1, order="F")  # noqa: E731
    assert np.allclose(np.kron(A, B) @ np.kron(C, D) @ vec(X), vec(B @ D @ X @ C.T @ A.T))
    assert np.allclose(np.kron(A @ C, B @ D) @ vec(X), vec(B @ D @ X @ (A @ C).T))
    chain = (
        "\\begin{align*}\n"
        "\\left( (A \\otimes B)  (C \\otimes D)\\right) [X] &= (A \\otimes B) \\left[ DXC^T \\right] \\\\\n"
        "&= (BD)X(AC)^T = \\left((AC)\\otimes(BD)\\right)[X] = \\left((AC)\\otimes(DB)\\right)[X]\n"
        "\\end{align*}\n"
    )
    declared = statuses(tmp_path, "% derivtex: (A \\otimes B)[X] := B X A^T\n" + chain)
    assert declared == ["ok", "ok", "ok", "does not follow"]
    undeclared = outcomes(tmp_path, chain)
    assert {o.status for o in undeclared} == {"cannot check"}
    assert "(A \\otimes B)[X] := B X A^T" in undeclared[0].message


# --- entrywise functions with a domain ----------------------------------------------------------


def test_a_log_is_checked_where_its_argument_lies_in_its_domain(tmp_path):
    # Cross-entropy of a softmax (Goodfellow, Bengio and Courville, Deep Learning, §6.2.2.3):
    # d(yᵀ log softmax(v)) = yᵀ dv − (yᵀ1) softmax(v)ᵀ dv; the Matrix Cookbook (Petersen and
    # Pedersen, 2012), eq. (9.?) style entrywise rule: d(yᵀ log x) = yᵀ (dx ⊘ x)
    y, v, x, w = (
        RNG.standard_normal(4),
        RNG.standard_normal(4),
        RNG.uniform(0.5, 2, 4),
        RNG.standard_normal(4),
    )
    softmax = lambda z: np.exp(z) / np.exp(z).sum()  # noqa: E731
    numeric = directional(lambda z: y @ np.log(softmax(z)), v, w)
    assert np.isclose(numeric, y @ w - y.sum() * softmax(v) @ w, rtol=1e-6)
    assert np.isclose(directional(lambda z: y @ np.log(z), x, w), y @ (w / x), rtol=1e-6)
    body = (
        "% derivtex: v, y, x: n\n"
        "\\[ d(y^T \\log(\\operatorname{softmax}(v)))"
        " = y^T dv - y^T \\mathbf{1} \\operatorname{softmax}(v)^T dv \\]\n"
        "\\[ d(y^T \\log(\\operatorname{softmax}(v))) = y^T dv - \\operatorname{softmax}(v)^T dv \\]\n"
        "\\[ d(y^T \\log(x)) = y^T (dx \\odot x^{\\circ -1}) \\]\n"
        "\\[ d(y^T \\log(x)) = y^T dx \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow", "ok", "does not follow"]


def test_oslash_is_the_entrywise_quotient(tmp_path):
    # The Matrix Cookbook's ⊘ (Hadamard division); the cross-entropy gradient ∂(yᵀ log p)/∂p = y ⊘ p
    # (Goodfellow, Bengio and Courville, Deep Learning, §6.2.2.3), checked here by central differences
    y, p = RNG.standard_normal(4), RNG.uniform(0.5, 2, 4)
    gradient = np.array([(y @ np.log(p + h) - y @ np.log(p - h)) / 2e-6 for h in np.eye(4) * 1e-6])
    assert np.allclose(gradient, y / p, rtol=1e-6)
    body = (
        "% derivtex: y, p: n\n"
        "\\[ \\frac{\\partial}{\\partial p} y^T \\log p = y \\oslash p \\]\n"
        "\\[ \\frac{\\partial}{\\partial p} y^T \\log p = p \\oslash y \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow"]
