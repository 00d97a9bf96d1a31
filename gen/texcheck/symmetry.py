"""Symmetry derived from a definition, never guessed: a symbol the paper defines (or states equal to)
the inverse, the transpose, a power, a sum or a congruence of symmetric matrices, a Gram product
``AᵀA`` or a matrix plus its transpose, is symmetric; the report prints the derivation.

The rules, one row each (Horn and Johnson, *Matrix Analysis*, 2nd ed., §0.9 and §4.1; the Matrix
Cookbook, Petersen and Pedersen 2012, §9.1 for ``AᵀA``, §1 for ``(A⁻¹)ᵀ = (Aᵀ)⁻¹``):

- a symbol declared symmetric (or spd, or diagonal), the identity, a number;
- ``Sᵀ``, ``S⁻¹``, ``S⁻ᵀ`` and ``Sᵏ`` of a symmetric S;
- ``S ± T`` and ``c S`` (c a number) of symmetric S and T;
- ``AᵀA`` and ``AAᵀ`` (a Gram matrix), ``A + Aᵀ``;
- ``B S Bᵀ`` and ``Bᵀ S B`` (a congruence) of a symmetric S.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import SpecError
from ..expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from .shapes import names_in

SYMMETRIC = ("symmetric", "spd", "diagonal")
DEPTH = 8  # a definition refers to others at most this deep (a cycle stops here)

Kind = Callable[[str], str | None]  # a name's kind: "symmetric", "number" or None (unknown)


def key(tree) -> tuple:
    """``tree`` without its positions: two writings of the same expression compare equal."""
    if isinstance(tree, Name):
        return ("name", tree.name)
    if isinstance(tree, Num):
        return ("num", tree.text)
    if isinstance(tree, Neg):
        return ("neg", key(tree.operand))
    if isinstance(tree, BinOp):
        return ("bin", tree.op, key(tree.left), key(tree.right))
    if isinstance(tree, Postfix):
        exponent = key(tree.exponent) if tree.exponent is not None else None
        return ("post", tree.op, key(tree.operand), exponent)
    if isinstance(tree, Call):
        return ("call", tree.name, tuple(key(a) for a in tree.args))
    return ("other", repr(tree))


def mirrored(a, b) -> bool:
    """Whether ``a`` is written ``bᵀ`` or ``b`` is written ``aᵀ``."""
    pairs = ((a, b), (b, a))
    return any(isinstance(t, Postfix) and t.op == "T" and key(t.operand) == key(o) for t, o in pairs)


def is_number(tree, kind: Kind) -> bool:
    if isinstance(tree, Num):
        return True
    if isinstance(tree, Name):
        return kind(tree.name) == "number"
    if isinstance(tree, Neg):
        return is_number(tree.operand, kind)
    if isinstance(tree, BinOp) and tree.op in ("*", "/", "+", "-"):
        return is_number(tree.left, kind) and is_number(tree.right, kind)
    return False


def of_name(tree: Name, kind: Kind) -> str | None:
    if tree.name == "I":
        return "the identity"
    found = kind(tree.name)
    return {"symmetric": f"{tree.name} is symmetric", "number": "a number"}.get(found or "")


def of_postfix(tree: Postfix, kind: Kind) -> str | None:
    what = {"T": "the transpose", "-1": "the inverse", "-T": "the inverse transpose", "^": "a power"}
    if tree.op not in what or not why(tree.operand, kind):
        return None
    if tree.op == "^" and not (isinstance(tree.exponent, Num) and tree.exponent.text.isdigit()):
        return None  # S^{1/2} is not taken here: its branch and domain are another matter
    return f"{what[tree.op]} of a symmetric matrix"


def of_sum(tree: BinOp, kind: Kind) -> str | None:
    if tree.op == "+" and mirrored(tree.left, tree.right):
        return "a matrix plus its transpose"
    if why(tree.left, kind) and why(tree.right, kind):
        return "a sum of symmetric matrices"
    return None


def of_product(tree: BinOp, kind: Kind) -> str | None:
    left, right = tree.left, tree.right
    if mirrored(left, right):
        return "a Gram matrix AᵀA"
    if (is_number(left, kind) and why(right, kind)) or (is_number(right, kind) and why(left, kind)):
        return "a number times a symmetric matrix"
    outer, inner = congruence(tree)
    if outer is not None and why(inner, kind):
        return "a congruence B S Bᵀ of a symmetric S"
    return None


def congruence(tree: BinOp):
    """(B, S) if ``tree`` is ``B S Bᵀ`` or ``Bᵀ S B`` (grouped either way), else (None, None)."""
    for first, middle, last in grouped(tree):
        if mirrored(first, last):
            return first, middle
    return None, None


def grouped(tree: BinOp) -> list[tuple]:
    """The three factors of ``(A B) C`` or ``A (B C)``."""
    out = []
    if isinstance(tree.left, BinOp) and tree.left.op == "*":
        out.append((tree.left.left, tree.left.right, tree.right))
    if isinstance(tree.right, BinOp) and tree.right.op == "*":
        out.append((tree.left, tree.right.left, tree.right.right))
    return out


def of_binop(tree: BinOp, kind: Kind) -> str | None:
    if tree.op in ("+", "-"):
        return of_sum(tree, kind)
    if tree.op == "*":
        return of_product(tree, kind)
    if tree.op == "/" and is_number(tree.right, kind) and why(tree.left, kind):
        return "a symmetric matrix divided by a number"
    return None


def of_call(tree: Call, kind: Kind) -> str | None:
    if tree.name == "inv" and len(tree.args) == 1 and why(tree.args[0], kind):
        return "the inverse of a symmetric matrix"
    return None


RULES = {
    Name: of_name,
    Num: lambda tree, kind: "a number",
    Neg: lambda tree, kind: why(tree.operand, kind),
    Postfix: of_postfix,
    BinOp: of_binop,
    Call: of_call,
}


def why(tree, kind: Kind) -> str | None:
    """Why ``tree`` is symmetric (the rule that shows it), or None if no rule does."""
    rule = RULES.get(type(tree))
    return rule(tree, kind) if rule else None


def derived(name: str, scope, shapes: dict, assume: dict) -> str | None:
    """The note saying why ``name`` is symmetric, from what the paper defines or states it to be
    (``% derivtex: Lambda := \\Sigma^{-1}``, a chain's definition, or ``$\\Lambda = \\Sigma^{-1}$``
    in the prose); None if it is not square or no rule shows it."""
    return derivation(name, scope, shapes, assume, DEPTH)


def derivation(name: str, scope, shapes: dict, assume: dict, depth: int) -> str | None:
    shape = shapes.get(name)
    if depth <= 0 or (shape is not None and (len(shape) != 2 or shape[0] != shape[1])):
        return None
    statement = statement_of(name, scope)
    if statement is None:
        return None
    text, tree = statement

    def kind(other: str) -> str | None:
        if other in shapes and shapes[other] == ():
            return "number"
        if set(assume.get(other) or declared(scope, other)) & set(SYMMETRIC):
            return "symmetric"
        return "symmetric" if other != name and derivation(other, scope, shapes, assume, depth - 1) else None

    reason = why(tree, kind)
    return f"{name}: symmetric, derived from {name} = {text}: {reason}" if reason else None


def declared(scope, name: str) -> tuple:
    found = scope.lookup(name)
    return found.assume if found else ()


def statement_of(name: str, scope):
    """(its text, its AST) where the paper defines ``name`` or states what it equals, else None."""
    definition = scope.defined.get(name)
    if definition is not None and not definition.params:
        return definition.body.value, definition.tree
    return (getattr(scope, "stated", None) or {}).get(name)


def symmetric_in(scope, name: str) -> bool:
    """Whether ``name`` is declared symmetric, or shown symmetric by what the paper says it is."""
    if set(declared(scope, name)) & set(SYMMETRIC):
        return True
    return derivation(name, scope, {}, {}, DEPTH) is not None


# $\Lambda = \Sigma^{-1}$ in the prose: a name alone on the left of one '='
INLINE = re.compile(r"(?<!\\)\$([^$]+)\$|\\\((.+?)\\\)", re.S)
STATED = re.compile(r"\s*([^=<>]+?)\s*=\s*([^=<>]+?)\s*[.,;]?\s*$", re.S)


def stated(text: str, parse, span_at) -> dict:
    """The prose's inline statements ``$NAME = …$``: name → (the right side's text, its AST). They
    only lend the name their properties (its symmetry); they are not substituted for it."""
    found = {}
    for match in INLINE.finditer(text):
        body = match.group(1) if match.group(1) is not None else match.group(2)
        parts = STATED.fullmatch(body)
        if not parts:
            continue
        start = match.start(1) if match.group(1) is not None else match.start(2)
        try:
            left = parse(parts.group(1), span_at(start + parts.start(1)))
            right = parse(parts.group(2), span_at(start + parts.start(2)))
        except SpecError:
            continue
        if isinstance(left, Name) and left.name not in names_in(right):
            found[left.name] = (parts.group(2).strip(), right)
    return found
