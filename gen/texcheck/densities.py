"""Densities as values: a density the text defines, ``p(x \\mid \\mu, \\Sigma) := \\mathcal{N}(x \\mid \\mu,
\\Sigma)`` or ``\\log p(x \\mid \\mu, \\sigma) = …`` (a display whose side is the log of an undefined
density of its parameters), and the known ones, written out so ``\\ln p`` links evaluate at random
points. The front end reads ``p(x \\mid \\theta)`` as the call ``p(x, theta)`` (`gen.expr.texdensity`);
`gen.texcheck.links.substitute` replaces it here.

A density is kept as ``exp(log-density)``, and the log of one is its log-density exactly (`logged`:
no log of a density's tiny values evaluated; applied only to a density, a real number).

Derivatives by a variance written ``\\sigma^2``: ``∂f/∂σ² = G`` is ``∂f/∂σ = 2σ G`` (the chain rule
through σ ↦ σ², invertible where σ ≠ 0), for a number σ only.
"""

from __future__ import annotations

import re
from functools import cache

from ..errors import Span
from ..expr.functions import FUNCTIONS
from ..expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from ..expr.texbars import DENSITIES, Uncheckable
from ..expr.texdensity import KNOWN_DENSITIES
from ..spec.reader import Text
from .shapes import convention

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
    """For ``log D(args)`` with D a known density or one the text defines: (params, body, args), the
    log-density to substitute with params = args; None otherwise. For ``p := \\mathcal{N}(…)``:
    ``log`` of p's body, which the next substitution resolves."""
    if not (isinstance(tree, Call) and tree.name == "log" and len(tree.args) == 1):
        return None
    inner = tree.args[0]
    if is_known(inner, scope):
        params, body = known_log_density(inner.name)
        return params, body, isotropic(inner.args, scope)
    if not (isinstance(inner, Call) and inner.name in scope.defined):
        return None
    definition = scope.applied(inner)
    body = definition.tree
    if isinstance(body, str):
        return None
    if is_known(body, scope) or isinstance(body, Call) and body.name in scope.defined:
        return definition.params, Call("log", (body,), tree.pos), inner.args
    if not is_density(inner.name):  # log f(X) of a function f: the log of its value, as written
        return None
    return definition.params, logged(body, scope), inner.args


def same_density(tree, scope) -> None:
    """Refuse ``p(\\mu)`` or ``p(y \\mid X)`` where ``p(x \\mid \\mu)``, ``p(f \\mid X)`` is defined: a
    density's letter is reused for another density (a prior, a marginal), told apart by its
    arguments (the count, or the variable's name: x_i is a sample of x), never the same function."""
    inner = tree.args[0] if isinstance(tree, Call) and tree.name == "log" and len(tree.args) == 1 else tree
    if not (isinstance(inner, Call) and is_density(inner.name) and inner.name in scope.defined):
        return
    params = scope.applied(inner).params
    variable = inner.args[0] if inner.args else None
    other = (
        isinstance(variable, Name)
        and params
        and not re.match(rf"{re.escape(params[0])}(?:$|_)", variable.name)
    )
    if params and (len(params) != len(inner.args) or other):  # p(y | X) beside p(f | X): a marginal
        shown = f"{inner.name}({', '.join(params)})"
        of = ", ".join(names_in_args(inner))
        message = f"{inner.name}(…) of {of} is another density than the defined {shown}"
        raise Uncheckable(f"{message}: define it under a name of its own (% derivtex: q(…) := …)")


def names_in_args(call) -> list[str]:
    return [a.name if isinstance(a, Name) else "…" for a in call.args]


def density_value(tree, scope):
    """A known density applied, ``\\mathcal{N}(x \\mid \\mu, \\Sigma)``: (params, exp of its
    log-density, args); None otherwise."""
    if not is_known(tree, scope):
        return None
    params, body = known_log_density(tree.name)
    return params, Call("exp", (body,), tree.pos), isotropic(tree.args, scope)


def isotropic(args: tuple, scope) -> tuple:
    """``\\mathcal{N}(x \\mid \\mu, \\sigma^2)`` of a vector x: the covariance σ²I (Bishop's
    isotropic Gaussian), so the log-density has d ln σ², not ln σ²; of a number x, the variance."""
    if len(args) != 3 or not one_number(args[2], scope) or one_number(args[0], scope):
        return args
    return args[0], args[1], BinOp("*", args[2], Name("I", args[2].pos), args[2].pos)


def one_number(t, scope) -> bool:
    """Whether ``t`` is a number, by declaration or by the printed convention (σ: Greek lowercase)."""
    if isinstance(t, Name) and scope.lookup(t.name) is None and t.name not in ("pi", "e"):
        return convention(t.name)[0] == "scalar"
    if isinstance(t, Postfix) and t.op == "^":
        return one_number(t.operand, scope)
    if isinstance(t, BinOp) and t.op in "*/":
        return one_number(t.left, scope) and one_number(t.right, scope)
    return number(t, scope)


def logged(t, scope):
    """``log t`` for ``t`` a density, a number: the log of a product the sum of the logs, of
    ``exp(b)`` b, of a power the exponent times the log, so a density's tiny values never reach a log
    evaluated (the sampler keeps a log's argument above 0.1). A product is split only where a factor
    is evidently a number, so the other is a number too (``log(xᵀy)`` is not ``log xᵀ + log y``)."""
    if isinstance(t, Call) and t.name == "exp" and len(t.args) == 1:
        return t.args[0]
    if isinstance(t, Postfix) and t.op == "^" and isinstance(t.operand, Name) and t.operand.name == "e":
        return t.exponent
    if isinstance(t, BinOp) and t.op in "*/" and (number(t.left, scope) or number(t.right, scope)):
        op = "+" if t.op == "*" else "-"
        return BinOp(op, logged(t.left, scope), logged(t.right, scope), t.pos)
    if isinstance(t, Postfix) and t.op == "^" and t.exponent is not None:
        return BinOp("*", t.exponent, logged(t.operand, scope), t.pos)
    if isinstance(t, Call) and t.name == "sqrt" and len(t.args) == 1:
        half = BinOp("/", Num("1", t.pos), Num("2", t.pos), t.pos)
        return BinOp("*", half, logged(t.args[0], scope), t.pos)
    return Call("log", (t,), t.pos)


NUMBER_CALLS = ("det", "logdet", "tr")  # a number, whatever the argument's shape


def number(t, scope) -> bool:
    """Whether ``t`` is evidently a number: numbers, π, e, the declared scalars and dimensions,
    determinants and traces, and what arithmetic makes of them (|Σ| with Σ declared square)."""
    if isinstance(t, Num) or isinstance(t, Name) and t.name in ("pi", "e"):
        return True
    if isinstance(t, Name):
        declared = scope.lookup(t.name)
        return declared is not None and declared.shape == () or t.name in scope.dimensions()
    if isinstance(t, Call) and t.name in NUMBER_CALLS:
        return True
    if isinstance(t, Call) and t.name == "abs" and len(t.args) == 1 and isinstance(t.args[0], Name):
        declared = scope.lookup(t.args[0].name)
        shape = declared.shape if declared is not None else None
        return shape is not None and (shape == () or len(shape) == 2 and shape[0] == shape[1])
    if isinstance(t, Call) and t.name in ("sqrt", "exp", "log") and len(t.args) == 1:
        return number(t.args[0], scope)
    if isinstance(t, Neg):
        return number(t.operand, scope)
    if isinstance(t, Postfix) and t.op == "^":
        return number(t.operand, scope) and (t.exponent is None or number(t.exponent, scope))
    if isinstance(t, BinOp) and t.op in "+-*/":
        return number(t.left, scope) and number(t.right, scope)
    return False


def log_density_definition(lone, trees: list, undefined_call):
    """``\\log p(x \\mid \\mu, \\sigma) = body`` with p undefined: (p, params, exp(body)), p a density
    of its parameters; None if ``lone`` is something else or an undefined function occurs in
    ``trees`` (the body, then the chain's other sides)."""
    body = trees[0]
    if not (isinstance(lone, Call) and lone.name == "log" and len(lone.args) == 1):
        return None
    inner = lone.args[0]
    if not isinstance(inner, Call) or inner.name in FUNCTIONS or inner.name in KNOWN:
        return None
    names = [a.name for a in inner.args if isinstance(a, Name)]
    if len(names) != len(inner.args) or len(set(names)) != len(names) or any(map(undefined_call, trees)):
        return None
    return inner.name, tuple(names), Call("exp", (body,), lone.pos)


def is_density(name: str) -> bool:
    """``p``, ``q``, ``p_X``: the names the front end reads as densities."""
    return name.split("_")[0] in DENSITIES


CONDITION = re.compile(r"\\mid\b|\\vert\b|\||;")


def conditioned(name: str, text: str) -> bool:
    """Whether ``text``, a side starting ``name(``, is a density with a condition (``p(x \\mid \\mu)``,
    ``\\mathcal{N}(x; \\mu, \\Sigma)``), which the front end reads, not a function of the text."""
    return (name in KNOWN or is_density(name)) and CONDITION.search(text) is not None


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
