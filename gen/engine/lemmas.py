"""The limit lemmas of the directional proof: each nonlinear rule proved at finite t, then as t → 0.

``D_U F = lim_{t→0} (F(X + tU) − F(X))/t``. A lemma's lines are checked at a
random finite ``t``; its last line, a limit, by evaluating at decreasing ``t``.
Compound pieces of a subject are named ``g, h, F, G, …`` to keep the lines short.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ..expr import ir, proof_nodes
from .proof import Chain, Lemma, Step
from .registry import MAGNUS_CH5, REGISTRY, fact


class Directional:
    """Writes ``d(F)`` as ``D_U F``, the limit of its difference quotient, and ``dX`` as ``U``.

    ``shifted`` maps a lemma's named pieces ``F`` to their values ``F_t`` at ``X + tU``.
    """

    def __init__(self, variable, direction, t, shifted: dict | None = None):
        self.X, self.U, self.t = variable, direction, t
        self.shifts = {variable: ir.add(variable, ir.mul(t, direction)), **(shifted or {})}
        self.variables = tuple(self.shifts)

    def at(self, F):
        """``F(X + tU)``."""
        return F.xreplace(self.shifts)

    def increment(self, F):
        """``F(X + tU) − F(X)`` (``tU`` for ``X`` itself)."""
        return ir.mul(self.t, self.U) if F == self.X else proof_nodes.difference(self.at(F), F)

    def quotient(self, F):
        """``(F(X + tU) − F(X))/t`` (``U`` for ``X`` itself)."""
        return self.U if F == self.X else proof_nodes.quotient(proof_nodes.difference(self.at(F), F), self.t)

    def derivative(self, F):
        """``D_U F = lim_{t→0} (F(X + tU) − F(X))/t`` (``U`` for ``X`` itself)."""
        return self.U if F == self.X else ir.limit(self.quotient(F), self.t, F, self.U)

    def __call__(self, e):
        return ir.rewrite_differentials(e, self.derivative)


def lemma(D: Directional, rule_name: str, F, letters) -> Lemma:
    """The lemma for ``rule_name`` at ``F``, its compound pieces named ``F, G, …`` for brevity."""
    pieces = dict.fromkeys(p for p in PIECES[rule_name](F) if p.has(D.X) and not simple(p))
    matrices, scalars = (iter([*free, *(f"{free[0]}{k}" for k in range(1, 10))]) for free in letters)
    names = {
        p: sp.MatrixSymbol(next(matrices), *p.shape) if ir.is_matrix(p) else sp.Symbol(next(scalars))
        for p in pieces
    }
    shifted = {n: placeholder_at(n, D.t) for n in names.values()}
    named = Directional(D.X, D.U, D.t, shifted)
    definitions = {**{n: p for p, n in names.items()}, **{shifted[n]: D.at(p) for p, n in names.items()}}
    chain = LEMMAS[rule_name](named, F.xreplace(names))
    return Lemma(rule_name, F, chain, tuple((n, p) for p, n in names.items()), tuple(definitions.items()))


def placeholder_at(name, t):
    """``F_t``, the named piece ``F`` at ``X + tU``."""
    label = f"{name.name}_{t.name}"
    return sp.MatrixSymbol(label, *name.shape) if ir.is_matrix(name) else sp.Symbol(label)


def simple(e) -> bool:
    """A symbol or its transpose: short enough to write out in a lemma."""
    return isinstance(e, (sp.MatrixSymbol, sp.Symbol)) or (
        isinstance(e, sp.Transpose) and isinstance(e.arg, sp.MatrixSymbol)
    )


# The pieces a lemma is stated for: the factors of a product, the argument of a function.
PIECES = {
    "product": lambda F: F.args,
    "Kronecker product": lambda F: F.args,
    "inverse": lambda F: (F.arg,),
    "power": lambda F: (F.base,),
    "determinant": lambda F: (F.arg,),
    "log-determinant": lambda F: (F.args[0].arg,),
    "Hadamard product": lambda F: F.args,
    "elementwise": lambda F: (F.arg,),
    "scalar function": lambda F: (F.arg,),
    "squared norm": lambda F: (F.base.arg,),
    "norm": lambda F: (F.arg,),
    "logarithm": lambda F: (F.args[0],),
    "exponential": lambda F: (F.args[0],),
    "scalar power": lambda F: (F.base,),
}


def limit_of(D: Directional, rule_name: str, F) -> Step:
    """The lemma's last line: what the differential rule gives, in limit notation."""
    return Step(D(REGISTRY[rule_name].apply(F, D.variables)), "continuity", relation="->")


fact(
    "continuity",
    r"\lim_{t\to 0} F(X + tU) = F(X)",
    MAGNUS_CH5,
    "Sums, products and inverses are continuous, so the limit of each factor may be taken.",
)


fact(
    "difference of inverses",
    r"A^{-1} - B^{-1} = A^{-1}(B - A)B^{-1}",
    MAGNUS_CH5,
    "Factor the difference of two inverses.",
)


fact(
    "increment",
    r"X - (X + tU) = -tU",
    MAGNUS_CH5,
    "The variable moved by ``tU``.",
)


fact(
    "sign",
    r"\frac{B - A}{t} = -\frac{A - B}{t}",
    MAGNUS_CH5,
    "Swap the terms of a difference.",
)


fact(
    "telescoping",
    r"A_tB_t - AB = (A_t - A)B_t + A(B_t - B)",
    MAGNUS_CH5,
    "Change one factor at a time.",
)


fact(
    "multiplicativity",
    r"\det(A + E) = \det(A)\det(I + A^{-1}E)",
    MAGNUS_CH5,
    "The determinant of a product is the product of the determinants.",
)


fact(
    "first-order determinant",
    r"\det(I + E) = 1 + \operatorname{tr}(E) + O(\lVert E\rVert^{2})",
    MAGNUS_CH5,
    "Expand the determinant to first order (and E = O(t)).",
)


fact(
    "first-order log-determinant",
    r"\log\det(I + E) = \operatorname{tr}(E) + O(\lVert E\rVert^{2})",
    MAGNUS_CH5,
    "Expand the log-determinant to first order (and E = O(t)).",
)


fact(
    "chain rule",
    r"\varphi(a + h) = \varphi(a) + \varphi'(a)\,h + o(h)",
    MAGNUS_CH5,
    "A differentiable scalar function is linear to first order.",
)


def inverse_lemma(D: Directional, F, rule_name="inverse", G=None) -> Chain:
    """``(F_t − F)/t`` for ``F = G⁻¹``: factor, swap the sign, let t → 0."""
    G = F.arg if G is None else G
    t = D.t
    factored = ir.mul(D.at(F), proof_nodes.quotient(proof_nodes.difference(G, D.at(G)), t), F)
    steps = [Step(factored, "difference of inverses")]
    steps.append(Step(ir.mul(-1, D.at(F), D.quotient(G), F), "increment" if G == D.X else "sign"))
    steps.append(limit_of(D, rule_name, F))
    return Chain(D.quotient(F), tuple(steps))


def power_lemma(D: Directional, F) -> Chain:
    """``F = G^k``: telescoping for k > 0, an inverse of ``G^{-k}`` for k < 0."""
    G, k = F.base, int(F.exp)
    if k < 0:
        return inverse_lemma(D, F, "power", G=sp.MatPow(G, -k) if k < -1 else G)
    power = lambda e, m: sp.Identity(e.shape[0]) if m == 0 else e if m == 1 else sp.MatPow(e, m)  # noqa: E731
    terms = [ir.mul(power(G, i), D.quotient(G), power(D.at(G), k - 1 - i)) for i in range(k)]
    return Chain(D.quotient(F), (Step(ir.add(*terms), "telescoping"), limit_of(D, "power", F)))


def leibniz_lemma(rule_name: str, combine):
    """For a product (ordinary, entrywise or Kronecker): change one varying factor at a time,
    earlier factors at X, later ones at X + tU."""

    def lemma(D: Directional, F) -> Chain:
        args = F.args
        terms = [
            combine(*args[:i], D.quotient(a), *(D.at(b) for b in args[i + 1 :]))
            for i, a in enumerate(args)
            if ir.depends_on(a, D.variables)
        ]
        return Chain(D.quotient(F), (Step(ir.add(*terms), "telescoping"), limit_of(D, rule_name, F)))

    return lemma


def determinant_lemma(D: Directional, F) -> Chain:
    G = F.arg
    relative = ir.add(sp.Identity(G.shape[0]), ir.mul(sp.Inverse(G), D.increment(G)))
    factored = ir.mul(
        F, proof_nodes.quotient(proof_nodes.difference(sp.Determinant(relative), sp.Integer(1)), D.t)
    )
    steps = (
        Step(factored, "multiplicativity"),
        replace(limit_of(D, "determinant", F), rule="first-order determinant"),
    )
    return Chain(D.quotient(F), steps)


def log_determinant_lemma(D: Directional, F) -> Chain:
    G = F.args[0].arg
    relative = ir.add(sp.Identity(G.shape[0]), ir.mul(sp.Inverse(G), D.increment(G)))
    steps = (
        Step(proof_nodes.quotient(sp.log(sp.Determinant(relative)), D.t), "multiplicativity"),
        replace(limit_of(D, "log-determinant", F), rule="first-order log-determinant"),
    )
    return Chain(D.quotient(F), steps)


fact(
    "difference of squares",
    r"\lVert A\rVert^{2} - \lVert B\rVert^{2} = \operatorname{tr}((A + B)^{\top}(A - B))",
    MAGNUS_CH5,
    "Expand both sides: tr(AᵀB) = tr(BᵀA).",
)


fact(
    "difference of norms",
    r"\lVert A\rVert - \lVert B\rVert"
    r" = \frac{\lVert A\rVert^{2} - \lVert B\rVert^{2}}{\lVert A\rVert + \lVert B\rVert}",
    MAGNUS_CH5,
    "Multiply and divide by the sum of the norms.",
)


def squares(D: Directional, G):
    """``tr((G_t + G)ᵀ (G_t − G)/t)``."""
    return sp.Trace(ir.mul(ir.transpose_of(ir.add(D.at(G), G)), D.quotient(G)))


def squared_norm_lemma(D: Directional, F) -> Chain:
    steps = (Step(squares(D, F.base.arg), "difference of squares"), limit_of(D, "squared norm", F))
    return Chain(D.quotient(F), steps)


def norm_lemma(D: Directional, F) -> Chain:
    G = F.arg
    over_sum = ir.mul(squares(D, G), sp.Pow(ir.add(D.at(F), F), -1))
    return Chain(D.quotient(F), (Step(over_sum, "difference of norms"), limit_of(D, "norm", F)))


def scalar_lemma(rule_name):
    def lemma(D: Directional, F) -> Chain:
        return Chain(D.quotient(F), (replace(limit_of(D, rule_name, F), rule="chain rule"),))

    return lemma


LEMMAS = {
    "product": leibniz_lemma("product", ir.mul),
    "Kronecker product": leibniz_lemma("Kronecker product", sp.KroneckerProduct),
    "inverse": inverse_lemma,
    "determinant": determinant_lemma,
    "log-determinant": log_determinant_lemma,
    "power": power_lemma,
    "Hadamard product": leibniz_lemma("Hadamard product", ir.hadamard),
    "elementwise": scalar_lemma("elementwise"),
    "scalar function": scalar_lemma("scalar function"),
    "squared norm": squared_norm_lemma,
    "norm": norm_lemma,
    "logarithm": scalar_lemma("logarithm"),
    "exponential": scalar_lemma("exponential"),
    "scalar power": scalar_lemma("scalar power"),
}
