"""The notes' introduction: what every derivation would otherwise repeat, said once.

How a proof reads, one paragraph per method of proof the notes use (``METHODS``, keyed by the
method's name: a new method adds its row), how each line is checked, and the notation. The figures
are those of ``gen.verify``, quoted from it so that the text cannot drift from what the checks do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from ..spec.model import CheckSettings
from ..verify.checks import FLOOR, ROUNDING
from ..verify.evaluate import COMPLEX_STEP, STEP
from .chains import figure


@dataclass(frozen=True)
class Paragraph:
    heading: str
    text: Markup


READING = (
    "Each derivation states its result as a proposition and proves it. Every line of a proof is "
    "justified on its right: by a rule, whose identity and reference are listed in "
    r"Appendix~\ref{rules} (the justification links there), by a lemma proved first, or by the "
    "author's own reason. Every line was also checked numerically, as described below; each derivation "
    "ends with a line of its own figures, and its sources are numbered in the references "
    "at the end."
)

# One paragraph per method, in the order the notes list them; the notes show those their proofs use.
METHODS = {
    "steps": (
        "The author's derivation",
        "Where a spec writes its own lines, they come first, each with the author's reason, and each "
        "is checked against the line before; the last is read off by the identification theorem, as "
        r"in a proof by differentials. A line that does not follow is marked $\neq$, with its "
        "discrepancy.",
    ),
    "differential": (
        "Proof by differentials",
        r"The differential $\mathrm{d}f$ is rewritten, one rule per line, into the form "
        r"$\operatorname{tr}(G^{\top}\mathrm{d}X)$ ($g^{\top}\mathrm{d}x$ for a vector, "
        r"$g\,\mathrm{d}t$ for a number, $J\,\mathrm{d}\operatorname{vec}X$ for a function with "
        r"several entries). The identification theorem then reads off the derivative: "
        r"$\mathrm{d}f = \operatorname{tr}(G^{\top}\mathrm{d}X)$ for every $\mathrm{d}X$ exactly when "
        r"$\nabla_X f = G$. With several variables the differential becomes a sum of such forms, one per "
        "variable; for a second derivative the gradient is differentiated once more, into "
        r"$\mathrm{d}\operatorname{vec}(\nabla f) = H\,\mathrm{d}\operatorname{vec}X$, and $H$ is the "
        "Hessian.",
    ),
    "directional": (
        "Proof by the directional derivative",
        r"For a direction $U$ of the variable's shape, "
        r"$\mathrm{D}_U F = \lim_{t\to 0}(F(X + tU) - F(X))/t$. Linear maps (sums, constant factors, "
        "the trace, the transpose) commute with this limit; each nonlinear piece (an entrywise "
        "function, a product, a power) is a lemma, (L1), (L2), \\dots, proved first as an identity at a "
        r"finite $t$ and then as $t \to 0$. Once $\mathrm{D}_U f = \langle G, U\rangle$ for every "
        "direction $U$, $G$ is the gradient.",
    ),
    "entrywise": (
        "Proof entry by entry",
        r"The partial derivative $\partial f/\partial X_{ij}$ is the differential in the direction of "
        r"the unit matrix $J$ with a one at $(i, j)$, so the rules of differentials hold with $\partial$ "
        r"in place of $\mathrm{d}$. Brought into the form of the $(i, j)$ entry of a matrix $G$, for "
        "every entry, it makes $G$ the matrix of partial derivatives, the gradient.",
    ),
    "backprop": (
        "Proof by backpropagation",
        "The function is written as a forward pass of named quantities (the layers). From the output "
        r"back, the adjoint $\delta_v = \nabla_v f$ of each quantity $v$ is "
        r"$\sum_u \nabla_v\langle\delta_u, u(v)\rangle$ over the quantities $u$ that use $v$, each "
        "term derived by differentials with $\\delta_u$ held constant; every gradient is then read off "
        r"as $\nabla_W f = \sum_u \nabla_W\langle\delta_u, u(W)\rangle$, the $\delta$s shared by "
        "all the variables (Goodfellow et al., Algorithm 6.4). Each $\\delta$ is checked against the "
        "derivatives of $f$ as a function of its quantity, entry by entry.",
    ),
}


def checking() -> tuple[Markup, ...]:
    """How each line is checked, in three paragraphs: where, how, and what a summary reports (the
    figures of ``gen.verify``)."""
    t = figure(STEP)
    where = (
        "Each equality in a proof is evaluated numerically on both sides, independently of the algebra "
        f"that produced it: by default at {CheckSettings.samples} random points, two at each of two "
        "assignments of distinct small sizes to the dimensions, one all even and one all odd "
        "($n = 4, m = 2$, then $n = 5, m = 3$), so that a statement true at one size only, or a shape "
        "mistake, shows. Each variable is drawn over its whole declared domain (symmetric, positive "
        "definite, orthogonal, a probability vector, \\dots, as assumed), a square matrix with "
        "determinants of both signs wherever the assumptions allow; a point where a matrix to invert is "
        "nearly singular, the argument of a logarithm barely positive, or an entry near a kink of a "
        "piecewise function is drawn again."
    )
    how = (
        "A differential is evaluated along a random direction, by the complex step "
        f"($\\operatorname{{Im}} F(X + ih\\,\\mathrm{{d}}X)/h$, $h = {figure(COMPLEX_STEP)}$, exact to "
        "rounding) where every function in it is analytic, else by a six-point central difference of "
        f"step ${t}$; a proof entry by entry takes the unit direction of a random entry, and a directional "
        "proof evaluates an equality at a finite $t$ at a random small $t$, and a limit by extrapolating "
        f"its argument from $t = \\pm {t}, \\pm 5\\times 10^{{-4}}, \\pm 2.5\\times 10^{{-4}}$. "
        "Independently of every proof, the result is compared with central finite differences of the "
        "function, entry by entry of the variable (a Hessian with those of the gradient, and the gradient "
        "with those of the function), and a claimed value with the result, term by term, so that a "
        "dropped small term fails."
    )
    reported = (
        f"Errors are relative (absolute below a magnitude of ${figure(FLOOR)}$); a check passes within "
        f"the tolerance, ${figure(CheckSettings.tolerance)}$ unless the spec sets another. The figure a "
        "derivation reports is not the measured error, whose last digits depend on the machine, but the "
        f"bound rounding stays within: ${figure(ROUNDING['='])}$ for two sides evaluated directly, "
        f"${figure(ROUNDING['fd'])}$ for central differences, limits and finite differences (or the "
        "tolerance, should an error exceed that bound). The line that ends each derivation, such as "
        "\\emph{Checked at $n = 4, 5$: lines within $10^{-9}$, finite differences within $10^{-7}$}, gives "
        "the sizes of its dimensions at the two assignments ($(n, m) = (4, 2), (5, 3)$ for two), the number "
        "of points if it is not the default, and these bounds."
    )
    return tuple(Markup(p) for p in (where, how, reported))


CONVENTIONS = Markup(
    r"Vectors are columns. Gradients are in denominator layout: $\nabla_X f$ has the shape of $X$, and "
    r"$\mathrm{d}f = \operatorname{tr}((\nabla_X f)^{\top}\mathrm{d}X)$; in numerator layout, where a "
    r"spec asks for it, $\partial f/\partial X = (\nabla_X f)^{\top}$. The Jacobian of $F$ is "
    r"$\partial\operatorname{vec}F/\partial(\operatorname{vec}X)^{\top}$, one row per entry of $F$, "
    r"where $\operatorname{vec}$ stacks the columns of a matrix into a vector. $A \circ B$ is the "
    r"entrywise (Hadamard) product, $A^{\circ k}$ the entrywise power, $\exp^{\circ}$ a function applied "
    r"to each entry (a function written without $\circ$ is the matrix function), and $A \otimes B$ the "
    r"Kronecker product; $\mathbf{1}$ is a vector of ones and $I$ the identity. A long function is "
    r"called $f$ in its proof. For a symmetric variable the gradient is the one within symmetric "
    r"matrices, $\tfrac{1}{2}(G + G^{\top})$, unless the spec asks for the Matrix Cookbook's "
    r"$G + G^{\top} - \operatorname{diag}(G)$."
)


def introduction(methods: Iterable[str]) -> tuple[Paragraph, ...]:
    """The introduction of notes whose proofs use ``methods`` (names of ``METHODS``)."""
    used = set(methods)
    return (
        Paragraph("", Markup(READING)),
        *(Paragraph(title, Markup(text)) for name, (title, text) in METHODS.items() if name in used),
        *(Paragraph("How each line is checked" * (i == 0), p) for i, p in enumerate(checking())),
        Paragraph("Conventions", CONVENTIONS),
    )
