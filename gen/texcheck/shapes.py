"""Shape inference over the AST of a chain: dimension variables unified, conventions printed.

Sums share a shape, products chain their inner dimensions, transposes swap, traces, determinants
and inverses need a square, and the two sides of ``=`` agree. What nothing fixes falls back on
printed conventions (Greek lowercase a number, Latin lowercase a column vector, anything else a
matrix). No free dimension may become 1 (1×1 matrices commute, and wrong steps would pass): that
is a shape error; the free dimensions left get distinct sizes when sampled. Each ``\\mathbf{1}``,
bare I and written 0 has dimensions of its own, solved by the same unification
(`gen.texcheck.unsized`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import sympy as sp

from ..expr.functions import FUNCTIONS
from ..expr.lower import dimension
from ..expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from ..expr.texcontrol import inner
from ..expr.texgradient import GRADIENT
from ..expr.texindex import Entry, IndexSum
from ..expr.texmatrix import MatrixLiteral, block_shape
from ..expr.texnames import GRADIENT_NAME, noted
from .expectations import SAMPLE, base
from .unsized import VECTOR_OF_ONES, column, fresh, is_identity, is_ones, loose, resized, settled, sized_node

GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "omicron varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega ell".split()
)
CONSTANTS = frozenset({"pi", "e", "I"})
SCALAR = ()  # a number's shape; a matrix's is (rows, cols) of dimension terms
ANY = None  # a shape nothing is known of (an opaque function's value)


FLIPPED = {"vector": "scalar", "scalar": "vector"}  # the other reading of a lowercase name


PLUS = "+"  # a sum of dimensions: ("+", k, m), the height of blocks stacked


def is_sum(d) -> bool:
    return isinstance(d, tuple)


class Conflict(Exception):
    """The sides cannot get consistent shapes: the message says where."""


@dataclass(frozen=True)
class Inferred:
    """Each name's shape (() a number, (n,) a column vector, (m, n) a matrix) and the conventions."""

    shapes: dict
    conventions: tuple[str, ...]
    varying: frozenset = frozenset()  # the names whose differential is written (all, if none is)
    sized: dict = field(default_factory=dict)  # id of a \\mathbf{1} or I → (it, it sized)

    def resized(self, tree):
        """``tree`` with its \\mathbf{1} and I sized as the inference found (`gen.texcheck.unsized`)."""
        return resized(tree, self.sized)


def convention(name: str) -> tuple[str, str]:
    """The shape kind a name takes by convention, and why: an abstract gradient's, its point's."""
    if gradient := GRADIENT_NAME.fullmatch(name):
        if gradient["order"]:
            return "matrix", "a matrix (a Hessian)"
        kind, why = convention(gradient["at"])
        return kind, f"as its point, {why}"
    first = base(name).rstrip("0123456789_")
    if first in GREEK:
        return "scalar", "a number (Greek lowercase)"
    if first == "ell":
        return "scalar", "a number (\\ell, as a log-likelihood)"
    if name[0].islower():
        return "vector", "a column vector (Latin lowercase)"
    return "matrix", "a matrix (uppercase)"


class Unifier:
    def __init__(self, declared: dict, kinds: dict, differentials=frozenset()):
        self.parent: dict = {}
        self.differentials = differentials  # names such as dX: the differential of X
        self.sizes = frozenset()  # declared dimensions: numbers, not symbols
        self.fresh = itertools.count()
        self.names: dict = {}  # name → shape terms
        self.occurrences: dict = {}  # id of a \\mathbf{1} or I → (it, its shape terms)
        self.declared, self.kinds = declared, kinds

    def var(self, kind: str = "") -> str:
        return f"?{kind}{next(self.fresh)}"

    def find(self, d):
        while self.parent.get(d, d) != d:
            d = self.parent[d]
        return self.plus(d[1:]) if is_sum(d) else d

    def plus(self, terms) -> object:
        """The dimension of blocks side by side: a sum term ``("+", k, m)``, its numbers added
        (``2 + 3`` is 5, ``k + 1`` keeps both)."""
        found, number = [], 0
        for term in map(self.find, terms):
            for d in term[1:] if is_sum(term) else (term,):
                found, number = (found, number + d) if isinstance(d, int) else ([*found, d], number)
        found += [number] if number else []
        return found[0] if len(found) == 1 else (PLUS, *found)

    def unify(self, a, b, what: str):
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if is_sum(a) or is_sum(b):
            self.unify_sum(*((a, b) if is_sum(a) else (b, a)), what)
        elif loose(a):  # the column count of a \\mathbf{1}: 1 (a vector) or a matrix's
            self.parent[a] = b
        elif loose(b):
            self.parent[b] = a
        elif str(a).startswith("?") and b != 1:
            self.parent[a] = b
        elif str(b).startswith("?") and a != 1:
            self.parent[b] = a
        elif 1 in (a, b):
            raise Conflict(f"{what} would need a dimension of 1 (a matrix used as a number?)")
        else:
            raise Conflict(f"{what}: the dimensions {a} and {b} differ")

    def unify_sum(self, total, other, what: str):
        """A sum of blocks' dimensions against another: blocks against as many blocks are
        partitioned alike (a block product, a block equation); a variable takes the sum; a sum is
        never 1. A sum against a declared dimension or blocks partitioned otherwise is left to the
        sizes drawn (`gen.expr.texmatrix.block_unsized`)."""
        if is_sum(other) and len(other) == len(total):
            for d, e in zip(total[1:], other[1:]):
                self.unify(d, e, what)
        elif str(other).startswith("?") and other not in total:
            self.parent[other] = total
        elif other == 1:
            raise Conflict(f"{what} would need a dimension of 1 (a matrix used as a number?)")

    def same(self, s, t, what: str):
        if s is ANY or t is ANY:
            return
        s, t = (s or (1, 1)), (t or (1, 1))  # a number is 1×1 against a matrix
        if (s == (1, 1)) != (t == (1, 1)) and not self.number(s if s != (1, 1) else t, bind=False):
            raise Conflict(f"{what} would need a matrix to be 1×1 (a matrix added to a number?)")
        self.unify(s[0], t[0], what)
        self.unify(s[1], t[1], what)

    def number(self, s, bind: bool = True) -> bool:
        """Whether ``s`` is 1×1 or only a \\mathbf{1}'s column count keeps it from being (then that
        \\mathbf{1} is a vector: bound so, with ``bind``)."""
        dims = self.resolved(s)
        if not all(d == 1 or column(d) for d in dims):
            return False
        for d in dims if bind else ():
            self.unify(d, 1, "a number")
        return True

    def vector(self, s) -> bool:
        """Whether ``s`` has one column (a \\mathbf{1} read as a vector unless something made it a
        matrix)."""
        return self.number((s[1],))

    def columns(self, *shapes) -> bool:
        """Whether every shape is a column vector's (one column, rows other than 1)."""
        return all(s not in (ANY, SCALAR) and self.resolved(s)[1] == 1 != self.resolved(s)[0] for s in shapes)

    def row_or_column(self, s) -> bool:
        """Whether ``s`` is known to be a vector: one of its dimensions 1, the other a declared one
        (a vector only by convention may be a number)."""
        dims = self.resolved(s) if s not in (ANY, SCALAR) else ()
        return sorted(d == 1 for d in dims) == [False, True] and not any(str(d).startswith("?") for d in dims)

    def square(self, s, what: str):
        if s:
            self.unify(s[0], s[1], f"{what} (of a square matrix)")

    def name(self, name: str):
        if name not in self.names:
            self.names[name] = self.initial(name)
        return self.names[name]

    def occurrence(self, node):
        """The shape of one \\mathbf{1} or I: its own dimension variables, the same each time the
        node is met (a side shared by two links is one node)."""
        if id(node) not in self.occurrences:
            self.occurrences[id(node)] = (node, fresh(self, node))
        return self.occurrences[id(node)][1]

    def initial(self, name: str):
        shape = self.declared.get(name)
        if shape is not None:
            return shape if len(shape) != 1 else (shape[0], 1)
        kind = self.kinds.get(name) or convention(name)[0]
        return {"scalar": SCALAR, "vector": (self.var(), 1), "matrix": (self.var(), self.var())}[kind]

    def resolved(self, shape) -> tuple:
        return tuple(self.find(d) for d in shape)


def shape_of(u: Unifier, node):
    return SHAPES[type(node).__name__](u, node)


def of_binop(u: Unifier, node: BinOp):
    left, right = shape_of(u, node.left), shape_of(u, node.right)
    if node.op in ("+", "-") and number_beside_vector(u, left, right):  # 1 - σ(z) of a vector: each entry
        return left if u.row_or_column(left) else right
    if node.op in ("+", "-", ".*"):
        u.same(left, right, "a sum" if node.op != ".*" else "an entrywise product")
        return left if left not in (ANY, SCALAR) else right
    if node.op == "/" and u.row_or_column(right):  # y/s, 1/s of vectors: entry by entry
        if left is ANY or not u.number(left, bind=False):
            u.same(left, right, "an entrywise quotient")
        return right
    if node.op == "/":
        u.same(right, SCALAR, "a division by a matrix")
        return left
    if node.dot and u.columns(left, right):  # u \cdot v of two vectors: the dot product uᵀv
        u.unify(left[0], right[0], "a dot product")
        u.occurrences[id(node)] = (node, None)
        return SCALAR
    return product(u, left, right)


def number_beside_vector(u: Unifier, left, right) -> bool:
    """Whether one term is a number and the other a vector (by declared sizes): the number is added
    to each entry, as texts write ``1 - \\sigma(z)``; to a matrix it stays refused (each entry or I?)."""
    return any(
        a is not ANY and (a == SCALAR or u.number(a, bind=False)) and u.row_or_column(b)
        for a, b in ((left, right), (right, left))
    )


def product(u: Unifier, left, right):
    if left is ANY or right is ANY:
        return ANY
    if not left or u.number(left):
        return right
    if not right or u.number(right):
        return left
    u.unify(left[1], right[0], "a product")
    return (left[0], right[1])


def of_postfix(u: Unifier, node: Postfix):
    if node.op == "^" and node.operand == Name("e", node.operand.pos) and "e" not in u.declared:
        return shape_of(u, node.exponent)  # e^{X} is exp(X): the matrix exponential, or entry by entry
    s = shape_of(u, node.operand)
    if node.exponent is not None and (s == SCALAR or s != ANY and u.number(s, bind=False)):
        for name in names_in(node.exponent):  # \lambda^{t+1}, t declared a number: a symbol of the link
            if u.declared.get(name) == SCALAR and name not in declared_dimensions(u):  # (2π)^n: n's size
                u.name(name)
    if s in (ANY, SCALAR) or node.op == ".^":
        return s
    if node.op == "T":
        return (s[1], s[0])
    u.square(s, "an inverse or a power")
    return (s[1], s[0]) if node.op == "-T" else s


def of_call(u: Unifier, node: Call):
    if is_ones(node):
        return u.occurrence(node)
    if node.name == "I" and len(node.args) == 1 and isinstance(size := node.args[0], Name | Num):
        n = int(size.text) if isinstance(size, Num) else size.name  # I_N of a declared dimension N
        return (n, n) if isinstance(n, int) or n in u.sizes or n in declared_dimensions(u) else ANY
    if node.name == GRADIENT and len(node.args) == 3 and (at := shape_of(u, node.args[2])) is not ANY:
        variable = node.args[1]  # ∂g/∂u by an expression u: its stand-in shaped as u (`texgradient`)
        if isinstance(variable, Name) and variable.name not in u.names and variable.name not in u.declared:
            u.names[variable.name] = at
    shapes = [shape_of(u, a) for a in node.args]
    function = FUNCTIONS.get(node.name)
    rule = CALLS.get(node.name) or CALLS.get(function.lowering if function else "")
    if rule is None or not shapes:
        return ANY
    return rule(u, *shapes)


def declared_dimensions(u: Unifier) -> set:
    return {d for shape in u.declared.values() for d in shape if isinstance(d, str)}


def squared_scalar(u: Unifier, s, *_):
    u.square(s, "a trace or determinant")
    return SCALAR


def squared_same(u: Unifier, s, *_):
    u.square(s, "an inverse or matrix function")
    return s


def diagonal(u: Unifier, s, *_):
    if s in (ANY, SCALAR):
        return s
    if u.vector(s):
        return (s[0], s[0])
    u.square(s, "diag")
    return (s[0], 1)


def absolute(u: Unifier, s, *_):
    """``|x|`` of a number its absolute value, of a column vector its length (``|x - y|^2``),
    ``|X|`` of a matrix its determinant (as `gen.expr.tex.latex_reading` reads them)."""
    if s in (ANY, SCALAR):
        return s
    return SCALAR if u.vector(s) else squared_scalar(u, s)


def gradient_shape(u: Unifier, x, f):
    """``∇_X f`` of a number f: X's shape (denominator layout, `gen.texcheck.gradients`); of a
    vector, a Jacobian whose orientation is the layout's: left to the lowering."""
    return x if f == SCALAR else ANY


CALLS = {
    "abs": absolute,
    "norm2": lambda u, s, *_: SCALAR,
    "tr": squared_scalar,
    "det": squared_scalar,
    "logdet": squared_scalar,
    "inv": squared_same,
    "matrix_function": squared_same,
    "d": lambda u, s, *_: s,
    "entrywise": lambda u, s, *_: s,
    "norm": lambda u, s, *_: SCALAR,
    "sum": lambda u, s, *_: SCALAR,
    "logsumexp": lambda u, s, *_: SCALAR,
    "softmax": lambda u, s, *_: s,  # row by row (or column by column): the shape of its argument
    "hadamard": lambda u, a, b: (u.same(a, b, "an entrywise product"), a)[1],
    "diag": diagonal,
    "cholesky": squared_same,
    "eigenvalue_max": squared_scalar,
    "eigenvalue_min": squared_scalar,
    "singular_value": lambda u, s, *_: SCALAR,
    "nuclear": lambda u, s, *_: SCALAR,
    GRADIENT: lambda u, f, x, *at: (
        *(u.same(x, a, "a variable and its value") for a in at),
        gradient_shape(u, x, f),
    )[-1],
}


def gradient_at(u: Unifier, f, x, at: tuple):
    """∇_x f's shape; x's value, where given (`gradients.GradientValue`), of x's shape."""
    for value in at:
        u.same(x, value, "a variable and its value")
    return gradient_shape(u, x, f)


def of_name(u: Unifier, node: Name):
    if node.name in u.sizes:
        return SCALAR  # a declared dimension used as a number: its size
    if node.name in CONSTANTS - {"I"} and node.name not in u.declared:
        return SCALAR
    if is_identity(node, u.declared):
        return u.occurrence(node)
    if node.name in u.differentials:
        return u.name(node.name[1:])
    return u.name(node.name)


SHAPES = {
    "Num": lambda u, node: u.occurrence(node) if float(node.text) == 0 else SCALAR,  # 0: of any shape
    "Name": of_name,
    "Neg": lambda u, node: shape_of(u, node.operand),
    "BinOp": of_binop,
    "Postfix": of_postfix,
    "Call": of_call,
    "MatrixLiteral": lambda u, node: block_shape(u, node, shape_of, SCALAR, ANY),
}


def unified(pairs: list, declared: dict, kinds: dict, differentials, squares, sizes=frozenset()) -> Unifier:
    """Every side's shape worked out, the two sides of each link made to agree (or a Conflict)."""
    u = Unifier(declared, kinds, differentials)
    u.sizes = sizes
    for name in squares:
        u.square(u.name(name), f"{name}'s assumption")
    for left, right in pairs:
        u.same(shape_of(u, left), shape_of(u, right), "the two sides of '='")
    return u


def names_in(node) -> list[str]:
    if isinstance(node, Name):
        return [node.name]
    return [n for child in children(node) for n in names_in(child)]


def children(node) -> tuple:
    if isinstance(node, (Num, Name)):
        return ()
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Postfix):
        return (node.operand,) + ((node.exponent,) if node.exponent is not None else ())
    if isinstance(node, IndexSum):  # an annotation's definition may be a sum: p_k := e^{o_k}/\sum_j e^{o_j}
        return (node.body,)
    if isinstance(node, Entry):
        return (node.operand,)
    if hasattr(node, "args"):
        return tuple(node.args)
    return (node.f,) if hasattr(node, "f") else ()  # a gradient, a Jacobian: its function


def infer(
    pairs: list, declared: dict, differentials=frozenset(), squares=(), sizes=frozenset(), kinds=None
) -> Inferred:
    """The shapes of the names in ``pairs`` (the two ASTs of each link), or a Conflict; ``kinds``
    the kind of a name known otherwise than by convention (its definition's). A convention
    is never bent to make a link fit (a vector read as a number commutes, and a wrong step would
    pass): where reading one lowercase name the other way would fit, the message says which
    declaration would make it so."""
    kinds = kinds or {}
    try:
        return finished(unified(pairs, declared, kinds, differentials, squares, sizes), declared, kinds)
    except Conflict as first:
        for name in dict.fromkeys(n for pair in pairs for s in pair for n in names_in(s)):
            other = FLIPPED.get(kinds.get(name) or convention(name)[0])
            if name in declared or other is None or SAMPLE in name:  # u§∂θ: the check's own name
                continue
            try:
                unified(pairs, declared, {**kinds, name: other}, differentials, squares, sizes)
            except Conflict:
                continue
            hint = f"if {name} is {FITS[other]}, declare % derivtex: {name}: {DECLARED[other]}"
            raise Conflict(f"{first}; {hint}") from None
        raise


FITS = {"scalar": "a number", "vector": "a column vector"}
DECLARED = {"scalar": "scalar", "vector": "n"}


def kind_of(tree, declared: dict) -> str | None:
    """What ``tree`` is (scalar, vector, matrix), its names taken by their declarations and
    conventions; None where that is not settled (a free dimension that could be 1)."""
    try:
        u = unified([(tree, tree)], declared, {}, frozenset(), ())
        shape = shape_of(u, tree)
    except Conflict:
        return None
    if shape is ANY:
        return None
    if shape == SCALAR or u.number(shape, bind=False):
        return "scalar"
    rows, cols = u.resolved(shape)
    return "vector" if cols == 1 and rows != 1 else "matrix" if 1 not in (rows, cols) else None


def finished(u: Unifier, declared: dict, kinds: dict) -> Inferred:
    free = {}
    shapes, notes = {}, []

    def named(d):  # a free dimension gets a name; blocks' dimensions, their sum
        if is_sum(d):
            return sp.Add(*(dimension(named(e)) for e in d[1:]))
        return d if not str(d).startswith("?") else free.setdefault(d, f"n{len(free) + 1}_")

    for name, terms in u.names.items():
        dims = [named(d) for d in u.resolved(terms)]
        is_vector = len(dims) == 2 and dims[1] == 1 and (name not in declared or len(declared[name]) == 1)
        shapes[name] = tuple(dims[:1]) if is_vector else tuple(dims)
        if name not in declared and name not in kinds and SAMPLE not in name:  # by a convention only
            why = convention(name)[1]
            notes.append(f"{noted(name)}: {why}")
    if any(is_ones(node) and column(u.find(terms[1])) for node, terms in u.occurrences.values()):
        notes.append(VECTOR_OF_ONES)
    return Inferred(shapes, tuple(notes), sized=sized(u, free))


def sized(u: Unifier, free: dict) -> dict:
    """Each \\mathbf{1} and I whose dimensions the inference tied to a symbol's (or to a number),
    sized; the others stay as written (the lowering cannot tell their size: ``cannot check``)."""
    found = {}
    for key, (node, terms) in u.occurrences.items():
        if terms is None:  # a dot product
            found[key] = (node, inner(node.left, node.right, node.pos))
            continue
        dims = [settled(d, free) for d in u.resolved(terms)]
        if isinstance(node, MatrixLiteral) and any(d is not None for d in dims):  # its zero blocks
            found[key] = (node, sized_node(node, tuple(dims)))
        elif None not in dims and not isinstance(node, Num | MatrixLiteral):  # a 0 is 0 whatever its shape
            found[key] = (node, sized_node(node, tuple(dims)))
    return found
