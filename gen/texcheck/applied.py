"""A function the text defines, applied: ``g(u)`` with ``g(v) := …`` (an annotation, a display, the
prose) is g's body with v = u; ``f(x)`` with ``f := …`` of x is f. The front end reads the
application (`gen.expr.texwords.Words.applied`) when it knows the defined names; this module tells
it which, for the chain at hand (`gen.texcheck.links.substitute` then substitutes)."""

from __future__ import annotations

import re

from ..expr.texnames import BLACKBOARD, BOLD_OWN, GREEK_NAMES, RAISED
from ..expr.texoperators import KRON_APPLIED
from .shapes import names_in

# what declares a notation that reads as a call (``(A \otimes B)[X]``: Magnus and Neudecker's B X Aᵀ)
DECLARATIONS = {KRON_APPLIED: "% derivtex: (A \\otimes B)[X] := B X A^T (the text's convention)"}


def applicable(defined: dict) -> dict:
    """Name → None (a definition with parameters: applied to any arguments) or the names its body
    uses (a definition without: applied only to those, ``B(x)`` with ``B := A \\diag(x) A^T``)."""
    return {name: None if d.params else frozenset(uses(d.tree)) for name, d in defined.items()}


def uses(tree) -> list[str]:
    """The names a definition's body uses; none if the body could not be read (a str saying why)."""
    return [] if isinstance(tree, str) else names_in(tree)


def known_forms(scope) -> frozenset:
    """The names the front end reads only when it knows them: declared with a time step in
    parentheses (``x(n)``: not x applied to n), or declared or defined primed (``S'``: not Sᵀ) or
    with a + above (``x^+``, the next iterate: not a pseudo-inverse), or a layer's (``W^l``,
    ``a^{l-1}``: not powers), or a kernel matrix (``K_{fu}``, or K itself, whose K_{mn} is an entry: not
    the commutation matrix K_{mn}), or
    a letter numbered (``x_2``, which a text may type ``x2``: not x times 2); an increment the text
    names (``\\delta Y``, ``\\Delta x``, or defines as ``dx := m_x - x``: dx^{-1} its inverse, not d(x⁻¹))."""
    named = (*scope.declared, *scope.prose)
    known = (*named, *scope.defined)
    steps = {n for n in known if n.endswith(")") and "(" in n or n.endswith("]") and "[" in n}
    functions = {n for n, d in scope.defined.items() if d.params}  # r(x) := y - f(x): r applied to x
    steps -= {n for n in steps if n.endswith(")") and n.split("(")[0] in functions}
    marks = {n for n in (*named, *scope.defined) if n.endswith("prime") or "plus" in n.split("_")[0]}
    layers = {n for n in (*named, *scope.defined) if LAYER.fullmatch(n) or RAISED in n}  # W_l, a_lm1; x^k
    varied = {
        n for n in (*named, *scope.defined) if re.match(r"(?:delta|Delta)[A-Za-z]", n)
    }  # \delta Y, \Delta x
    varied |= {n for n in scope.defined if re.fullmatch(r"d[A-Za-z]", n)}  # dx := m_x - x, a difference
    kernels = {n for n in (*named, *scope.defined) if re.fullmatch(r"K_[A-Za-z]{2}", n) and kernel(n, scope)}
    kernels |= {"K"} & set(known)  # K_{nn'} of a declared K: its entry
    gradients = {n for n in named if n.startswith("nabla") and n.endswith(")")}  # \nabla f(x_k): declared
    own = (
        rf"[A-Za-z](?:{BLACKBOARD}|{BOLD_OWN})(?:_.+)?"  # \mathbb{X}, \mathbf{y}_{m+1}: declared, defined so
    )
    boards = {n for n in known if re.fullmatch(own, n)}
    numbered = {n for n in known if re.fullmatch(r"[A-Za-z]_\d+", n)}  # x_2: also typed x2
    greek = {n for spelled in GREEK_NAMES.values() for n in spelled}
    annotated = (*scope.declared, *scope.defined)  # not the prose's: "$z = Ax \in \mathbb{R}^r$" sizes z
    words = {n for n in annotated if len(n) > 1 and n.isalpha() and n not in greek}  # cost, RSS as letters
    powers = {"t"} & set(named)  # \lambda^t where t is declared (a time): a power, not a transpose
    scalar = (d := scope.lookup("e")) is not None and d.shape == ()
    powers |= set() if scalar else {"e"} & set(known)  # \mathbf{e}^H of a declared e: not exp(H)
    return frozenset(
        steps
        | marks
        | layers
        | varied
        | kernels
        | gradients
        | boards
        | numbered
        | powers
        | words
        | scope.bolded
    )


def kernel(name: str, scope) -> bool:
    """Whether the text's K_{ab} is a matrix of its own (a kernel matrix K_{fu}, K_{uu}) rather than
    the commutation matrix K_{mn}: so unless its indices are letters of sizes and it is square."""
    declared = scope.lookup(name)
    square = declared is None or declared.shape is None or len(set(declared.shape)) == 1
    return not (square and set(name[2:]) <= set("mnpqrsdkt"))


LAYER = re.compile(r"[A-Za-z]+_(?:l|L|ell)(?:[mp]\d)?")  # a layer's symbol, written W^l or W_l
