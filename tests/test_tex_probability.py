"""Densities in a derivation (issue 18): ``\\ln \\mathcal{N}(x \\mid \\mu, \\Sigma)`` written out, a density
the text defines (``p(x \\mid \\theta) := …``, or a display ``\\log p(x \\mid \\theta) = …``), derivatives by
a variance written ``\\sigma^2``. Each published answer is first checked here by finite differences,
independently of derivtex, so a wrong expected status cannot pass; each has a slipped variant
(a sign, a factor) that must not follow."""

from __future__ import annotations

import numpy as np
from helpers import central_gradient, checked_in_paper

RNG = np.random.default_rng(18)
D = 4
M = RNG.normal(size=(D, D))
SIGMA = M @ M.T + D * np.eye(D)
X, MU = RNG.normal(size=D), RNG.normal(size=D)


def log_normal(x, mu, sigma):
    """The multivariate normal log-density, as any textbook writes it (Bishop, eq. 2.43)."""
    r = x - mu
    quadratic = r @ np.linalg.solve(sigma, r)
    return -len(x) / 2 * np.log(2 * np.pi) - np.linalg.slogdet(sigma)[1] / 2 - quadratic / 2


def statuses(tmp_path, body):
    return [o.status for o in checked_in_paper(tmp_path, body)]


NORMAL = "% derivtex: x, \\mu: d; \\Sigma: d x d; \\Sigma: spd\n"


def test_the_normal_density_is_known_and_its_log_written_out_is_checked(tmp_path):
    # the formula against scipy-free NumPy: log N(x | mu, Sigma) at a point
    r = X - MU
    by_hand = -D / 2 * np.log(2 * np.pi) - np.log(np.linalg.det(SIGMA)) / 2 - r @ np.linalg.inv(SIGMA) @ r / 2
    assert np.isclose(log_normal(X, MU, SIGMA), by_hand)
    body = NORMAL + (
        "\\[ \\ln \\mathcal{N}(x \\mid \\mu, \\Sigma) = -\\frac{d}{2}\\ln(2\\pi) - \\frac12 \\ln|\\Sigma|"
        " - \\frac12 (x - \\mu)^\\top \\Sigma^{-1} (x - \\mu) \\]\n"
        "\\[ \\ln \\mathcal{N}(x; \\mu, \\Sigma) = -\\frac{d}{2}\\ln(2\\pi) + \\frac12 \\ln|\\Sigma|"
        " - \\frac12 (x - \\mu)^\\top \\Sigma^{-1} (x - \\mu) \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_the_gradient_of_the_log_normal_in_its_mean_and_a_sign_slip(tmp_path):
    # d/dmu ln N(x | mu, Sigma) = Sigma^{-1}(x - mu) (Petersen & Pedersen, The Matrix Cookbook, 8.1.1)
    found = central_gradient(lambda m: log_normal(X, m, SIGMA), MU)
    assert np.allclose(found, np.linalg.solve(SIGMA, X - MU), atol=1e-6)
    assert not np.allclose(found, -np.linalg.solve(SIGMA, X - MU), atol=1e-3)
    body = (
        NORMAL
        + r"""
\[ \frac{\partial \ln \mathcal{N}(x \mid \mu, \Sigma)}{\partial \mu} = \Sigma^{-1}(x - \mu) \]
\[ \frac{\partial \ln \mathcal{N}(x \mid \mu, \Sigma)}{\partial \mu} = \Sigma^{-1}(\mu - x) \]
"""
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_a_density_the_annotation_names_and_the_gradient_in_the_covariance(tmp_path):
    # within symmetric matrices: d/dSigma = 1/2 [Sigma^{-1} r r^T Sigma^{-1} - Sigma^{-1}]; checked
    # along a symmetric direction E: d log N = tr(G E)
    r = np.linalg.solve(SIGMA, X - MU)
    G = (np.outer(r, r) - np.linalg.inv(SIGMA)) / 2
    E = RNG.normal(size=(D, D))
    E = E + E.T
    h = 1e-6
    along = (log_normal(X, MU, SIGMA + h * E) - log_normal(X, MU, SIGMA - h * E)) / (2 * h)
    assert np.isclose(along, np.trace(G @ E), rtol=1e-6)
    assert not np.isclose(along, np.trace(-G @ E), rtol=1e-3)
    body = r"""% derivtex: x, \mu: d; \Sigma: d x d spd
% derivtex: p(x \mid \mu, \Sigma) := \mathcal{N}(x \mid \mu, \Sigma)
\[ \frac{\partial \ln p(x \mid \mu, \Sigma)}{\partial \Sigma}
    = \frac12 \left[\Sigma^{-1}(x - \mu)(x - \mu)^\top \Sigma^{-1} - \Sigma^{-1}\right] \]
\[ \frac{\partial \ln p(x \mid \mu, \Sigma)}{\partial \Sigma}
    = \frac12 \left[\Sigma^{-1} - \Sigma^{-1}(x - \mu)(x - \mu)^\top \Sigma^{-1}\right] \]
"""
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_a_derivative_by_a_variance_takes_sigma_squared_as_the_variable(tmp_path):
    # ln N(x | mu, s) with s = sigma^2: d/ds = -1/(2s) + (x - mu)^2/(2 s^2) (Bishop, eq. 1.56's
    # derivative); -1/sigma + (x - mu)^2/sigma^3 is the derivative by sigma, not by sigma^2
    x, mu, sigma = 0.7, -0.2, 1.3

    def by_variance(s):
        return -np.log(2 * np.pi * s) / 2 - (x - mu) ** 2 / (2 * s)

    h = 1e-6
    found = (by_variance(sigma**2 + h) - by_variance(sigma**2 - h)) / (2 * h)
    assert np.isclose(found, -1 / (2 * sigma**2) + (x - mu) ** 2 / (2 * sigma**4))
    assert not np.isclose(found, -1 / sigma + (x - mu) ** 2 / sigma**3)
    body = (
        "% derivtex: x, \\mu, \\sigma: scalar; \\sigma: positive\n"
        "\\[ \\frac{\\partial \\ln \\mathcal{N}(x \\mid \\mu, \\sigma^2)}{\\partial \\sigma^2}"
        " = -\\frac{1}{2\\sigma^2} + \\frac{(x - \\mu)^2}{2\\sigma^4} \\]\n"
        "\\[ \\frac{\\partial \\ln \\mathcal{N}(x \\mid \\mu, \\sigma^2)}{\\partial \\sigma^2}"
        " = -\\frac{1}{\\sigma} + \\frac{(x - \\mu)^2}{\\sigma^3} \\]\n"
        "\\[ \\frac{\\partial \\ln \\mathcal{N}(x \\mid \\mu, \\sigma^2)}{\\partial \\sigma}"
        " = -\\frac{1}{\\sigma} + \\frac{(x - \\mu)^2}{\\sigma^3} \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow", "ok"]


def test_a_display_of_the_log_density_defines_it_for_what_follows(tmp_path):
    # OpenSRDK's Cauchy log-density (tests/tex_corpus/opensrdk_cauchy.tex):
    # d/dmu = 2(x - mu)/(sigma^2 + (x - mu)^2)
    x, mu, sigma = 0.7, -0.2, 1.3

    def log_cauchy(m):
        return -np.log(np.pi) - np.log(sigma) - np.log(1 + (x - m) ** 2 / sigma**2)

    h = 1e-6
    found = (log_cauchy(mu + h) - log_cauchy(mu - h)) / (2 * h)
    assert np.isclose(found, 2 * (x - mu) / (sigma**2 + (x - mu) ** 2))
    body = (
        "% derivtex: x, \\mu, \\sigma: scalar; \\sigma: positive\n"
        "\\[ \\log p(x \\mid \\mu, \\sigma) = -\\log\\pi - \\log\\sigma"
        " - \\log\\left(1 + \\frac{(x - \\mu)^2}{\\sigma^2}\\right) \\]\n"
        "\\[ \\frac{\\partial \\log p(x \\mid \\mu, \\sigma)}{\\partial \\mu}"
        " = \\frac{2(x - \\mu)}{\\sigma^2 + (x - \\mu)^2} \\]\n"
        "\\[ \\frac{\\partial \\log p(x \\mid \\mu, \\sigma)}{\\partial \\mu}"
        " = \\frac{2(\\mu - x)}{\\sigma^2 + (x - \\mu)^2} \\]\n"
    )
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["skipped", "ok", "does not follow"]
    assert found[0].message == "a definition of p, used to the end of the section"


def test_a_density_nobody_defines_cannot_be_checked_and_says_how_to_define_it(tmp_path):
    body = (
        "% derivtex: x, \\mu: d\n"
        "\\[ \\frac{\\partial \\log q(x \\mid \\mu)}{\\partial \\mu} = x - \\mu \\]\n"
        "\\[ \\ln p(y = 1 \\mid x) = x^\\top x \\]\n"
        "\\[ \\ln p\\left(x^{(1)}, \\dots, x^{(N)} \\Big\\vert \\mu\\right) = x^\\top x \\]\n"
    )
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "not understood", "not understood"]
    assert "% derivtex: q(x, \\mu) := \\mathcal{N}(…)" in found[0].message
    for refused in found[1:]:
        assert refused.message.startswith("p(…), a density or conditional probability, is probability")


def test_the_gamma_function_of_a_constant_is_named(tmp_path):
    body = "% derivtex: x: n\n\\[ \\log p(x) = \\log\\Gamma\\left(\\frac{1 + n}{2}\\right) - x^\\top x \\]\n"
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["not understood"]
    assert found[0].message.startswith("\\Gamma(…), the gamma function")


def test_a_density_written_out_defines_it_and_its_log_is_the_log_density(tmp_path):
    # Bishop (2.43) written out; its log is log N(x | mu, Sigma) (the values themselves are tiny: the
    # log is taken term by term), and the gradient in mu is Sigma^{-1}(x - mu) as above
    r = X - MU
    density = np.exp(-r @ np.linalg.solve(SIGMA, r) / 2) / (
        (2 * np.pi) ** (D / 2) * np.linalg.det(SIGMA) ** 0.5
    )
    assert np.isclose(np.log(density), log_normal(X, MU, SIGMA))
    assert not np.isclose(np.log(density), log_normal(X, MU, 2 * SIGMA))
    body = (
        NORMAL
        + r"""
\[ p(x \mid \mu, \Sigma)
   = \frac{1}{(2\pi)^{d/2}|\Sigma|^{1/2}} \exp\left(-\frac12 (x-\mu)^\top\Sigma^{-1}(x-\mu)\right) \]
\[ \frac{\partial \ln p(x \mid \mu, \Sigma)}{\partial \mu} = \Sigma^{-1}(x-\mu) \]
\[ \ln p(x \mid \mu, \Sigma) = \ln \mathcal{N}(x \mid \mu, \Sigma) \]
\[ \ln p(x \mid \mu, \Sigma) = \ln \mathcal{N}(x \mid \mu, 2\Sigma) \]
"""
    )
    assert statuses(tmp_path, body) == ["skipped", "ok", "ok", "does not follow"]


def test_the_log_of_a_product_is_split_only_at_evident_numbers(tmp_path):
    # ln(x^T y) is not ln x^T + ln y: a density x^T y keeps its log whole (the sides cannot agree)
    body = r"""% derivtex: x, y: n
\[ p(x \mid y) = x^\top y \]
\[ \ln p(x \mid y) = \ln x^\top + \ln y \]
"""
    assert statuses(tmp_path, body) == ["skipped", "shape error"]


def test_a_density_defined_in_the_prose_is_used_by_the_displays(tmp_path):
    # the gradient in mu checked above (test_the_gradient_of_the_log_normal_in_its_mean_and_a_sign_slip)
    body = (
        NORMAL
        + r"""Let $p(x \mid \mu, \Sigma) = \mathcal{N}(x \mid \mu, \Sigma)$ be the likelihood, and
$L(\mu) = \ln \mathcal{N}(x \mid \mu, \Sigma)$.
\[ \frac{\partial \ln p(x \mid \mu, \Sigma)}{\partial \mu} = \Sigma^{-1}(x - \mu) \]
\[ \frac{\partial \ln p(x \mid \mu, \Sigma)}{\partial \mu} = \Sigma^{-1}(\mu - x) \]
\[ \frac{\partial L(\mu)}{\partial \mu} = \Sigma^{-1}(x - \mu) \]
"""
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow", "ok"]


def test_a_variance_with_a_vector_is_the_isotropic_covariance(tmp_path):
    # N(x | mu, sigma^2) of x in R^d is N(x | mu, sigma^2 I): d/2 ln sigma^2, never 1/2 ln sigma^2
    sigma2 = 1.7
    assert np.isclose(
        log_normal(X, MU, sigma2 * np.eye(D)),
        -D / 2 * np.log(2 * np.pi) - D / 2 * np.log(sigma2) - (X - MU) @ (X - MU) / (2 * sigma2),
    )
    body = r"""% derivtex: x, \mu: d; \sigma: scalar; \sigma: positive
\[ \ln \mathcal{N}(x \mid \mu, \sigma^2)
   = -\frac{d}{2}\ln(2\pi) - \frac{d}{2}\ln\sigma^2 - \frac{\|x - \mu\|^2}{2\sigma^2} \]
\[ \ln \mathcal{N}(x \mid \mu, \sigma^2)
   = -\frac{1}{2}\ln(2\pi) - \frac{1}{2}\ln\sigma^2 - \frac{\|x - \mu\|^2}{2\sigma^2} \]
"""
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_a_density_letter_reused_for_another_density_is_not_the_defined_one(tmp_path):
    # p(mu), a prior, is not p(x | mu) at x = mu; d/dmu of -(x - mu)^2/2 is x - mu
    body = r"""% derivtex: x, \mu: scalar
\[ \log p(x \mid \mu) = -\frac{(x - \mu)^2}{2} \]
\[ \log p(\mu) = 0 \]
\[ \frac{\partial \log p(x \mid \mu)}{\partial \mu} = x - \mu \]
"""
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["skipped", "cannot check", "ok"]
    assert found[1].message.startswith("p(…) of mu is another density than the defined p(x, mu)")
