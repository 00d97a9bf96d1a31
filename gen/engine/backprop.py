"""Backpropagation (reverse mode): the presentation of Goodfellow et al., Deep Learning, §6.5.

The forward pass names the intermediates (the spec's ``where:``, or the layers found here); the
backward pass gives each name ``v`` its adjoint ``δ_v = ∇_v f``, from the output back:

    δ_v = Σ_u ∇_v ⟨δ_u, u(v)⟩   over the names u that use v (and f itself, with δ_f = 1),

each term the gradient of the number ``tr(δ_uᵀ u)`` with ``δ_u`` held constant, which the engine
already derives (``derive_core``). A ``wrt`` gradient is read off the same way, ``Σ_u ∇_W ⟨δ_u, u(W)⟩``.
An activation (a name defined by a nonlinear function, ``h = tanh(a)``) has its adjoint written out
where it is used (``δ_a = (W₂ᵀδ_z) ∘ (1 − h∘h)``), as the textbooks do; every other name's is a symbol.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..errors import Unsupported
from ..expr import ir
from .methods import derive_core, simplify_gradient
from .named import Named
from .proof import Chain, Proof, Step
from .registry import fact

SOURCE = "Goodfellow, Bengio & Courville, Deep Learning, §6.5, Algorithm 6.4"

fact(
    "adjoint",
    r"\delta_v = \nabla_v f = \textstyle\sum_u \nabla_v \langle \delta_u, u(v)\rangle",
    SOURCE,
    "The adjoint of v sums what each quantity using v passes back (the chain rule).",
)

fact(
    "backpropagated gradient",
    r"\nabla_W f = \textstyle\sum_u \nabla_W \langle \delta_u, u(W)\rangle",
    SOURCE,
    "A parameter's gradient sums the adjoints of the quantities it enters, each times its input.",
)

# a function applied to each entry (tanh, exp, log, relu, sigmoid, …), or to each row
NONLINEAR = (ir.Elementwise, ir.Softmax, ir.RowSoftmax, ir.RowLogSumExp)
OUTPUT = sp.Symbol("f")  # f itself among the users of a name: its adjoint is 1


@dataclass(frozen=True)
class Adjoint:
    """``δ_v`` and its value, from the quantities ``uses`` that use ``v`` (``f`` among them)."""

    name: object
    delta: object
    value: object
    uses: tuple
    through: tuple  # the names its value passes back through (an activation's users after it)


@dataclass(frozen=True)
class Backprop:
    """The forward pass, ``f`` in its names, the adjoints from the output back, each gradient's users."""

    named: Named
    function: object
    adjoints: tuple[Adjoint, ...]
    uses: tuple[tuple[object, tuple], ...]  # (wrt variable, the quantities it enters)

    @property
    def definitions(self) -> tuple:
        """(symbol, expression) for every name and δ: what evaluation substitutes."""
        return (*self.named.pairs, *((a.delta, a.value) for a in self.adjoints))

    def written_out(self, expr):
        """``expr`` in the spec's symbols only: every δ replaced by its value, every name unfolded."""
        for adjoint in reversed(self.adjoints):  # the latest δ first: its value holds the earlier ones
            expr = expr.xreplace({adjoint.delta: adjoint.value})
        return self.named.unfold(expr)

    def downstream(self, v):
        """``f`` as a function of ``v``: every other name written out (those after v recomputed)."""
        others = Named(tuple(p for p in self.named.pairs if p[0] != v))
        return others.unfold(self.function)


def backprop_proof(function, variables: tuple, facts, named: Named, taken: set) -> Proof:
    """The proof by backpropagation of every ``wrt`` gradient at once, the δs shared."""
    refuse_unsupported(function, variables)
    named = named if named.pairs else layers(function, variables, taken)
    if not named.pairs:
        raise Unsupported(
            "the backprop method needs layers: a nonlinear function (tanh, exp, log, relu, …) applied to "
            "an expression in the 'wrt' variables; this function has none, use the differential method"
        )
    f = named.fold(function)
    activations = {
        v for v, d in named.pairs if any(isinstance(n, NONLINEAR) for n in sp.preorder_traversal(d))
    }
    deltas, adjoints, inlined = {OUTPUT: sp.Integer(1)}, [], {}
    for v in reversed(named.symbols):
        uses = users(v, f, named)
        value = named.fold(passed_back(v, uses, f, named, deltas, facts).last)
        through = tuple(w for u in uses for w in (u, *inlined.get(u, ())))
        if v in activations and OUTPUT not in uses:  # written out where it is used
            deltas[v], inlined[v] = value, through
            continue
        deltas[v] = sp.MatrixSymbol(f"delta_{v.name}", *v.shape)
        adjoints.append(Adjoint(v, deltas[v], value, uses, through))
    gradients, entered = [], []
    for W in variables:
        uses = users(W, f, named)
        chain = passed_back(W, uses, f, named, deltas, facts)
        steps = tuple(Step(named.fold(s.expr), s.rule) for s in chain.steps)
        gradients.append(Chain(None, (Step(steps[0].expr, "backpropagated gradient"), *steps[1:])))
        entered.append((W, uses))
    chain = Chain(None, tuple(Step(a.value, "adjoint", a.delta) for a in adjoints))
    backprop = Backprop(named, f, tuple(adjoints), tuple(entered))
    partials = tuple(zip(variables[1:], gradients[1:]))
    return Proof("backprop", variables[0], chain, gradients[0], partials=partials, backprop=backprop)


def refuse_unsupported(function, variables) -> None:
    """Backpropagation here: gradients of a number with respect to vectors and matrices."""
    if ir.is_matrix(function) and not ir.is_one_by_one(function):
        raise Unsupported("the backprop method computes gradients of a number, not a Jacobian")
    if scalar := next((v for v in variables if not ir.is_matrix(v)), None):
        raise Unsupported(f"the backprop method needs matrix or vector variables; '{scalar}' is a number")


def users(v, f, named: Named) -> tuple:
    """The names whose definitions use ``v``, in order, and ``f`` last if it uses ``v`` itself."""
    later = tuple(u for u, d in named.pairs if d.has(v) and u != v)
    return (*later, OUTPUT) if f.has(v) else later


def passed_back(v, uses: tuple, f, named: Named, deltas: dict, facts) -> Chain:
    """``Σ_u ∇_v ⟨δ_u, u(v)⟩``, simplified; each term derived by the engine with ``δ_u`` constant."""
    definitions = dict(named.pairs)
    try:
        terms = [
            derive_core(f if u is OUTPUT else inner(deltas[u], definitions[u]), v, facts).gradient.last
            for u in uses
        ]
    except Unsupported as error:
        raise Unsupported(f"the backprop method: {error.message}") from None
    total = ir.add(*terms) if terms else sp.ZeroMatrix(*v.shape)
    return simplify_gradient(total, facts) if len(terms) > 1 else Chain(None, (Step(total),))


def inner(delta, u):
    """``⟨δ, u⟩ = tr(δᵀu)`` (``δᵀu`` for vectors)."""
    product = ir.mul(ir.transpose_of(delta), u)
    return product if u.shape[1] == 1 else ir.tr(product)


# --- the layers, when the spec names none ---------------------------------------------


def layers(function, variables: tuple, taken: set) -> Named:
    """Name each argument of a nonlinear function that brings in a ``wrt`` variable (a layer's
    pre-activation, ``a = W₁x + b₁``), and each nonlinear function of a name inside one (an
    activation, ``h = tanh(a)``); what follows the last layer is the loss, a function of its names."""
    pairs: list = []
    kinds: list = []

    def fold(e):
        return Named(tuple(pairs)).fold(e)

    def name(definition, kind: str):
        symbol = sp.MatrixSymbol(f"_{len(pairs)}", *definition.shape)
        pairs.append((symbol, definition))
        kinds.append(kind)

    for node in dict.fromkeys(n for n in sp.postorder_traversal(function) if isinstance(n, NONLINEAR)):
        argument = fold(node.arg)
        if argument in variables or not any(argument.has(v) for v in variables):
            continue
        names = {p[0] for p in pairs}
        inside = [n for n in sp.postorder_traversal(argument) if isinstance(n, NONLINEAR) and n.arg in names]
        if not all(isinstance(n, NONLINEAR) and n.arg in names for n in nonlinear(argument)):
            continue  # not a layer's linear part: a loss of the variables themselves, such as softmax(z)
        for activation in dict.fromkeys(inside):
            if fold(activation) == activation:
                name(activation, "activation")
        name(fold(argument), "pre-activation")
    return lettered(tuple(pairs), tuple(kinds), taken)


def nonlinear(e) -> list:
    """The outermost nonlinear functions in ``e``."""
    if isinstance(e, NONLINEAR):
        return [e]
    return [n for a in e.args for n in nonlinear(a)]


LETTERS = {  # the textbooks' letters, and others should the spec use them
    "pre-activation": ("a", "c", "r", "e", "o"),
    "activation": ("h", "g", "q", "v", "o"),
    "last": ("z", "s", "u", "o"),
}


def lettered(pairs: tuple, kinds: tuple, taken: set) -> Named:
    """The names given their letters: the last pre-activation z, the others a (a1, a2, … if several),
    the activations h (h1, h2, …), none clashing with ``taken``."""
    if not pairs:
        return Named()
    last = max(i for i, k in enumerate(kinds) if k == "pre-activation")
    groups = {"pre-activation": [], "activation": [], "last": []}
    for i, kind in enumerate(kinds):
        groups["last" if i == last else kind].append(i)
    names = {}
    for group, members in groups.items():
        names.update(letters(group, members, taken | {str(n) for n in names.values()}))
    renamed = {old: sp.MatrixSymbol(names[i], *old.shape) for i, (old, _) in enumerate(pairs)}
    return Named(tuple((renamed[old], d.xreplace(renamed)) for old, d in pairs))


def letters(group: str, members: list, taken: set) -> dict:
    """Index → name for one group: its first free letter, numbered when it has several members."""
    for letter in LETTERS[group]:
        candidates = [letter] if len(members) == 1 else [f"{letter}{k}" for k in range(1, len(members) + 1)]
        if not taken & {*candidates, f"delta_{letter}"}:
            return dict(zip(members, candidates))
    return {i: f"v{k}" for k, i in enumerate(members, 1)}
