"""Expectations ``E[f]``: the mean of f over samples of the symbols the text declares random.

An identity between expectations that holds for every distribution holds for a distribution of a
few equally likely samples; so each ``E[f]`` becomes the average of f over such samples, and the
link is checked as any other. Every random symbol takes a few values (``x`` is ``x§1``, ``x§2``,
…, each drawn as x would be). The symbols declared ``independent`` vary on a grid, each
sample of one with each of the others (a product distribution); the others are drawn together,
sample k of each at once (any joint distribution). A ``zero mean`` symbol's last draw is minus
the sum of the others: its mean is exactly zero. k values of an n-vector have a covariance of rank
k - 1 at most, singular where the text inverts it at n ≥ k: a link undefined at every point is
checked again with as many values as a grid of all the symbols declared random allows, up to
``MOST_DRAWS`` (`more_draws`). A step that needs what the
annotations do not state (a mean, an independence, a covariance not defined as ``R := E[v v^T]``)
fails at such samples; one that holds only where E is dropped is never taken for true: with no
symbol declared random, ``E[…]`` cannot be checked.
"""

from __future__ import annotations

from itertools import product

from ..expr.parser import BinOp, Call, Name, Neg, Num
from ..expr.texbars import Uncheckable
from .indexnodes import mapped, nodes

DRAWS = 3  # values per random symbol first: two are not enough (x and -x make every odd moment vanish)
MOST_DRAWS = 9  # values per random symbol at most: a covariance of rank 8 (the sizes drawn are smaller)
MOST = 81  # copies of f in one expectation (9 of one or two groups, 4 of three, 3 of four)
SAMPLE = "§"  # x§2: the second value drawn of the random symbol x
RANDOM = ("random", "independent", "zero mean")  # the words of an annotation (symbols.declaration)


def base(name: str) -> str:
    """The symbol a sample stands for (``x§2`` → ``x``); any other name is itself."""
    return name.split(SAMPLE, 1)[0]


def averaged(tree, scope):
    """``tree`` with each ``E[f]`` the average of f over the samples (innermost first)."""
    expectation = lambda t: isinstance(t, Call) and t.name == "expect"  # noqa: E731
    tree = parenthesized(tree, scope)
    return mapped(tree, lambda t: mean(unconditioned(t, scope), scope, t.pos) if expectation(t) else t)


def unconditioned(expectation: Call, scope):
    """What ``E[f \\mid g]`` averages: f, where g holds only symbols declared and not random
    (conditioning on what does not vary changes nothing: E[y \\mid X] of a fixed design X is E[y]);
    given a random symbol (or one nothing declares), the conditional mean is a function of it the
    samples cannot give."""
    f, *given = expectation.args
    conditions = {base(n) for n in names(given[0])} if given else set()
    varying = sorted(n for n in conditions if (d := scope.lookup(n)) is None or d.random)
    if varying:  # random, or nothing says it is not (z_{1:k}, the measurements so far)
        raise Uncheckable(f"E[… | {', '.join(varying)}]: a mean given what may vary cannot be checked")
    return f


def parenthesized(tree, scope):
    """``E(x)``, an expectation typed with parentheses, read as the product of a name E and (x): where
    E is no symbol of the text and x holds a random symbol, it is ``E[x]`` (an error function E(w) of
    weights that are not random stays a product, as the front end reads it)."""
    if scope.lookup("E") is not None or "E" in scope.defined:
        return tree
    random = {n for n, d in scope.declared.items() if d.random}
    is_e = lambda t: isinstance(t, Name) and t.name == "E"  # noqa: E731

    def read(t):
        if not (isinstance(t, BinOp) and t.op == "*" and random & set(names(t.right))):
            return t
        if is_e(t.left):  # E(x)
            return Call("expect", (t.right,), t.left.pos)
        if isinstance(t.left, BinOp) and t.left.op == "*" and is_e(t.left.right):  # E(x)E(y)^T
            return BinOp("*", t.left.left, Call("expect", (t.right,), t.left.right.pos), t.pos)
        return t

    return mapped(tree, read)


def mean(f, scope, pos: int):
    random = {n: d.random for n, d in scope.declared.items() if d.random}
    if not random:
        message = "E[…]: no symbol is declared random; declare them, e.g. % derivtex: x, v: random"
        raise Uncheckable(message + " (independent, zero mean: what the text assumes)")
    inside = [n for n in names(f) if n in random]
    if not inside:
        return f  # the mean of a constant
    joint = [n for n in inside if "independent" not in random[n]]
    groups = [[n] for n in inside if n not in joint] + ([joint] if joint else [])
    draws = scope.draws
    if draws ** len(groups) > MOST:
        raise Uncheckable(f"E[…] of {len(groups)} independent random symbols: too many samples to average")
    copies = [
        renamed(f, {n: drawn(n, k, draws, random[n]) for group, k in zip(groups, ks) for n in group})
        for ks in product(range(1, draws + 1), repeat=len(groups))
    ]
    total = copies[0]
    for copy in copies[1:]:
        total = BinOp("+", total, copy, pos)
    return BinOp("/", total, Num(str(len(copies)), pos), pos)


def more_draws(scope) -> int:
    """The values each random symbol takes on a second look: as many as a grid of all the symbols
    declared random allows (the same in every expectation of the link: E[x] inside
    E[(x - E[x])(x - E[x])^T] is the mean of the same samples); ``DRAWS`` where none is random."""
    random = [d.random for d in scope.declared.values() if d.random]
    independent = sum("independent" in words for words in random)
    groups = independent + (len(random) > independent)
    return next((d for d in range(MOST_DRAWS, DRAWS, -1) if d**groups <= MOST), DRAWS) if random else DRAWS


def drawn(name: str, k: int, draws: int, words: tuple):
    """The k-th of ``draws`` values of ``name``: a name of its own, or, for the last of a zero-mean
    symbol, minus the sum of the others."""
    if k < draws or "zero mean" not in words:
        return Name(f"{name}{SAMPLE}{k}", 0)
    total = Name(f"{name}{SAMPLE}1", 0)
    for j in range(2, draws):
        total = BinOp("+", total, Name(f"{name}{SAMPLE}{j}", 0), 0)
    return Neg(total, 0)


def renamed(tree, values: dict):
    return mapped(tree, lambda t: values.get(t.name, t) if isinstance(t, Name) else t)


def names(tree) -> list[str]:
    return list(dict.fromkeys(n.name for n in nodes(tree) if isinstance(n, Name)))
