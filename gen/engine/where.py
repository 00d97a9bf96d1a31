"""The spec's ``where:``: named intermediate quantities, parsed in order and their shapes inferred.

``where: {a: W1*x + b1, h: tanh(a), z: W2*h}`` — each definition is read with the
spec's symbols and the names before it; a name takes its definition's shape. A
name must be used: in the function (where its definition occurs), in a later
definition, or in a claim, a compared value or a step.
"""

from __future__ import annotations

import sympy as sp

from ..errors import SpecError
from ..expr import ir
from ..expr.lower import parse_expr
from ..expr.parser import Name, parse_ast, pieces
from ..spec.model import Spec
from .named import NO_NAMES, Named


def named_of(spec: Spec, symbols: dict) -> Named:
    """The spec's ``where`` as names over ``symbols`` (which are not changed)."""
    table, pairs, sizes = dict(symbols), [], {}
    names = [name.value for name, _ in spec.where]
    for k, (name, text) in enumerate(spec.where):
        refuse_forward(text, names[k:], name.value)
        definition = parse_expr(text, table)
        if isinstance(definition, (sp.Symbol, sp.MatrixSymbol)):
            message = f"'{name.value}' only renames '{definition}'; write '{definition}' where it is used"
            raise SpecError(message, text.span)
        symbol = name_symbol(name.value, definition)
        sizes[symbol] = unfolded_size(definition, sizes)
        if sizes[symbol] > MAX_UNFOLDED:
            message = (
                f"the definition of '{name.value}', its names written out, has {sizes[symbol]} parts "
                f"(the limit is {MAX_UNFOLDED}): each name used twice doubles it"
            )
            raise SpecError(message, text.span)
        pairs.append((symbol, ir.scalar(definition)))
        table[name.value] = symbol
    return Named(tuple(pairs)) if pairs else NO_NAMES


# the nodes of a definition with its names written out, as the checks and the proof may write it;
# a chain of names each used twice (a2: a1*A + B*a1, …) doubles at each step (work counted)
MAX_UNFOLDED = 100_000


def unfolded_size(definition, sizes: dict) -> int:
    """The nodes of ``definition``'s tree (a symbol, a number: one), each earlier name counted as its
    definition's (``sizes``): counted once per distinct node, so the count is quick however large
    the tree."""
    counted: dict = {}

    def count(node) -> int:
        if node in sizes:
            return sizes[node]
        if node.is_Atom or isinstance(node, sp.MatrixSymbol):
            return 1
        if node not in counted:
            counted[node] = 1 + sum(count(arg) for arg in node.args)
        return counted[node]

    return count(definition)


def name_symbol(name: str, definition):
    """A symbol of the definition's shape: a number's (or a 1×1 product's) name is a number."""
    if not ir.is_matrix(definition) or ir.is_one_by_one(definition):
        return sp.Symbol(name, real=True)
    return sp.MatrixSymbol(name, *definition.shape)


def refuse_forward(text, later: list[str], name: str) -> None:
    """A definition uses only earlier names: not its own, nor one defined after it."""
    for node in pieces(parse_ast(text)):
        if isinstance(node, Name) and node.name in later:
            what = "itself" if node.name == name else f"'{node.name}', which is defined after it"
            raise SpecError(f"the definition of '{name}' uses {what}", text.at(node.pos))


def table_with(symbols: dict, named: Named) -> dict:
    """The spec's symbols and the names: what a claim, a compared value or a step may use."""
    return {**symbols, **{str(name): name for name in named.symbols}}


def require_used(spec: Spec, named: Named, function, written: tuple) -> None:
    """Every name stands somewhere: in the function (folded), a later definition, or ``written``
    (the parsed claims, compared values and steps)."""
    folded = named.fold(function)
    for k, ((name, _), (symbol, _)) in enumerate(zip(spec.where, named.pairs)):
        later = (definition for _, definition in named.pairs[k + 1 :])
        if not any(e.has(symbol) for e in (folded, *later, *written)):
            message = f"'{name.value}' is not used: its definition does not occur in the function"
            raise SpecError(f"{message} (nor in a later definition, claim or step); remove it", name.span)
