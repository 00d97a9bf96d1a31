"""The hand-written statuses of the corpus's real errors, checked without derivtex: each case
computes both sides of one link of a tests/tex_corpus/ file with NumPy (finite differences for a
derivative) and says whether they agree, so a wrong `% expect:` cannot hide behind the checker's
own reading. A fixed seed and sizes; tolerances far above rounding, far below the gaps."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm

RNG = np.random.default_rng(20261203)
N, M, K, P = 5, 4, 3, 2
H_STEP = 1e-6


def grad(f, x):
    """Central differences of the scalar ``f`` at the array ``x``."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = H_STEP
        g[i] = (f(x + e) - f(x - e)) / (2 * H_STEP)
    return g


def agree(a, b) -> bool:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and np.abs(a - b).max() <= 1e-5 * (1 + np.abs(b).max())


A, B, C = (RNG.normal(size=(N, N)) for _ in range(3))
L = RNG.normal(size=(N, N)) + N * np.eye(N)
X, MU, NU = RNG.normal(size=N), RNG.normal(size=N), 2.5
SIGMA = L @ L.T
D = (X - MU) @ np.linalg.solve(SIGMA, X - MU)
V, W, H, Mp = RNG.random((N, M)), RNG.random((N, K)), RNG.random((K, M)), RNG.random((P, N))
LAM = 0.3


def student_t(x):  # OpenSRDK's multivariate log-density, the terms that depend on x
    return -(NU + N) / 2 * np.log(1 + (x - MU) @ np.linalg.solve(SIGMA, x - MU) / NU)


def normal_log_density(x, mu, factor):  # OpenSRDK's normal log-density, Sigma = L L^T
    sigma = factor @ factor.T
    _, logdet = np.linalg.slogdet(sigma)
    return -N / 2 * np.log(2 * np.pi) - logdet / 2 - (x - mu) @ np.linalg.solve(sigma, x - mu) / 2


def normal_1d(x, mu=0.4, sigma=1.3):  # OpenSRDK's univariate log-density as the text writes it
    return -np.log(2 * np.pi) / 2 - np.log(sigma) / 2 - (x - mu) ** 2 / (2 * sigma**2)


def logistic_loss(w, xs, ys):
    p = 1 / (1 + np.exp(-xs @ w))
    return -np.sum(ys * np.log(p) + (1 - ys) * np.log(1 - p))


XS, YS, WV = RNG.normal(size=(6, K)), RNG.integers(0, 2, 6).astype(float), RNG.normal(size=K)
PHI = 1 / (1 + np.exp(-XS @ WV))
L_FLIPPED = L * np.array([[-1.0]] + [[1.0]] * (N - 1))  # one row negated: the same L L^T, det < 0


def nmf_f(w):  # f(W, H) as the research log defines it: no lambda
    return np.sum((V - w @ H) ** 2) + np.sum((Mp @ w) ** 2)


Z, AI = np.zeros((N, N)), np.linalg.inv(A)  # a zero block; A^{-1}
W2 = RNG.normal(size=(N, M))  # a direction dA for an N×M A (V)


def rayleigh(x):  # x x^T / x^T x
    return np.outer(x, x) / (x @ x)


T0, T1 = (lambda s: s + s.T)(RNG.normal(size=(3, 3))), (lambda s: s + s.T)(RNG.normal(size=(3, 3)))
DEXP = (expm(-0.7 * (T0 + H_STEP * T1)) - expm(-0.7 * (T0 - H_STEP * T1))) / (2 * H_STEP)
SV = np.linalg.svd(V, compute_uv=False)

# session 31's revisions to ok: a distribution of equally likely samples (any distribution will do:
# the identities hold for every one), a fixed design, a rotation
YS_SAMPLES = RNG.normal(size=(7, N))  # 7 equally likely values of a random N-vector y


def mean_of(values):
    return np.mean(values, axis=0)


def cov_of(xs, ys):  # E[(x - E x)(y - E y)^T] over paired samples
    return np.mean([np.outer(x - mean_of(xs), y - mean_of(ys)) for x, y in zip(xs, ys)], axis=0)


XD = RNG.normal(size=(N, K))  # a fixed design
PD = np.linalg.solve(XD.T @ XD, XD.T)  # beta-hat = PD y
CD = RNG.normal(size=N)
AD = XD.T @ CD  # a := X^T c (briansmlee's annotation)
VS = RNG.normal(size=(4, N))
VS = VS - mean_of(VS)  # 4 equally likely values of a zero-mean noise v
PAIRS = [(y, v) for y in YS_SAMPLES for v in VS]  # y and v independent: every pair equally likely
XK, ZK = np.array([y for y, _ in PAIRS]), np.array([A @ y + v for y, v in PAIRS])  # z = H x + v, H = A
ROT, _ = np.linalg.qr(RNG.normal(size=(N, N)))
ROT = ROT if np.linalg.det(ROT) > 0 else ROT @ np.diag([-1.0] + [1.0] * (N - 1))  # a rotation
UQ, _ = np.linalg.qr(A)
VQ, _ = np.linalg.qr(B)
MDIAG, LSYM = np.diag(RNG.random(N) + 1), B + B.T  # the mass matrix, the (symmetric) Laplacian
UNEXT = RNG.normal(size=N)

CASES = {  # file: the link → (left, right, whether the hand wrote that they agree)
    "opensrdk_student_t: Diff x, (1 + d)^{-1} for (1 + d/nu)^{-1}": (
        grad(student_t, X),
        -(NU + N) / NU / (1 + D) * np.linalg.solve(SIGMA, X - MU),
        False,
    ),
    "opensrdk_student_t: Diff x with (1 + d/nu)^{-1}, the right derivative": (
        grad(student_t, X),
        -(NU + N) / NU / (1 + D / NU) * np.linalg.solve(SIGMA, X - MU),
        True,
    ),
    "opensrdk_cauchy: (|L||L^T|)^{1/2} = |L| for a factor L with det L < 0": (
        np.sqrt(np.linalg.det(L_FLIPPED) * np.linalg.det(L_FLIPPED.T)),
        np.linalg.det(L_FLIPPED),
        False,
    ),
    "shehryar: (grad_X tr(ABXC))^T = (grad_X tr(XBAB))^T, the typo for tr(XCAB)": (
        grad(lambda x: np.trace(A @ B @ x @ C), A).T,
        grad(lambda x: np.trace(x @ B @ A @ B), A).T,
        False,
    ),
    "shehryar: grad_A tr(ABA^TC) = C^TAB^T + CAB": (
        grad(lambda x: np.trace(x @ B @ x.T @ C), A),
        C.T @ A @ B.T + C @ A @ B,
        True,
    ),
    "kyleclo: the logistic gradient with + (1 - y)/(1 - phi)": (
        grad(lambda w: logistic_loss(w, XS, YS), WV),
        -((YS / PHI + (1 - YS) / (1 - PHI)) * PHI * (1 - PHI)) @ XS,
        False,
    ),
    "kyleclo: the logistic gradient -sum (y - phi) x": (
        grad(lambda w: logistic_loss(w, XS, YS), WV),
        -(YS - PHI) @ XS,
        True,
    ),
    "carlonicolini: d exp(-beta L) = -beta (dL) exp(-beta L) when L and dL do not commute": (
        DEXP,
        -0.7 * T1 @ expm(-0.7 * T0),
        False,
    ),
    "carlonicolini: d tr exp(-beta L) = tr(-beta (dL) exp(-beta L))": (
        np.trace(DEXP),
        np.trace(-0.7 * T1 @ expm(-0.7 * T0)),
        True,
    ),
    "mrnibe_nmf: grad_W f carries 2 lambda M^T M W though f has no lambda": (
        grad(nmf_f, W),
        2 * W @ H @ H.T - 2 * V @ H.T + 2 * LAM * Mp.T @ Mp @ W,
        False,
    ),
    "mrnibe_nmf: grad_W ||V - WH||_F^2 = 2WHH^T - 2VH^T": (
        grad(lambda w: np.sum((V - w @ H) ** 2), W),
        2 * W @ H @ H.T - 2 * V @ H.T,
        True,
    ),
    "mrnibe_norms: ||A||_F = sigma_max(A)": (np.linalg.norm(V, "fro"), SV.max(), False),
    "mrnibe_norms: ||A^T A||_F = ||A||_F^2": (np.linalg.norm(V.T @ V, "fro"), np.sum(SV**2), False),
    "mrnibe_norms: ||A^T A||_F = ||A A^T||_F": (
        np.linalg.norm(V.T @ V, "fro"),
        np.linalg.norm(V @ V.T, "fro"),
        True,
    ),
    "mbustamanter: d tr(X^T A)/dX = A^T (the index step gives A_{kl})": (
        grad(lambda x: np.trace(x.T @ A), B),
        A.T,
        False,
    ),
    "wwwonderer: w_t - eta grad_w (1/n)||Xw - y||^2 = w_t - eta (2/n) X^T (Xw - y)": (
        MU[:M] - 0.1 * grad(lambda w: np.sum((V @ w - X) ** 2) / N, H[0]),
        MU[:M] - 0.1 * 2 / N * V.T @ (V @ H[0] - X),
        True,
    ),
    "mbustamanter: d tr(AXB)/dX = A^T B^T": (grad(lambda x: np.trace(A @ x @ B), C), A.T @ B.T, True),
    "linyang_nmf: grad_W ||V - WH||_F^2 = -2(V - WH)H^T (the text's H^T(V - WH) does not fit)": (
        grad(lambda w: np.sum((V - w @ H) ** 2), W),
        -2 * (V - W @ H) @ H.T,
        True,
    ),
    "opensrdk_normal: d log p / dx = -(x - mu)/sigma^2 (univariate)": (
        grad(lambda x: normal_1d(x[0]), np.array([0.9])),
        np.array([-(0.9 - 0.4) / 1.3**2]),
        True,
    ),
    "opensrdk_normal: d log p / dx = -1/2 Sigma^{-1}(2x - 2mu)": (
        grad(lambda x: normal_log_density(x, MU, L), X),
        -0.5 * np.linalg.solve(SIGMA, 2 * X - 2 * MU),
        True,
    ),
    "opensrdk_normal: d log p / dmu = 1/2 Sigma^{-1}(2x - 2mu)": (
        grad(lambda m: normal_log_density(X, m, L), MU),
        0.5 * np.linalg.solve(SIGMA, 2 * X - 2 * MU),
        True,
    ),
    "opensrdk_normal: d log p / dL = -1/2 Sigma^{-T} + 1/2 Sigma^T Sigma^T (x - mu)(x - mu)^T": (
        grad(lambda f: normal_log_density(X, MU, f), L),
        -0.5 * np.linalg.inv(SIGMA.T) + 0.5 * SIGMA.T @ SIGMA.T @ np.outer(X - MU, X - MU),
        False,
    ),
    # links inside \boxed{…}: f'(A)[dA] is f's derivative along dA (f annotated in the file)
    "mitmath_hw1sol_2025 3(b): f'(A)[dA] = -f(A)(dA^T A + A^T dA)f(A), f = (A^T A)^{-1}": (
        (
            np.linalg.inv((V + H_STEP * W2).T @ (V + H_STEP * W2))
            - np.linalg.inv((V - H_STEP * W2).T @ (V - H_STEP * W2))
        )
        / (2 * H_STEP),
        -np.linalg.inv(V.T @ V) @ (W2.T @ V + V.T @ W2) @ np.linalg.inv(V.T @ V),
        True,
    ),
    "mitmath_pset1sol_2023 2(c): f'(x)[dx] = (dx x^T + x dx^T)/x^T x - 2 x x^T (x^T dx)/(x^T x)^2": (
        (rayleigh(X + H_STEP * MU) - rayleigh(X - H_STEP * MU)) / (2 * H_STEP),
        (np.outer(MU, X) + np.outer(X, MU)) / (X @ X) - 2 * np.outer(X, X) * (X @ MU) / (X @ X) ** 2,
        True,
    ),
    # mitmath_pset2sol_2026 problem 3: block products with dA a matrix (not commuting with A)
    "mitmath_pset2sol_2026 3(c): [A dA; 0 A][A dA; 0 A] = [A^2, A dA + dA A; 0, A^2]": (
        np.block([[A, C], [Z, A]]) @ np.block([[A, C], [Z, A]]),
        np.block([[A @ A, A @ C + C @ A], [Z, A @ A]]),
        True,
    ),
    "mitmath_pset2sol_2026 3(e): [A^-1, -A^-1 dA A^-1; 0, A^-1][A dA; 0 A] = [A^-1 A, A^-1 dA - ...]": (
        np.block([[AI, -AI @ C @ AI], [Z, AI]]) @ np.block([[A, C], [Z, A]]),
        np.block([[AI @ A, AI @ C - AI @ C @ AI @ A], [Z, AI @ A]]),
        True,
    ),
    "mitmath_pset2sol_2026 3(e): [A^-1 A, A^-1 dA - A^-1 dA A^-1 A; 0, A^-1 A] = I": (
        np.block([[AI @ A, AI @ C - AI @ C @ AI @ A], [Z, AI @ A]]),
        np.eye(2 * N),
        True,
    ),
    # session 31
    "briansmlee 3.3(a) row 1: Var(c^T y) - Var(a^T beta-hat) = c^T Var(y) c - a^T Var(beta-hat) a": (
        np.var(YS_SAMPLES @ CD) - np.var(YS_SAMPLES @ PD.T @ AD),
        CD @ cov_of(YS_SAMPLES, YS_SAMPLES) @ CD - AD @ PD @ cov_of(YS_SAMPLES, YS_SAMPLES) @ PD.T @ AD,
        True,
    ),
    "antkillerfarm, wei2624: Cov(Y) = E[Y Y^T] - E[Y] E[Y]^T": (
        cov_of(YS_SAMPLES, YS_SAMPLES),
        mean_of([np.outer(y, y) for y in YS_SAMPLES]) - np.outer(mean_of(YS_SAMPLES), mean_of(YS_SAMPLES)),
        True,
    ),
    "nrotella: cov(x_k, z_k) = E{[x_k - xbar_k][z_k - zbar_k]^T}, zbar_k = H xbar_k, xbar_k = E x_k": (
        cov_of(XK, ZK),
        mean_of([np.outer(x - mean_of(XK), z - A @ mean_of(XK)) for x, z in zip(XK, ZK)]),
        True,
    ),
    "wzwan (29): det(U^T) det(R) det(V) = det(U) det(V), R a rotation": (
        np.linalg.det(UQ.T) * np.linalg.det(ROT) * np.linalg.det(VQ),
        np.linalg.det(UQ) * np.linalg.det(VQ),
        True,
    ),
    "alecjacobson smoothing: M u^t = (M - lambda L) u^{t+1}, u^t = (I - lambda M^-1 L) u^{t+1}": (
        MDIAG @ (np.eye(N) - LAM * np.linalg.solve(MDIAG, LSYM)) @ UNEXT,
        (MDIAG - LAM * LSYM) @ UNEXT,
        True,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_the_hand_verdict_holds_numerically(name):
    left, right, holds = CASES[name]
    assert agree(left, right) == holds
