"""The summation convention (Einstein's): an index repeated in a term is summed over.

``% derivtex: summation convention`` makes ``A_{ij} B_{jk}`` read as ``\\sum_j A_{ij} B_{jk}``.
Without it, a side that reads consistently only with the convention (each repeated index occurs in
no other term: ``h_i W_{ib} + b_b``) is refused with that hint, never read literally: a literal
``A_{ip} B_{qi}`` has i free, and a check of it would answer a question the author did not ask.
A repeated index also free in another term (``\\sum_j e^{x_j} e^{x_i} - e^{x_i} e^{x_i}``) is a
product of equal entries, read literally.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace

from ..expr.parser import BinOp, Call, Neg, Postfix
from ..expr.texindex import Entry, IndexSum
from .indexnodes import Delta, Derivative, NotUnderstood, nodes

HINT = "declare % derivtex: summation convention, or write the sum (\\sum_{{{0}}})"


def summed(tree):
    """``tree`` with the convention's sums written out (the file declares the convention)."""
    rewritten, _, consistent, _ = convened(tree)
    if not consistent:
        raise NotUnderstood("with the summation convention, the terms of a sum have different free indices")
    return rewritten


def evident(trees: list, others: int) -> str | None:
    """Why the chain's sides in index notation (``trees``, beside ``others`` sides without) read
    consistently only with the summation convention, or None: some index is repeated in a term, and
    two of the sides (claimed equal) agree on their free indices with the repeated ones summed while
    as written they do not (or a side alone beside matrix sides reduces to a number only so)."""
    readings = [(literal_free(t), *convened(t)[1:]) for t in trees]
    repeated = sorted(set().union(*(r[3] for r in readings))) if readings else []
    if not repeated:
        return None
    if len(readings) > 1:
        evident = any(agree_only_summed(a, b) for a, b in itertools.combinations(readings, 2))
    else:
        literal, summed_free, consistent, _ = readings[0]
        evident = consistent and others > 0 and not summed_free and bool(literal)
    if not evident:
        return None
    message = f"the index {repeated[0]} is repeated in a term and summed by convention?"
    return f"{message} {HINT.format(repeated[0])}"


def agree_only_summed(a: tuple, b: tuple) -> bool:
    """Whether two sides of a chain (their readings) agree on their free indices with the repeated
    ones summed, each consistently, but not as written: two sides claimed equal, so the author sums."""
    return a[2] and b[2] and a[1] == b[1] and a[0] != b[0]


def literal_free(node, bound: frozenset = frozenset()) -> frozenset:
    """The indices ``node`` leaves free as written (no convention)."""
    from dataclasses import fields, is_dataclass

    if isinstance(node, (Entry, Delta)):
        own = frozenset(i for i in node.indices if i.isalpha()) - bound
        return own | (literal_free(node.operand, bound) if isinstance(node, Entry) else frozenset())
    if isinstance(node, IndexSum):
        return literal_free(node.body, bound | set(node.indices))
    if not is_dataclass(node):
        return frozenset()
    out = frozenset()
    for f in fields(node):
        value = getattr(node, f.name)
        for child in value if isinstance(value, tuple) else (value,):
            if is_dataclass(child):
                out |= literal_free(child, bound)
    return out


def convened(node, bound=frozenset()):
    """(node with the implied sums, its free indices, whether each sum's terms agree on them,
    the indices summed by the convention)."""
    if isinstance(node, BinOp) and node.op in "+-":
        parts = [convened(node.left, bound), convened(node.right, bound)]
        with_indices = [p[1] for p, side in zip(parts, (node.left, node.right)) if occurrences(side)]
        agree = all(f == with_indices[0] for f in with_indices)
        free = frozenset().union(*(p[1] for p in parts))
        repeated = parts[0][3] | parts[1][3]
        return (
            BinOp(node.op, parts[0][0], parts[1][0], node.pos),
            free,
            agree and parts[0][2] and parts[1][2],
            repeated,
        )
    factors = product_factors(node)
    if len(factors) > 1 or isinstance(node, Entry):
        return term(node, factors, bound)
    return inside(node, bound)


def product_factors(node) -> list:
    if isinstance(node, BinOp) and node.op in ("*", "/", ".*"):
        return product_factors(node.left) + product_factors(node.right)
    return [node]


def term(node, factors: list, bound: frozenset):
    """A product: an index occurring twice among its factors is summed."""
    counts: Counter = Counter()
    consistent, repeated = True, set()
    for factor in factors:
        if isinstance(factor, Entry):
            _, free, agree, more = inside(factor.operand, by_entry(factor, bound))
            counts.update(i for i in factor.indices if i.isalpha())
            counts.update(free - by_entry(factor, frozenset()))  # ∂(X_{ak} W_{kj})/∂X_{ab}: a once
        else:
            _, free, agree, more = convened(factor, bound)
            counts.update(free)
        consistent, repeated = consistent and agree, repeated | more
    twice = sorted(i for i, n in counts.items() if n == 2 and i not in bound)
    if any(n > 2 for i, n in counts.items() if i not in bound):
        consistent = False  # an index three times in a term: no convention reads it
    rewritten = rebuilt(node, bound)
    if twice:
        rewritten = IndexSum("sum", tuple(twice), rewritten, getattr(node, "pos", 0))
    free = frozenset(i for i, n in counts.items() if n == 1 or i in bound)
    return rewritten, free, consistent, repeated | set(twice)


def rebuilt(node, bound: frozenset):
    """``node`` with the convention applied inside its factors (not to the product itself)."""
    if isinstance(node, BinOp) and node.op in ("*", "/", ".*"):
        return BinOp(node.op, rebuilt(node.left, bound), rebuilt(node.right, bound), node.pos)
    if isinstance(node, Entry):
        return Entry(inside(node.operand, by_entry(node, bound))[0], node.indices, node.pos)
    return convened(node, bound)[0]


def by_entry(entry: Entry, bound: frozenset) -> frozenset:
    """The indices bound inside an entry: a derivative by W_{ji} fixes j and i in what it
    differentiates (∂(W_{ji} h_i)/∂W_{ji} = h_i: no sum over i)."""
    if isinstance(entry.operand, Derivative):
        return bound | {i for i in entry.indices if i.isalpha()}
    return bound


def inside(node, bound=frozenset()):
    """A node that is not a sum or a product: the convention applied to its parts."""
    if isinstance(node, Entry):
        operand, free, agree, repeated = inside(node.operand, by_entry(node, bound))
        return (
            Entry(operand, node.indices, node.pos),
            free | {i for i in node.indices if i.isalpha()},
            agree,
            repeated,
        )
    if isinstance(node, Delta):
        return node, frozenset(node.indices), True, set()
    if isinstance(node, Neg):
        operand, free, agree, repeated = convened(node.operand, bound)
        return Neg(operand, node.pos), free, agree, repeated
    if isinstance(node, Postfix):
        operand, free, agree, repeated = convened(node.operand, bound)
        exponent = (
            convened(node.exponent, bound) if node.exponent is not None else (None, frozenset(), True, set())
        )
        rewritten = Postfix(node.op, operand, node.pos, exponent[0], node.caret)
        return rewritten, free | exponent[1], agree and exponent[2], repeated | exponent[3]
    if isinstance(node, Call):
        parts = [convened(a, bound) for a in node.args]
        free = frozenset().union(*(p[1] for p in parts)) if parts else frozenset()
        repeated = set().union(*(p[3] for p in parts)) if parts else set()
        call = Call(node.name, tuple(p[0] for p in parts), node.pos, node.entrywise)
        return call, free, all(p[2] for p in parts), repeated
    if isinstance(node, IndexSum):
        body, free, agree, repeated = convened(node.body, bound | set(node.indices))
        return replace(node, body=body), free - set(node.indices), agree, repeated
    if isinstance(node, Derivative):
        f, free, agree, repeated = convened(node.f, bound)
        return replace(node, f=f), free, agree, repeated
    return node, frozenset(), True, set()


def occurrences(node) -> bool:
    """Whether an index is written anywhere in ``node``."""
    return any(isinstance(n, (Entry, Delta)) for n in nodes(node))
