"""Densities as values: a density the text defines, ``p(x \\mid \\mu, \\Sigma) := \\mathcal{N}(x \\mid \\mu,
\\Sigma)`` or ``\\log p(x \\mid \\mu, \\sigma) = …`` (a display whose side is the log of an undefined
density of its parameters), and the known ones, written out so ``\\ln p`` links evaluate at random
points. The front end reads ``p(x \\mid \\theta)`` as the call ``p(x, theta)`` (`gen.expr.texdensity`);
`gen.texcheck.links.substitute` replaces it here.

A density is kept as ``exp(log-density)``, and the log of one is its log-density exactly: no
``log(exp(…))`` evaluated, and the identity is only ever applied to a density, a real number.

Derivatives by a variance written ``\\sigma^2``: ``∂f/∂σ² = G`` is ``∂f/∂σ = 2σ G`` (the chain rule
through σ ↦ σ², invertible where σ ≠ 0), for a number σ only.
"""

from __future__ import annotations

from functools import cache

from ..errors import Span
from ..expr.functions import FUNCTIONS
from ..expr.parser import BinOp, Call, Name, Num, Postfix
from ..expr.texbars import DENSITIES
from ..expr.texdensity import KNOWN_DENSITIES
from ..spec.reader import Text

# Known densities: name → (parameters, the log-density in LaTeX). The multivariate normal's
# dimension is tr(S⁻¹S), so one formula serves a vector x with a covariance and a number x with a
# variance (N(x | μ, σ²): the second parameter is the variance, as in Bishop).
KNOWN = {
    "Ncal": (
        ("x", "m", "S"),
        r"-\frac{1}{2}\operatorname{tr}(S^{-1} S) \log(2\pi) - \frac{1}{2}\log|S|"
        r" - \frac{1}{2}(x - m)^\top S^{-1} (x - m)",
    ),
}
assert set(KNOWN) == KNOWN_DENSITIES


@cache
def known_log_density(name: str):
    """(parameters, log-density AST) of a known density."""
    from ..expr.tex import parse_tex

    params, latex = KNOWN[name]
    return params, parse_tex(Text(latex, Span("<known density>", 1, 1)), names=params)


def is_known(tree, scope) -> bool:
    return isinstance(tree, Call) and tree.name in KNOWN and tree.name not in scope.defined


def log_density(tree, scope):
    """For ``log D(args)`` with D a density the text defines by its log or a known one: (params,
    body, args), the log-density to substitute with params = args; None otherwise. For
    ``p := \\mathcal{N}(…)``: ``log`` of p's body, which the next substitution resolves."""
    if not (isinstance(tree, Call) and tree.name == "log" and len(tree.args) == 1):
        return None
    inner = tree.args[0]
    if is_known(inner, scope):
        params, body = known_log_density(inner.name)
        return params, body, inner.args
    if not (isinstance(inner, Call) and inner.name in scope.defined):
        return None
    definition = scope.defined[inner.name]
    body = definition.tree
    if isinstance(body, Call) and body.name == "exp" and getattr(body, "density", False):
        return definition.params, body.args[0], inner.args
    if is_known(body, scope) or isinstance(body, Call) and body.name in scope.defined:
        return definition.params, Call("log", (body,), tree.pos), inner.args
    return None


def density_value(tree, scope):
    """A known density applied, ``\\mathcal{N}(x \\mid \\mu, \\Sigma)``: (params, exp of its
    log-density, args); None otherwise."""
    if not is_known(tree, scope):
        return None
    params, body = known_log_density(tree.name)
    return params, Density("exp", (body,), tree.pos), tree.args


class Density(Call):
    """``exp(log-density)``: a density, whose log is the log-density (never a matrix exponential)."""

    density = True


def log_density_definition(lone, body, undefined_call):
    """``\\log p(x \\mid \\mu, \\sigma) = body`` with p undefined: (p, params, exp(body)), p a density
    of its parameters; None if ``lone`` is something else."""
    if not (isinstance(lone, Call) and lone.name == "log" and len(lone.args) == 1):
        return None
    inner = lone.args[0]
    if not isinstance(inner, Call) or inner.name in FUNCTIONS or inner.name in KNOWN:
        return None
    names = [a.name for a in inner.args if isinstance(a, Name)]
    if len(names) != len(inner.args) or len(set(names)) != len(names) or undefined_call(body):
        return None
    return inner.name, tuple(names), Density("exp", (body,), lone.pos)


def is_density(name: str) -> bool:
    """``p``, ``q``, ``p_X``: the names the front end reads as densities."""
    return name.split("_")[0] in DENSITIES


def undeclared_density(name: str, arity: int) -> str:
    """What declares a density the text uses without defining it."""
    params = ", ".join(("x", "\\mu", "\\Sigma", "\\nu")[:arity])
    return (
        f"% derivtex: {name}({params}) := \\mathcal{{N}}(…) (or the density written out),"
        f" or a display \\log {name}(…) = … before it"
    )


def squared_variable(tree) -> str | None:
    """``σ`` if ``tree`` is ``σ²`` (the variable of ``∂/∂σ²``)."""
    squared = isinstance(tree, Postfix) and tree.op == "^" and isinstance(tree.exponent, Num)
    if squared and isinstance(tree.operand, Name) and float(tree.exponent.text) == 2:
        return tree.operand.name
    return None


def by_square(gradient, other):
    """``∂f/∂σ² = G`` as ``∂f/∂σ = 2σ G``: the other side times 2σ."""
    two_sigma = BinOp("*", Num("2", gradient.pos), Name(gradient.variable, gradient.pos), gradient.pos)
    return BinOp("*", two_sigma, other, gradient.pos)
