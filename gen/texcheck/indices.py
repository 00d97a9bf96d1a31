"""Links written in index notation, checked entry by entry: ``\\sum_j A_{ij} B_{jk} = (AB)_{ik}``.

A side with an entry (``A_{ij}``, ``(AB)_{ij}``, ``x_i``), a sum or product over an index, a
Kronecker delta or a derivative by an entry (``\\partial f / \\partial X_{pq}``) is evaluated here with
NumPy over every value of its free indices, never lowered. Shapes are unified over the link (an index
takes the dimension it indexes; two different ones are an error, never a guess); dimensions get
distinct sizes ≥ 2 at two assignments. A side with free indices equals a matrix without when every
entry does, the indices taken in the order of the chain's derivative by an entry, else alphabetical
(``(BA)_{pq} = BA``), which the report says. Modules: `gen.texcheck.indexnodes` (nodes, errors),
`indexshapes` (shapes, ranges), `indexvalues` (NumPy), `einstein` (the summation convention).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import fields, is_dataclass, replace

import numpy as np

from ..errors import SpecError
from ..expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from ..expr.texgradient import GRADIENT as GRADIENT_VALUE
from ..expr.texindex import Entry, IndexSum
from ..expr.texnames import as_written
from ..verify.checks import FLOOR
from .conditions import SHARE_NONE
from .indexfamilies import Member, member, sized
from .indexfunctions import applied, is_defined
from .indexnodes import (
    MAX_ENTRIES,
    SEED,
    TOLERANCE,
    Delta,
    Derivative,
    Indexed,
    NotUnderstood,
    Refused,
    ShapeError,
    Uncheckable,
    in_order,
    mapped,
    nodes,
    split,
    unindexed,
    unread,
)
from .indexshapes import Shapes
from .library import primed_applied

__all__ = ["Indexed", "check_link", "marked"]

# --- reading: which sides are index notation -------------------------------------------------


def symbols_of(trees: list, scope) -> set:
    """The chain's symbols: the names written alone (not subscripted) and the declared ones."""
    names = {n.name for t in trees if not isinstance(t, str) for n in nodes(t) if isinstance(n, Name)}
    alone = {n for n in names if split(n) is None and by_number(n, scope) is None}
    return alone | {n for n in names if scope.lookup(n) is not None}


def entry_parts(name: str, symbols: set, scope, origin: int = 1) -> tuple[str, tuple[str, ...]] | None:
    """The base and indices of ``name`` read as an entry (``x_i`` of a symbol x, ``v_1`` of a declared
    vector v), or None: a symbol of its own."""
    return split(name) if is_entry_name(name, symbols, scope) else by_number(name, scope, origin)


def is_entry_name(name: str, symbols: set, scope) -> bool:
    parts = split(name)
    if parts is None or scope.lookup(name) is not None:
        return False
    base = parts[0]
    declared = scope.lookup(base) is not None and scope.lookup(base).shape is not None
    defined = base in scope.defined and not scope.defined[base].params and name not in scope.defined
    return base in symbols or declared or defined  # z_p of z := Ax, as of a declared z


def by_number(name: str, scope, origin: int = 1) -> tuple[str, tuple[str, ...]] | None:
    """``v_1`` → (v, ("1",)), ``A_{1j}`` → (A, ("1", "j")): an entry by its number of a declared vector
    or matrix, counted from ``origin`` (0 where the chain writes an entry 0: θ_0 + θ_1 x_1), as the
    1-based number `Entry` takes; where nothing declares or defines that name, the base, or a family of
    the base (``v_i: d``: v_1 is its first member). None for any other name (``W_1`` of a matrix W)."""
    base, _, sub = name.rpartition("_")
    digits = tuple(sub.replace(",", ""))
    index = all(c.isdigit() or c.isascii() and c.islower() for c in digits)
    declared = scope.lookup(base) if base and index and any(map(str.isdigit, digits)) else None
    if declared is None or declared.shape is None:
        return None
    function = base in scope.defined and scope.defined[base].params  # f_1 of f(x) := …: a symbol
    if function or scope.lookup(name) is not None or name in scope.defined:
        return None
    if any(split(n) and split(n)[0] == base for n in (*scope.declared, *scope.prose, *scope.defined)):
        return None
    if sub.isdigit() and (len(declared.shape) == 1 or 1 in declared.shape):  # a column or a row
        digits = (sub,)
    elif len(declared.shape) != 2 or len(digits) != 2:
        return None
    return base, tuple(str(int(d) + 1 - origin) if d.isdigit() else d for d in digits)


def origin_of(trees: list, scope) -> int:
    """Where the chain counts entries by number from: 0 if it writes an entry 0 (``\\theta_0``), else 1."""
    names = {n.name for t in trees if not isinstance(t, str) for n in nodes(t) if isinstance(n, Name)}
    names |= {t.variable for t in trees if isinstance(getattr(t, "variable", None), str)}
    return 0 if any("0" in parts[1] for n in names if (parts := by_number(n, scope))) else 1


def capitalised(trees: list, scope) -> list:
    r"""The trees with a matrix's entries written in lowercase as its entries: ``w_{ab}`` of a
    declared W, ``y_{ij}`` of a defined Y, ``\frac{\partial L}{\partial w_{ab}}`` (`matrix_named`)."""

    def named(name: str) -> str:
        parts = split(name)
        upper = parts and matrix_named(parts, scope)
        return f"{upper}_{''.join(parts[1])}" if upper else name

    def rewrite(node):
        if isinstance(node, Name):
            return replace(node, name=named(node.name))
        if isinstance(node, Entry) and isinstance(node.operand, Call) and node.operand.name == GRADIENT_VALUE:
            f, variable, *rest = node.operand.args  # ∂L/∂y_{ij}: the entry (i, j) of ∂L/∂y
            if isinstance(variable, Name) and (upper := matrix_named((variable.name, node.indices), scope)):
                args = (f, replace(variable, name=upper), *rest)
                return replace(node, operand=replace(node.operand, args=args))
        if isinstance(getattr(node, "variable", None), str):  # ∂L/∂w_{ab} alone on a side
            return replace(node, variable=named(node.variable))
        return node

    return [t if isinstance(t, str) else mapped(t, rewrite) for t in trees]


def matrix_named(parts, scope) -> str | None:
    """W for ``w_{ab}`` where W is a declared matrix, or a defined one, neither w nor a name subscripted
    from it (w_{ab}, w_k) is declared or defined, and no W_k is declared (a family): its entries in
    lowercase, as texts write them."""
    base, indices = parts
    upper = base.upper()
    if not (len(base) == 1 and base.islower() and len(indices) == 2):
        return None
    declared = (*scope.declared, *scope.prose)
    family = any(split(n) and split(n)[0] == base for n in (*declared, *scope.defined))
    family = family or any(split(n) and split(n)[0] == upper for n in declared)  # not W_b := [W; b]
    if scope.lookup(base) is not None or base in scope.defined or family:
        return None  # w a symbol of its own; m_{ij} := M_{ij} as said; u_{ki} beside u_k: N; X_i: T x K
    matrix = scope.lookup(upper)
    if matrix is not None and matrix.shape is not None:
        return upper if len(matrix.shape) == 2 and sized(upper, scope) else None
    return upper if upper in scope.defined and not scope.defined[upper].params else None


def through_definitions(tree, scope):
    """``tree`` with the defined names replaced (a sum an annotation defines is index notation where
    it is used: J := -\\sum_k \\log \\sigma(-u_k^T v), then ∂J/∂v); as written where that fails."""
    from .links import expanded

    try:
        return expanded(getattr(tree, "f", tree), scope)  # a gradient's function
    except SpecError:
        return tree


def marked(trees: list, scope) -> list:
    """``trees`` with each side that uses index notation wrapped as `Indexed`: the names summed over
    their index as entries (`entry_bases`) where the chain reads so, else as written."""
    if summed := entry_bases(trees, scope):
        out = marked_with(trees, scope, summed)
        if not any(
            isinstance(t, Indexed) and isinstance(t.tree, Refused) and not t.tree.uncheckable for t in out
        ):
            return out
    return marked_with(trees, scope, frozenset())  # x_i in σ(wᵀx_i): no entries fit, a family's vectors


def marked_with(trees: list, scope, summed: frozenset) -> list:
    from .links import Gradient

    symbols, origin = symbols_of(trees, scope), origin_of(trees, scope)
    members = in_sums([through_definitions(t, scope) for t in trees if not isinstance(t, str)])
    out = []
    for tree in trees:
        if isinstance(tree, str):
            out.append(tree)
            continue
        names = [n.name for n in nodes(tree) if isinstance(n, Name)]
        entries = [n for n in names if entry_parts(n, symbols, scope, origin) or is_delta(n, symbols)]
        written = any(isinstance(n, (Entry, IndexSum)) for n in nodes(through_definitions(tree, scope)))
        by_entry = (
            isinstance(tree, Gradient) and entry_parts(tree.variable, symbols, scope, origin) is not None
        )
        if not (entries or written or by_entry):
            out.append(tree)
            continue
        bases = sorted({(split(n) or by_number(n, scope) or (n,))[0] for n in names} - {"delta"})
        resolved = resolve(Resolver(symbols, scope, Gradient, summed, members, origin), tree)
        if not (written or by_entry or any(map(is_delta_name, names)) or readable(resolved, scope)):
            out.append(tree)  # w_t, x_i: a sequence's vectors, not entries (read as entries, no shapes fit)
            continue
        out.append(Indexed(resolved, tuple(Name(b, 0) for b in bases)))
    out = sums_ended(out)
    order = derivative_order(out)
    out = out if scope.summation else convention_throughout(out)
    return [replace(t, order=order) if isinstance(t, Indexed) else t for t in out]


def resolve(resolver, tree):
    """``tree`` read in index notation by ``resolver``, or why it cannot be."""
    from .einstein import summed

    try:
        resolved = resolver.side(tree)
        return summed(resolved) if resolver.scope.summation else resolved
    except (NotUnderstood, Uncheckable) as error:
        return Refused(str(error), uncheckable=isinstance(error, Uncheckable))


def sums_ended(sides: list) -> list:
    """Each side where a term after a sum uses the sum's index free, free in no other side of the
    chain (``\\sum_{i,j} a_{ij} x_i + a_{ij} y_j = …`` of free a, b only), refused: the text means
    the sum to go on over that term, which only brackets say. Where the other sides have the index
    free (∂s_i/∂x_j = (\\sum_j e^{x_j} \\cdot 0 - e^{x_i} e^{x_j}) / …), it is theirs, the sum closed."""
    from .einstein import literal_free

    free = [literal_free(s.tree) if isinstance(s, Indexed) else frozenset() for s in sides]
    out = []
    for k, side in enumerate(sides):
        others = frozenset().union(*free[:k], *free[k + 1 :])
        ended = after_sums(side.tree) - others if isinstance(side, Indexed) else set()
        if ended:
            message = (
                f"the index {min(ended)} is free in a term after a sum over it: does the sum go on over "
                "that term? bracket the terms it covers, \\sum_i (a_i + b_i)"
            )
            side = replace(side, tree=Refused(message))
        out.append(side)
    return out


def after_sums(tree) -> set:
    """The indices of the sums that a later term of the same sum of terms uses free."""
    from .einstein import literal_free

    found = set()
    for node in nodes(tree):
        if not (isinstance(node, BinOp) and node.op in "+-"):
            continue
        last = node.left
        while isinstance(last, (BinOp, Neg)) and getattr(last, "op", "+") in "+-":
            last = last.right if isinstance(last, BinOp) else last.operand
        apart = {n.apart for n in nodes(node.right) if isinstance(n, IndexSum)}  # \\sum_{i \\neq j}: its j
        if isinstance(last, IndexSum):
            found |= set(last.indices) & (literal_free(node.right) - apart)
    return found


def entry_bases(trees: list, scope) -> frozenset:
    """The bases of the names the chain writes inside a sum over one of their subscripts (``w`` of
    ``w_h`` in ``\\sum_h``): entries wherever it writes them, as ``\\sum_h w_h`` can only mean; unless
    the chain writes the base with another count of indices (``x_i`` beside ``x_{ij}``), transposes
    a name of it (``k_i^T``) or a name of it is declared with a shape (``x_i: d``, then ``x_1`` its
    first member): a family's, read as before."""
    summed, counts, transposed = set(), {}, set()
    for node, bound in (pair for tree in trees for pair in with_bounds(tree)):
        if isinstance(node, Name) and (parts := split(node.name)):
            counts.setdefault(parts[0], set()).add(-1 if sized(node.name, scope) else len(parts[1]))
            if set(parts[1]) & bound:
                summed.add(parts[0])
        if isinstance(node, Postfix) and node.op == "T" and isinstance(node.operand, Name):
            if parts := split(node.operand.name):  # k_i^T: a vector of a family (α^T y: α, whose α_i)
                transposed.add(parts[0])
    return frozenset(b for b in summed if len(counts[b]) == 1 and -1 not in counts[b] and b not in transposed)


def in_sums(trees: list) -> frozenset:
    """The names written inside a sum over their subscript (``x_i`` in ``\\sum_i``), the chain's
    definitions read through: the members of families (``x_j`` of the other side is x's too)."""
    pairs = (pair for tree in trees for pair in with_bounds(tree))
    return frozenset(
        n.name
        for n, bound in pairs
        if isinstance(n, Name) and (parts := split(n.name)) and set(parts[1]) & bound
    )


def with_bounds(tree, bound: frozenset = frozenset()):
    """Each node of ``tree`` with the indices of the sums around it (a sum's own among them)."""
    if isinstance(tree, IndexSum):
        bound = bound | set(tree.indices)
    yield tree, bound
    if is_dataclass(tree) and not isinstance(tree, type):
        for f in fields(tree):
            value = getattr(tree, f.name)
            for child in value if isinstance(value, tuple) else (value,):
                yield from with_bounds(child, bound)


def derivative_order(trees: list) -> tuple[str, ...]:
    """The indices of the chain's first derivative by an entry (``\\partial f / \\partial X_{pq}``)."""
    for tree in trees:
        if isinstance(tree, Indexed):
            for node in nodes(tree.tree):
                if isinstance(node, Entry) and isinstance(node.operand, Derivative):
                    return tuple(i for i in node.indices if i.isalpha())
    return ()


def readable(tree, scope) -> bool:
    """Whether a side whose only index notation is names such as ``A_ij`` gets shapes as entries."""
    if isinstance(tree, Refused):
        return tree.convention
    try:
        Shapes(scope).infer([tree])
    except (NotUnderstood, Uncheckable, ShapeError):
        return False
    return True


def is_delta_name(name: str) -> bool:
    parts = split(name)
    return parts is not None and parts[0] == "delta" and len(parts[1]) == 2


def convention_throughout(trees: list) -> list:
    """Every side in index notation refused when the chain evidently sums repeated indices by a
    convention the file does not declare (`gen.texcheck.einstein.evident`): read as written, its
    sides would be checked against a claim the author did not make."""
    from .einstein import evident

    read = [t.tree for t in trees if isinstance(t, Indexed) and not isinstance(t.tree, Refused)]
    others = sum(1 for t in trees if not isinstance(t, (Indexed, str)))
    message = evident(read, others)
    if message is None:
        return trees
    return [Indexed(Refused(message, True), t.args) if isinstance(t, Indexed) else t for t in trees]


def is_delta(name: str, symbols: set) -> bool:
    parts = split(name)
    return parts is not None and parts[0] == "delta" and len(parts[1]) == 2 and "delta" not in symbols


def refuse_applied(left) -> None:
    """``\\phi(z)_i`` reads as φ times z_i: refused when a name comes right before ``(…)_i``."""
    while isinstance(left, (BinOp, Neg)):
        left = left.right if isinstance(left, BinOp) else left.operand
    if isinstance(left, Name):
        message = f"{left.name}(…)_i: the entry of a function's value? declare the function"
        raise Uncheckable(f"{message} (% derivtex: {left.name}(x) := <LaTeX>) or write the entry out")


def with_indices(side, root=None):
    """``side`` with each ``\\sum body`` written without its index (``\\sum e^{x_j}``) given the
    indices that its body uses and the rest of the side does not, outside such sums (``\\sum y_i - a
    \\sum x_i``: each over i); none such is refused."""
    root = side if root is None else root
    if isinstance(side, IndexSum) and not side.indices:
        from .einstein import literal_free

        bodies = [n.body for n in nodes(root) if isinstance(n, IndexSum) and not n.indices]
        outside = Counter(index_occurrences(root)) - sum(
            map(Counter, map(index_occurrences, bodies)), Counter()
        )
        inside = sorted(literal_free(side.body) - {i for i, n in outside.items() if n > 0})
        if not inside and side.kind == "sized":
            raise NotUnderstood(
                "a bracket sized m × n writes its entries with indices, [a_{ij}]_{m \\times n}"
            )
        if not inside:
            raise unindexed(side.kind)
        return replace(side, indices=tuple(inside), body=with_indices(side.body, root))
    if not is_dataclass(side):
        return side
    changed = {}
    for f in fields(side):
        value = getattr(side, f.name)
        if isinstance(value, tuple):
            changed[f.name] = tuple(with_indices(v, root) if is_dataclass(v) else v for v in value)
        elif is_dataclass(value):
            changed[f.name] = with_indices(value, root)
    return replace(side, **changed)


def index_occurrences(node) -> list[str]:
    """Every index letter written in ``node`` (in entries and deltas), once per occurrence."""
    return [i for n in nodes(node) if isinstance(n, (Entry, Delta)) for i in n.indices if i.isalpha()]


def reindexed(tree, index: str, value: str):
    """``tree`` (read in index notation) with the free index ``index`` written ``value`` (f_k → f_j)."""
    return renumbered(tree, {index: value})


def renumbered(tree, written: dict):
    """``tree`` with its free indices written anew, all at once (``written``: old → new), in entries,
    deltas, members and the subscripts of names (θ_k of η_k := θ_kᵀx read for η_j); a sum over an
    old index inside is left alone."""

    def renamed(node):
        if isinstance(node, (Entry, Delta)):
            return replace(node, indices=tuple(written.get(i, i) for i in node.indices))
        if isinstance(node, Member) and node.index in written:
            return replace(node, index=written[node.index])
        if isinstance(node, Name) and (parts := split(node.name)) and written.keys() & set(parts[1]):
            return replace(node, name=f"{parts[0]}_{''.join(written.get(i, i) for i in parts[1])}")
        return node

    return mapped(
        tree, renamed, stop=lambda node: isinstance(node, IndexSum) and written.keys() & set(node.indices)
    )


def stacked_sizes(node):
    """``[a_{ij}]_{m \\times n}`` once its free indices are known: the rows i (1 … m) of the columns
    j (1 … n) of the entries; with one index, ``[\\partial F / \\partial z_t]_{h \\times T}``, the
    columns t (1 … T) the bracket writes."""
    if not (isinstance(node, IndexSum) and node.kind == "sized"):
        return node
    rows, columns = node.upper.split()
    if len(node.indices) == 1:
        return IndexSum("columns", node.indices, node.body, node.pos, columns)
    if len(node.indices) != 2:
        raise NotUnderstood(f"a matrix sized {rows} × {columns} writes its entries with two free indices")
    inner = IndexSum("columns", node.indices[1:], node.body, node.pos, columns)
    return IndexSum("rows", node.indices[:1], inner, node.pos, rows)


def entries_named(parts, scope, symbols: set) -> str:
    """The symbol whose entries ``w_h`` (inside a sum over h) writes: w; or, where w is nowhere
    else and X is a declared vector, X for ``x_h`` (a matrix's entries in lowercase, ``a_{ji}`` of A,
    are `matrix_named`'s, read before index notation)."""
    base, indices = parts
    upper = scope.lookup(base.upper())
    lowercase = (
        base.islower() and base not in symbols and scope.lookup(base) is None and base not in scope.defined
    )
    if lowercase and sized(base.upper(), scope):
        if len(upper.shape) == len(indices) == 1:
            return base.upper()
        if len(upper.shape) == 2 == len(indices) + 1:  # y_i beside Y: a row (a column), said in words
            raise Uncheckable(
                f"{base}_{indices[0]} inside a sum, beside the matrix {base.upper()}: its rows or columns? "
                f"say which: % derivtex: {base}_{indices[0]}: d; {base.upper()} := \\begin{{bmatrix}} "
                f"{base}_1 & \\cdots & {base}_N \\end{{bmatrix}}^\\top"
            )
    return base


def member_entry(tree: Name, scope, bound: set, members) -> Entry | None:
    """``x_{ij}`` inside a sum over i, the family x_i: d declared (not x_{ij} itself, nor a matrix x):
    the entry j of the member x_i, as texts write a sample's features."""
    parts = split(tree.name)
    if parts is None or len(parts[1]) != 2 or scope.lookup(tree.name) is not None or sized(parts[0], scope):
        return None
    whole = member(f"{parts[0]}_{parts[1][0]}", tree.pos, scope, bound, members)
    return None if whole is None else Entry(whole, parts[1][1:], tree.pos)


def refuse_stepped(name: str, bound: set) -> None:
    """A symbol with a time step that a sum's index changes (``x(n-i)``, ``x[n-k]`` inside ``\\sum_k``) is a
    sequence of values, one per index, not the one symbol declared: refused, never read as one."""
    stepped = name.endswith(")") and "(" in name or name.endswith("]") and "[" in name  # x(n), x[n]
    step = name[min(i for i in (name.find("("), name.find("[")) if i >= 0) + 1 : -1] if stepped else ""
    if moving := sorted(set(step) & bound):
        raise Uncheckable(
            f"{name} changes with the sum's index {moving[0]}: one value per index, not the one symbol "
            f"declared; write it as a family's member (x_{moving[0]}, % derivtex: x_{moving[0]}: d)"
        )


def running(side):
    """``side`` with each ``\\sum_{i \\neq j}`` summed over the letter not written outside it: in
    ``-y_i(1 - p_i) - \\sum_{i \\neq j} y_j p_i`` the i is the term's, the sum runs over j ≠ i."""

    def swapped(node):
        if not (isinstance(node, IndexSum) and node.apart is not None):
            return node
        outside = subscripts(side) - subscripts(node)  # written outside this sum
        inside = +subscripts(node.body)
        if outside[node.indices[0]] and not outside[node.apart] and inside[node.apart]:
            return replace(node, indices=(node.apart,), apart=node.indices[0])
        return node

    return mapped(side, swapped)


def subscripts(tree) -> Counter:
    """The index letters ``tree`` writes, on names (``y_j``) and entries (``(AB)_{ij}``), counted."""
    named = (split(n.name) for n in nodes(tree) if isinstance(n, Name))
    return Counter([i for parts in named if parts for i in parts[1]] + index_occurrences(tree))


def refuse_constant_member(name: str, parts, bound: set, scope) -> None:
    """A name whose subscript is a sum's index (``\\theta_j`` inside ``\\sum_j``, reached through a
    definition η_j := θ_jᵀx), that nothing declares, nor a name of its base, and that is no entry:
    one value per index, never the one symbol that would make the sum k times a constant."""
    names = (*scope.declared, *scope.prose)
    if parts is None or any((split(n) or (n,))[0] == parts[0] for n in names):
        return
    if moving := sorted(set(parts[1]) & bound):
        raise Uncheckable(
            f"{as_written(name)} changes with the sum's index {moving[0]}: declare its family "
            f"(% derivtex: {as_written(name)}: d) or the vector it is an entry of"
        )


class Resolver:
    """The parser's tree rewritten with `Entry`, `Delta` and `Derivative` nodes."""

    def __init__(
        self, symbols: set, scope, gradient_class, entry_bases=frozenset(), members=frozenset(), origin=1
    ):
        self.symbols, self.scope, self.gradient = symbols, scope, gradient_class
        self.origin = origin  # where the chain counts entries by number from (`origin_of`)
        self.entry_bases = entry_bases  # of the names the chain sums over their index (`entry_bases`)
        self.members = members  # the names the chain writes inside a sum over their index (`in_sums`)
        self.bound: set = set()  # the indices of the sums around the node being read
        self.kept: frozenset = frozenset()  # the variables of the derivatives around it: not expanded
        self.expanding: set = set()  # the defined names being read

    def side(self, tree):
        if isinstance(tree, self.gradient):
            parts = entry_parts(tree.variable, self.symbols, self.scope, self.origin)
            f = self.keeping((parts or split(tree.variable) or (tree.variable,))[0], tree.f)
            if parts:
                base, indices = parts
                return Entry(self.derivative(base, f, tree.pos), indices, tree.pos)
            numerator, convention = self.scope.layout == "numerator", self.scope.gradient
            return Derivative(tree.variable, f, tree.pos, numerator, self.value_of(tree.variable), convention)
        if not isinstance(tree, (Name, Num, Neg, BinOp, Postfix, Call, Entry, IndexSum)):
            raise NotUnderstood("this side cannot be read in index notation")
        return mapped(with_indices(self.node(running(tree))), stacked_sizes)

    def node(self, tree):
        if isinstance(tree, Name):
            refuse_stepped(tree.name, self.bound)
            if (body := self.defined_entry(tree.name)) is not None:
                return body
            kept = tree.name in self.kept or (split(tree.name) or ("",))[0] in self.kept  # y_i, y kept
            if tree.name in self.scope.defined and not kept:  # J := -\sum_k …, c_k := vᵀx_k: its body
                body = self.scope.body(self.scope.defined[tree.name], self.kept)
                return self.expanded(tree.name, body)
            base = tree.name[1:] if tree.name[:1] == "d" and tree.name not in self.scope.defined else ""
            if base in self.scope.defined and base not in self.kept:  # df, f(Σ) := …: d of its body
                body = self.scope.body(self.scope.defined[base], self.kept)
                return Call("d", (self.expanded(base, body),), tree.pos)
            if (family := member(tree.name, tree.pos, self.scope, self.bound, self.members)) is not None:
                return family  # x_i: d, inside a sum over i
            if (of_member := member_entry(tree, self.scope, self.bound, self.members)) is not None:
                return of_member  # x_{ij}: the entry j of x_i
            if is_delta(tree.name, self.symbols):
                return Delta(split(tree.name)[1], tree.pos)
            if parts := entry_parts(tree.name, self.symbols, self.scope, self.origin):
                base, indices = parts
                return Entry(self.node(Name(base, tree.pos)), indices, tree.pos)  # \hat{y}_k, \hat{y} := …
            parts = split(tree.name)  # w_h, summed over h somewhere in the chain: w's entry (a_{ji}: A's)
            if parts and parts[0] in self.entry_bases and not sized(tree.name, self.scope):
                base = entries_named(parts, self.scope, self.symbols)
                return Entry(self.node(Name(base, tree.pos)), parts[1], tree.pos)
            refuse_constant_member(tree.name, parts, self.bound, self.scope)
            return tree
        if isinstance(tree, Postfix) and tree.op == "T" and isinstance(tree.operand, Name):
            inner = self.node(tree.operand)
            if isinstance(inner, Entry):  # A_{ij}^T is (A^T)_{ij}: both scripts on A
                return Entry(Postfix("T", inner.operand, tree.pos), inner.indices, inner.pos)
        if isinstance(tree, Num):
            return tree
        if isinstance(tree, Neg):
            return Neg(self.node(tree.operand), tree.pos)
        if isinstance(tree, BinOp):
            if tree.op == "*" and isinstance(tree.right, Entry) and tree.right.bracketed:
                refuse_applied(tree.left)
            return BinOp(tree.op, self.node(tree.left), self.node(tree.right), tree.pos)
        if isinstance(tree, Postfix):
            exponent = self.node(tree.exponent) if tree.exponent is not None else None
            return Postfix(tree.op, self.node(tree.operand), tree.pos, exponent, tree.caret)
        if isinstance(tree, Call) and tree.name[-1:] == "'" and tree.name[:-1] in self.scope.defined:
            return self.node(primed_applied(tree, self.scope))  # σ'(z_j), σ the text's
        if is_defined(tree, self.scope):  # s(x)_i with s(x) := …: the entry of its value
            return self.node(applied(tree, self.scope, self.kept))
        if isinstance(tree, Call) and tree.name == GRADIENT_VALUE and isinstance(tree.args[1], Name):
            f, variable, *at = tree.args  # ∂y_i/∂γ inside a side: the derivative by the whole variable
            if parts := by_number(variable.name, self.scope, self.origin):  # ∂f/∂v_1: ∂f/∂v's first entry
                derivative = self.derivative(parts[0], self.keeping(parts[0], f), tree.pos)
                return Entry(derivative, parts[1], tree.pos)
            derivative = self.derivative(variable.name, self.keeping(variable.name, f), tree.pos)
            return replace(derivative, at=self.node(at[0])) if at else derivative  # ∂g/∂(1 - P): at u
        if isinstance(tree, Call):
            return Call(tree.name, tuple(self.node(a) for a in tree.args), tree.pos, tree.entrywise)
        if isinstance(tree, Entry) and isinstance(tree.operand, Call) and tree.operand.name == GRADIENT_VALUE:
            return self.entry_derivative(tree)
        if isinstance(tree, Entry):
            return Entry(self.node(tree.operand), tree.indices, tree.pos)
        if isinstance(tree, IndexSum) and tree.apart is not None:  # \sum_{k \neq j} f_k: \sum_k f_k - f_j
            whole = self.node(replace(tree, apart=None))
            return BinOp("-", whole, reindexed(whole.body, tree.indices[0], tree.apart), tree.pos)
        if isinstance(tree, IndexSum):
            outside, self.bound = self.bound, self.bound | set(tree.indices)
            try:
                return replace(tree, body=self.node(tree.body))
            finally:
                self.bound = outside
        raise unread(tree)

    def entry_derivative(self, tree: Entry) -> Entry:
        """``\\partial f / \\partial X_{kl}`` inside a side: the (k, l) entry of ∂f/∂X, evaluated by the
        complex step on X's entries; its free indices are f's and k, l. Refused where ``X_kl`` is a
        symbol of its own (a number, not an entry of X)."""
        f, variable, *_ = tree.operand.args  # (f, X) or, expanded, (f, X, its value there)
        if not isinstance(variable, Name):
            raise Uncheckable("a derivative by an expression cannot be checked: write it out")
        written = f"{variable.name}_{''.join(tree.indices)}"
        if self.scope.lookup(written) is not None:
            raise Uncheckable(
                f"∂f/∂{written}: {written} is declared as a symbol, not an entry of {variable.name}"
            )
        derivative = self.derivative(variable.name, self.keeping(variable.name, f), tree.pos)
        return Entry(derivative, tree.indices, tree.pos)

    def derivative(self, variable: str, f, pos: int) -> Derivative:
        """∂f/∂variable, f read; refused where f as written does not contain the variable (z_k and
        h_j declared, ∂z_k/∂h_j: the text says in words how z depends on h)."""
        used = {n.name for n in nodes(f) if isinstance(n, (Name, Member))}
        if variable not in used and variable not in self.scope.defined:
            named = f.operand if isinstance(f, Entry) else f
            what = as_written(named.name) if isinstance(named, Name) else "f"
            shown = as_written(variable)
            if len(letters := typed_word(named)) > 1:  # cost typed as letters: c·o·s·t
                word = "".join(letters)
                product = f"{word} typed as letters is the product {'·'.join(letters)}"
                said = f"define it as one name (% derivtex: {word} := <LaTeX>)"
                raise Uncheckable(f"∂{word}/∂{shown}: {product}, which does not contain {shown}: {said}")
            said = f"(a dependence said in words? define it: % derivtex: {what} := <LaTeX>)"
            raise Uncheckable(f"∂{what}/∂{shown}: {what} as written does not contain {shown} {said}")
        return Derivative(variable, f, pos, at=self.value_of(variable))

    def value_of(self, variable: str):
        """A defined variable's body, read here: the point where a derivative by it is taken; of a
        vector the text defines entry by entry (``v_b := …``), the column of those entries."""
        definition = self.scope.defined.get(variable)
        if definition is None:
            return self.entries_of(variable)
        return None if definition.params else self.expanded(variable, definition.tree)

    def entries_of(self, variable: str):
        """The column whose b-th entry is the body of ``v_b := …``, if the text defines v so only."""
        entries = [(k, split(k)[1][0]) for k, d in self.scope.defined.items() if not d.params and split(k)]
        index = next((i for k, i in entries if k == f"{variable}_{i}"), None)
        if index is None:
            return None
        declared = self.scope.lookup(variable)
        upper = declared.shape[0] if declared and declared.shape and len(declared.shape) == 1 else None
        body = self.expanded(f"{variable}_{index}", self.scope.parsed(f"{variable}_{index}"))
        if self.scope.summation:  # v_b := \frac{1}{H} \mathbf{1}_h x_{bh}: summed over h as written
            from .einstein import convened

            body = convened(body, frozenset())[0]
        return IndexSum("rows", (index,), body, 0, upper if isinstance(upper, str) else None)

    def expanded(self, name: str, body):
        """A defined name's body, read here (never through itself: a := f(b), b := g(a))."""
        if name in self.expanding:
            raise NotUnderstood(f"{name} is defined through itself")
        if isinstance(body, str):  # a definition that cannot be read (links.definitions)
            raise Uncheckable(body)
        self.expanding.add(name)
        try:
            return self.node(body)
        finally:
            self.expanding.discard(name)

    def defined_entry(self, name: str):
        """``p_i`` where the text defines ``p_k := e^{o_k} / \\sum_j e^{o_j}``: the body with k written i."""
        parts = split(name)
        if parts is None or parts[0] in self.kept:
            return None
        base, indices = parts
        if name in self.scope.defined:  # η_j := θ_jᵀx beside η_i := θ_iᵀx: its own
            return None
        for defined in self.scope.defined:
            if (own := split(defined)) and own[0] == base and len(own[1]) == len(indices):
                body = self.expanded(defined, self.scope.parsed(defined))
                return renumbered(body, dict(zip(own[1], indices)))  # X_ij := … read as X_ji
        return None

    def keeping(self, variable: str, f):
        """``f`` read for a derivative by ``variable``: a defined variable stays itself there (∂L/∂ŷ_k
        with ŷ := softmax(z) is by ŷ, as L is written), and is expanded everywhere else."""
        outside, self.kept = self.kept, self.kept | {variable}
        try:
            return self.node(f)
        finally:
            self.kept = outside


def defined_in_index_notation(left, right, others: list, undefinable) -> str | None:
    """``\\Sigma = \\frac{1}{N} \\sum_{i=1}^{N} x_i x_i^T``: a name alone on one side, written
    nowhere else in the chain, equal to a side in index notation, is defined there (as
    `gen.texcheck.links.definition` reads a name alone), not an identity to check. Only on the
    left, where a definition writes it: a name alone on the right is a result claimed."""
    from .shapes import names_in

    name = left.name if isinstance(left, Name) else entry_defined(left)  # Σ; y_j, of y
    if not (name and isinstance(right, Indexed)) or name in undefinable:
        return None
    whole = left.name if isinstance(left, Name) else left.tree.operand.name
    written = {n.name for n in nodes(right.tree) if isinstance(n, Name)}
    if not {name, whole} & written and not any({name, whole} & set(names_in(t)) for t in others):
        return name
    return None


def entry_defined(side) -> str | None:
    r"""``y_j`` where a side is the entry y_j of a vector alone (``y_j = \gamma_j \hat{x}_j + \beta_j``, y
    known as a vector from its gradient's declaration): the name its entries are defined under."""
    tree = side.tree if isinstance(side, Indexed) else None
    if isinstance(tree, Entry) and isinstance(tree.operand, Name) and all(i.isalpha() for i in tree.indices):
        return f"{tree.operand.name}_{''.join(tree.indices)}"
    return None


# --- the link --------------------------------------------------------------------------------


def check_link(left, right, scope) -> tuple[str, str, float | None]:
    """(status, message, figure) of a link one of whose sides is in index notation."""
    from .links import CANNOT, FALSE, NOT_UNDERSTOOD, OK, SHAPE, Gradient

    try:
        refused = [t.tree for t in (left, right) if isinstance(t, Indexed) and isinstance(t.tree, Refused)]
        if refused:
            return (CANNOT if refused[0].uncheckable else NOT_UNDERSTOOD), refused[0].message, None
        sides = [
            t.tree if isinstance(t, Indexed) else Resolver(set(), scope, Gradient).side(t)
            for t in (left, right)
        ]
        shapes = Shapes(scope)
        shapes.order = next((t.order for t in (left, right) if isinstance(t, Indexed) and t.order), ())
        try:
            shapes.infer(sides)
            figure, note = compared(shapes, sides)
        except ShapeError as error:  # a sum's bound used as a number (1/N): the count, declared so,
            counts = {n for n in shapes.uppers.values() if f"dim {n}" not in str(error)}  # unless at odds
            error.symbols = tuple(n for n in shapes.symbols if n not in counts)
            raise
    except NotUnderstood as error:
        return NOT_UNDERSTOOD, str(error), None
    except Uncheckable as error:
        return CANNOT, str(error), None
    except ShapeError as error:  # a shape error only between declared shapes: inferred ones may misread
        declared = all(scope.lookup(n) is not None for n in getattr(error, "symbols", ()) or ("",))
        return (SHAPE if declared else NOT_UNDERSTOOD), str(error), None
    if figure < TOLERANCE:
        return OK, note, figure
    numbers = shapes.dimensions_counted() | set(shapes.uppers.values())  # = n: a size, no symbol
    held = [{n.name for n in nodes(side) if isinstance(n, (Name, Member))} - numbers for side in sides]
    apart = all(held) and not held[0] & held[1]  # Σ_i h_ii = tr(X(XᵀX)⁻¹Xᵀ), h never defined: in words?
    if apart and not one_sided_family(left, right, scope):  # x_i against X: that relation, named
        return CANNOT, SHARE_NONE, None
    return FALSE, note, figure  # the report adds the relative error


def one_sided_family(left, right, scope) -> str:
    """Why a link that fails, with a family x_1 … x_N on one side only and on the other a declared
    matrix that could hold its vectors as rows or columns (X: N × p, x_i: p), cannot be checked:
    texts say X = [x_1 … x_N]^T in words the checker does not read; '' otherwise."""
    sides = [t.tree if isinstance(t, Indexed) else t for t in (left, right)]
    if any(isinstance(side, (Refused, str)) for side in sides):
        return ""
    families = [families_of(side, scope) for side in sides]
    for k in (0, 1):
        names = {n.name for n in nodes(sides[1 - k]) if isinstance(n, Name)}
        for family, count, size in sorted(families[k] - families[1 - k]):
            for name in sorted(names):
                declared = scope.lookup(name)
                if declared is not None and sorted(map(str, declared.shape or ())) == sorted((count, size)):
                    return (
                        f"the family {family} is on one side only: if {as_written(name)}'s rows or columns "
                        f"are {as_written(family)} for each index, as the text may say in words, define it "
                        f"(% derivtex: {as_written(name)} := <LaTeX>)"
                    )
    return ""


def families_of(tree, scope) -> set:
    """(name, count, size) of each family x_i: d a sum (or an elided matrix) of ``tree`` runs over."""
    out = set()
    for node in nodes(tree):
        if isinstance(node, IndexSum) and node.upper is not None:
            for member in nodes(node.body):
                if isinstance(member, Member) and member.index in node.indices:
                    shape = tuple(map(str, scope.lookup(member.name).shape or ()))
                    if len(shape) == 1 or shape[1:] == ("1",):
                        out.add((member.name, node.upper, shape[0]))
    return out


def compared(shapes: Shapes, sides: list) -> tuple[float, str]:
    """The largest relative difference over two size assignments and two points each. A number
    added to a matrix (``1 - \\sigma(vu^T)``) is read both ways, to each entry and times I: a link
    that fails under both does not follow, one that holds under either cannot be checked."""
    from .indexvalues import NUMBER_ADDED

    try:
        return compared_as(shapes, sides, None)
    except Uncheckable as error:
        if str(error) != NUMBER_ADDED:
            raise
        readings = [compared_as(shapes, sides, added) for added in ("entries", "identity")]
        if min(figure for figure, _ in readings) < TOLERANCE:
            raise
        return max(readings, key=lambda r: r[0])[0], "under either reading of a number added to a matrix"


def compared_as(shapes: Shapes, sides: list, added: str | None) -> tuple[float, str]:
    from .indexvalues import work
    from .values import slip, written_zero

    for k in (0, 1):  # ∂ℓ/∂θ_i = Σ_i (…) X_i: the i free on one side is summed on the other
        summed = {i for n in nodes(sides[1 - k]) if isinstance(n, IndexSum) for i in n.indices}
        if not shapes.free[1 - k] and (clash := {key.name for key in shapes.free[k]} & summed):
            raise ShapeError(f"the index {min(clash)} is free on one side and summed on the other")
    worst, note, apart, points, agreed = 0.0, "", 0.0, [], None
    pairs, substituted = derivative_pairs(sides), substitutions(sides)
    zero = written_zero(*sides)  # a side written 0: a 0 on the other is what is claimed
    rng = np.random.default_rng(SEED)
    defined, undefined = 0, []
    for sizes in shapes.assignments():
        if (needed := work(shapes, sizes, sides)) > MAX_ENTRIES:
            raise Uncheckable(f"too many entries to evaluate ({needed} > {MAX_ENTRIES})")
        found = [point_at(shapes, sizes, sides, rng, added, (pairs, substituted), zero) for _ in range(2)]
        if None in found:
            break
        if UNDEFINED_HERE in found:  # a singular inverse at every draw: undefined at these sizes, try others
            undefined.append(sizes)
            continue
        for figure, point_note, off, point, on in found:
            worst, apart, note = max(worst, figure), max(apart, off), note or point_note
            agreed = on if agreed is None else agreed & on
            points.append(point)
        if (defined := defined + 1) == 2:
            break
    if defined < 2:
        message = "the sides are undefined or not finite at random points"
        raise Uncheckable(f"{message} (a singular inverse, a log of a negative?)")
    if worst >= TOLERANCE and apart < TOLERANCE:
        raise Uncheckable(only_apart(pairs))
    if worst >= TOLERANCE and agreed:
        raise Uncheckable(only_where(*min(agreed)))
    named = slip(points) if worst >= TOLERANCE and not pairs else ""  # the sign, a factor
    sized = [
        ", ".join(f"{k[4:]} = {v}" for k, v in sorted(s.items()) if k.startswith("dim ")) for s in undefined
    ]
    skipped = f"the sides are undefined at {'; '.join(dict.fromkeys(sized))}" if any(sized) else ""
    return worst, "; ".join(m for m in (note, named, skipped) if m)


def point_at(shapes: Shapes, sizes: dict, sides: list, rng, added, indices: tuple, zero):
    """`difference` at a random point where both sides are defined and finite (a draw, then a draw of
    positive values); else UNDEFINED_HERE if a matrix inverted was singular at both (at these sizes: (XᵀX)⁻¹
    of X: m × n at m < n), None if not."""
    from .indexvalues import Evaluator, draw

    singular = True
    for positive in (False, True):
        values = draw(shapes, sizes, rng, positive)
        try:
            with np.errstate(all="ignore"):
                left, right = (Evaluator(shapes, sizes, values, added).of(s, {}) for s in sides)
                found = difference(shapes, sizes, left, right, indices, zero)
        except np.linalg.LinAlgError:  # a singular matrix inverted: undefined at this point
            continue
        if np.isfinite(found[0]):
            return found
        singular = False
    return UNDEFINED_HERE if singular else None


UNDEFINED_HERE = "undefined at these sizes"  # point_at: every draw inverted a singular matrix


def difference(shapes: Shapes, sizes: dict, left, right, indices: tuple, zero: bool = False) -> tuple:
    """The relative difference of two values, entry by entry, with how they were lined up; the
    difference where no pair of ``indices`` (`derivative_pairs`, `substitutions`) coincides (inf
    without pairs); the two values' entries; the substitutions on whose diagonal the sides agree.
    Both 0 proves nothing unless a side is written 0 (``zero``: then it is the claim)."""
    from .indexvalues import joined

    pairs, substituted = indices

    left, right, note = lined_up(shapes, sizes, left, right)
    if left.matrix != right.matrix:
        shown = [f"{r}×{c}" for r, c in (left.matrix, right.matrix)]
        raise ShapeError(f"the sides have the shapes {shown[0]} and {shown[1]}")
    x, y, keys = joined(left, right)
    x, y = np.broadcast_arrays(x, y)
    scale = max(np.abs(x).max(initial=0.0), np.abs(y).max(initial=0.0))
    if scale == 0 and not zero:
        raise Uncheckable("both sides are 0 at random points")
    scale = max(scale, FLOOR) if zero else scale  # "= 0" claimed: a rounding error counts absolutely
    error = np.abs(x - y)
    mask = coinciding(keys, error.shape, pairs)
    apart = error[~mask] if mask.any() and not mask.all() else np.array([np.inf])
    beside = max(np.abs(x[~mask]).max(initial=0.0), np.abs(y[~mask]).max(initial=0.0)) if mask.any() else 0.0
    nowhere = min(np.abs(x).max(initial=0.0), np.abs(y).max(initial=0.0)) <= 1e-12 * scale  # "= 0" (i ≠ j)
    if beside <= 1e-12 * scale and not nowhere:  # both 0 wherever i ≠ j, both written for i = j (δ_ip x_q):
        apart = np.array([np.inf])  # their agreement apart says nothing
    point = (np.real(x).ravel(), np.real(y).ravel())
    on = [(s, coinciding(keys, error.shape, frozenset({frozenset(s)}))) for s in substituted]
    agreed = frozenset(s for s, m in on if m.any() and error[m].max() / scale < TOLERANCE)
    return float(error.max() / scale), note, float(apart.max() / scale), point, agreed


def derivative_pairs(sides: list) -> frozenset:
    """``\\partial s_i / \\partial x_j``: the pairs {i, j} of an index free in a function and a
    different one of the entry it is differentiated by. Texts write such a derivative for j ≠ i
    after the case j = i, without saying so."""
    from .einstein import literal_free

    pairs = set()
    for node in (n for side in sides for n in nodes(side)):
        if isinstance(node, Entry) and isinstance(node.operand, Derivative):
            free = literal_free(node.operand.f)
            pairs |= {frozenset((i, j)) for i in free for j in node.indices if j.isalpha() and i != j}
    return frozenset(pairs)


def coinciding(keys: tuple, shape: tuple, pairs: frozenset) -> np.ndarray:
    """Where the two free indices of a pair of ``pairs`` take the same value (``i = j``)."""
    mask = np.zeros(shape, dtype=bool)
    for a, b in itertools.combinations(range(len(keys)), 2):
        free = keys[a].bound == 0 and keys[b].bound == 0
        if free and frozenset((keys[a].name, keys[b].name)) in pairs and shape[a] == shape[b]:
            same = np.eye(shape[a], dtype=bool).reshape(
                tuple(shape[a] if k in (a, b) else 1 for k in range(len(shape)))
            )
            mask |= same
    return mask


def only_apart(pairs: frozenset) -> str:
    """Why sides that agree only where the indices of a derivative's pair differ are not decided."""
    i, j = sorted(sorted(pairs)[0]) if len(pairs) == 1 else ("i", "j")
    return (
        f"the sides agree only where {i} ≠ {j}: does the text assume it (∂f_{i}/∂x_{j} for "
        f"{j} ≠ {i})? say so, or write the case {i} = {j} apart"
    )


def substitutions(sides: list) -> frozenset:
    """(i, a) where a side takes the derivative of an entry by an entry, ∂y_{ij}/∂x_{ab}, with i and a
    free, and the other side writes a but not i (∂/∂x_{ab} Σ_k x_{ak} w_{kj}): the text may have set
    i = a (`only_where`). Never an index of the variable's entry dropped (∂W_{ji}h_i/∂W_{ji} = h_j)."""
    from .einstein import literal_free

    free = [literal_free(side) for side in sides]
    found = set()
    for k, side in enumerate(sides):
        for node in (n for n in nodes(side) if isinstance(n, Entry) and isinstance(n.operand, Derivative)):
            own = {i for i in node.indices if i.isalpha()}
            for gone, kept in itertools.product(literal_free(node.operand.f) - own, own):
                if {gone, kept} <= free[k] and kept in free[1 - k] and gone not in free[1 - k]:
                    found.add((gone, kept))
    return frozenset(found)


def only_where(gone: str, kept: str) -> str:
    """Why sides that agree only where i = a, the one side writing a for i, are not decided."""
    return (
        f"the sides agree only where {gone} = {kept}, and one side writes {kept} for {gone}: does the "
        f"text set {gone} = {kept}? write the link for that case ({kept} in place of {gone})"
    )


def lined_up(shapes: Shapes, sizes: dict, left, right):
    """A matrix side compared with a side of free indices: its entry at those indices, taken in
    alphabetical order (``(BA)_{pq} = BA``); other free indices must be the same on both sides,
    or the sides numbers (one then the same for every value of the other's indices); a matrix
    beside different free indices (``A + X_{ik} A = 2A``) is not understood."""
    from .indexvalues import Value

    for matrix, entries, flipped in ((left, right, False), (right, left, True)):
        axes = [k for k, n in enumerate(matrix.matrix) if n != 1]
        if matrix.keys or not entries.keys or entries.matrix != (1, 1) or len(axes) != len(entries.keys):
            continue
        order = in_order(entries.keys, shapes.order)
        for key, axis in zip(order, axes):
            values = sizes[shapes.dims.find(shapes.keys[key])]
            if values != matrix.matrix[axis]:
                has = matrix.matrix[axis]
                raise ShapeError(f"the index {key.name} takes {values} values, the matrix side has {has}")
        data = matrix.data.reshape(tuple(matrix.matrix[a] for a in axes) + (1, 1))
        note = f"the matrix side's entries taken at ({', '.join(k.name for k in order)})"
        moved = Value(data, order)
        return (entries, moved, note) if flipped else (moved, entries, note)
    free = [{k.name for k in v.keys} for v in (left, right)]
    if free[0] != free[1] and (left.matrix != right.matrix or left.matrix != (1, 1)):
        listed = " and ".join("{" + ", ".join(sorted(f)) + "}" for f in free)
        what = "different shapes" if left.matrix != right.matrix else "matrix values"
        raise NotUnderstood(f"the sides have the free indices {listed} and {what}: they cannot be compared")
    return left, right, ""


def typed_word(tree) -> list[str]:
    """The letters of a product of one-letter names (``cost`` typed in math mode), else []."""
    if isinstance(tree, BinOp) and tree.op == "*":
        left, right = typed_word(tree.left), typed_word(tree.right)
        return [*left, *right] if left and right else []
    return [tree.name] if isinstance(tree, Name) and len(tree.name) == 1 and tree.name.isalpha() else []
