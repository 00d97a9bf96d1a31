"""What a document says of the spectral nodes it shows: one clause each, after the hypothesis.

``q_{\\max}(X)``, ``u_{1}(X)``, ``\\Phi`` are not standard enough to go unexplained: each node in
the function, the claim, the steps, the compared values, the result or the gradient before
symmetrisation gets its clause, with its own argument.
"""

from __future__ import annotations

import sympy as sp

from ..engine.derive import Derivation
from ..expr import spectral
from ..expr.latex import latex

ORDINAL = {spectral.MAX: "largest", spectral.MIN: "smallest"}

# {e}: the node, {a}: its argument, {k}: which eigenvalue, {lam}: that eigenvalue, {v}, {s}: the
# right singular vector and the largest singular value
CLAUSES = {
    spectral.Eigenvalue: "${e}$ is the {k} eigenvalue of ${a}$ (a simple one)",
    spectral.Eigenvector: "${e}$ is a unit eigenvector of ${a}$ for ${lam}$ (its sign cancels)",
    spectral.SingularValue: "${e} = \\lVert {a}\\rVert_{{2}}$ is the largest singular value of ${a}$, simple",
    spectral.LeftSingular: "${e}$ and ${v}$ are unit singular vectors for it: ${a}\\,{v} = {s}\\,{e}$",
    spectral.Nuclear: "${e}$ is the nuclear norm of ${a}$ (of full rank), the sum of its singular values",
    spectral.Polar: "${e} = UV^{{\\top}}$ for the thin SVD ${a} = U\\Sigma V^{{\\top}}$",
    spectral.Cholesky: "${e}$ is the Cholesky factor of ${a}$: lower triangular, ${e}\\,{e}^{{\\top}} = {a}$",
    spectral.TrilHalf: "$\\Phi$ takes the lower triangle of a matrix with half its diagonal",
}
NAMED_WITH = {spectral.RightSingular: spectral.LeftSingular}  # one clause names both vectors


def clause(node) -> str:
    k = (
        getattr(node, "k", spectral.MAX)
        if isinstance(node, (spectral.Eigenvalue, spectral.Eigenvector))
        else 0
    )
    return CLAUSES[type(node)].format(
        e=latex(node),
        a=latex(node.arg),
        k=ORDINAL.get(k, f"{k}-th smallest"),
        lam=latex(spectral.Eigenvalue(node.arg, k)) if k else "",
        v=latex(spectral.RightSingular(node.arg)),
        s=latex(spectral.SingularValue(node.arg)),
    )


def shown(derivation: Derivation) -> list:
    """The expressions a document shows, where a spectral node may stand."""
    compared = (value for _, value in derivation.compare)
    shown = [derivation.function, derivation.result, derivation.identified, derivation.claim]
    return [e for e in (*shown, *derivation.steps, *compared) if e is not None]


def notation(derivation: Derivation) -> str:
    """`` Here $\\lambda_{\\max}(X)$ is the largest eigenvalue of $X$; …`` (empty without spectral nodes)."""
    nodes = {}
    for expr in shown(derivation):
        for node in sp.preorder_traversal(expr):
            if type(node) in NAMED_WITH:
                node = NAMED_WITH[type(node)](node.arg)
            if type(node) in CLAUSES:
                nodes.setdefault(spectral.TrilHalf if isinstance(node, spectral.TrilHalf) else node, node)
    clauses = [clause(node) for node in nodes.values()]
    return " Here " + "; ".join(clauses) + "." if clauses else ""
