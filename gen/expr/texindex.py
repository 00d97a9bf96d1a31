"""Index notation in LaTeX: entries ``(AB)_{ij}``, sums ``\\sum_{i=1}^{n}``, products ``\\prod_i``.

The parser (`gen.expr.tex`) calls these when it meets a subscript after an expression or a
``\\sum``/``\\prod``; the nodes they build are checked entry by entry by `gen.texcheck.indices`, never
lowered (a side with indices is not a matrix expression of the spec grammar). ``A_{ij}`` on a name
stays the parser's name ``A_ij``: whether it is an entry of A depends on the symbols, decided there.
"""

from __future__ import annotations

from dataclasses import dataclass

from .parser import Call, Name, Postfix
from .texlex import Tok
from .texnames import SPACES, TRANSPOSES


@dataclass(frozen=True)
class Entry:
    """``(AB)_{ij}``: the entry of a matrix expression; an index is a letter, or a digit (1-based)."""

    operand: object
    indices: tuple[str, ...]
    pos: int
    bracketed: bool = False  # written (…)_{i}: after a name, f(x)_i may be a function's value


@dataclass(frozen=True)
class IndexSum:
    """``\\sum_{i,j} body`` (``kind`` "sum") or ``\\prod_i body`` ("prod") over the full ranges; or the
    matrix whose i-th row (``kind`` "rows") or column ("columns") is the body: the pattern of an elided
    matrix literal (`gen.expr.texelided`); or ``[a_{ij}]_{m \\times n}`` ("sized", ``upper`` "m n")."""

    kind: str
    indices: tuple[str, ...]
    body: object
    pos: int
    upper: str | None = None  # \sum_{i=1}^{n}: the name of the upper bound, the index's range
    apart: str | None = None  # \sum_{k \neq j}: the index whose value the sum leaves out


def subscript_indices(p, tokens: list[Tok], where: Tok) -> tuple[str, ...]:
    """``{ij}``, ``{i,j}``, ``{p q}``: one index per letter or digit."""
    out = []
    for token in tokens:
        if token.kind in ("letter", "digit"):
            out.append(token.text)
        elif token.is_cs("ell"):  # \sum_{\ell}, (AB)_{\ell k}: the index l
            out.append("l")
        elif not (token.is_char(",", "{", "}") or token.kind == "cs" and token.text in SPACES):
            message = f"the subscript {token.shown()} is not an index (an entry is written (AB)_{{ij}})"
            raise p.error(message, token)
    if not out:
        raise p.error("expected indices after '_' ((AB)_{ij})", where)
    return tuple(out)


def entry(p, node, underscore: Tok) -> Entry | IndexSum:
    """``(AB)_{ij}``; ``(BA)^T_{pq}`` and ``(BA)_{pq}^T`` alike mean the entry of the transpose (the
    two scripts are set on the same base). ``[A_{ji}]_{m \\times n}``: the matrix of the entries
    written, sized m × n (`sized`)."""
    tokens = p.group_tokens()
    if any(t.is_cs("times") for t in tokens):
        return sized(p, node, tokens, underscore)
    indices = subscript_indices(p, tokens, underscore)
    if p.peek().is_char("^"):
        saved = list(p.stream.stack)
        caret = p.next()
        texts = tuple(t.text for t in p.group_tokens() if not (t.kind == "cs" and t.text in SPACES))
        if texts in TRANSPOSES:
            node = Postfix("T", node, caret.pos, caret=TRANSPOSES[texts])
        else:
            p.stream.stack = saved
    before = p.source.value[: underscore.pos].rstrip()
    return Entry(node, indices, underscore.pos, before.endswith((")", "]")))


def sized(p, node, tokens: list[Tok], underscore: Tok) -> IndexSum:
    """``[a_{ij}]_{m \\times n}``, ``[\\partial F / \\partial z_t]_{h \\times T}``: the matrix whose
    entries (columns) the bracket writes for each value of the indices it leaves free, as an
    `IndexSum` of kind "sized" whose indices `gen.texcheck.indices` finds (those of its body only)."""
    at = next(k for k, t in enumerate(tokens) if t.is_cs("times"))
    sizes = [[t for t in part if not t.is_char("{", "}")] for part in (tokens[:at], tokens[at + 1 :])]
    if not all(len(part) == 1 and part[0].kind in ("letter", "digit") for part in sizes):
        raise p.error("a matrix's size is written _{m \\times n}, a letter or a number each", underscore)
    return IndexSum("sized", (), node, underscore.pos, f"{sizes[0][0].text} {sizes[1][0].text}")


def index_sum(p, token: Tok) -> IndexSum:
    """``\\sum_{i}``, ``\\sum_i``, ``\\sum_{i=1}^{n}``, ``\\sum_{i,j}``, ``\\prod_i``: the sum (product)
    of the terms that follow, up to the next ``+``/``-``; the range is the index's full range (where
    it is used decides it), so a lower bound other than 0 or 1 or a numeric upper bound is refused
    (``\\sum_{n=0}^{N-1}``, N terms, is the full range of N)."""
    kind = "sum" if token.text == "sum" else "prod"
    while p.peek().kind == "cs" and p.peek().text in ("limits", "nolimits"):
        p.next()
    upper_first = None
    if p.peek().is_char("^") and len(p.stream.stack) > 2:  # \sum^n_{i=1}: the bound written first
        saved = list(p.stream.stack)
        p.next()
        upper_first = p.group_tokens()
        if not p.peek().is_char("_"):
            p.stream.stack, upper_first = saved, None
    if not p.peek().is_char("_"):  # \sum e^{x_j}: over the indices only the body uses (gen.texcheck)
        return IndexSum(kind, (), p.nested(p.product), token.pos)
    underscore = p.next()
    tokens = p.group_tokens()
    apart = None
    if (at := next((k for k, t in enumerate(tokens) if t.is_cs("neq", "ne")), None)) is not None:
        rest = [t for t in tokens[at + 1 :] if not t.is_char("{", "}")]
        if not (
            len(rest) == 1
            and rest[0].kind == "letter"
            and len(subscript_indices(p, tokens[:at], underscore)) == 1
        ):
            raise p.error(f"a {kind} leaving a value out is written \\{token.text}_{{k \\neq j}}", underscore)
        tokens, apart = tokens[:at], rest[0].text
    equals = next((k for k, t in enumerate(tokens) if t.is_char("=")), None)
    lower = [t.text for t in tokens[equals + 1 :]] if equals is not None else []
    if lower and lower not in (["0"], ["1"]):
        raise p.error(
            f"a {kind} from {''.join(lower)} is not over a full range: only from 0 or 1", underscore
        )
    indices = subscript_indices(p, tokens[:equals], underscore)
    if any(not i.isalpha() for i in indices):
        raise p.error(f"the index of a {kind} is a letter: \\{token.text}_{{i}}", underscore)
    bound = None
    if upper_first is not None or p.accept("^"):
        upper = [
            t
            for t in (upper_first if upper_first is not None else p.group_tokens())
            if not t.is_char("{", "}")
        ]
        less_one = lower == ["0"] and [t.text for t in upper[1:]] == ["-", "1"]  # \sum_{n=0}^{N-1}: N terms
        upper = upper[:1] if less_one else upper
        letter = len(upper) == 1 and upper[0].kind == "letter"
        terms = "+1" if lower == ["0"] and not less_one else ""  # \sum_{j=0}^{n}: θ ∈ R^{n+1}'s range
        if lower == ["0"] and not letter:
            written = "".join(t.text for t in upper)
            raise p.error(f"a {kind} from 0 to {written} is not over a full range", token)
        if any(t.kind == "digit" for t in upper):
            raise p.error(
                f"a {kind} up to a number is not over a full range: write \\{token.text}_{{i}}", token
            )
        bound = upper[0].text + terms if letter else None
    body = p.nested(p.product)
    if apart is not None and kind != "sum":
        raise p.error(
            f"a product leaving a value out is not supported: \\prod_{{k \\neq {apart}}}", underscore
        )
    return IndexSum(kind, indices, body, token.pos, bound, apart)


INDEX_CONTROL = {"sum": index_sum, "prod": index_sum}


def as_entry_name(node):
    """``{A}_{lm}`` (the base in braces) as the name ``A_lm`` that ``A_{lm}`` is: the variable of a
    derivative by an entry, written either way."""
    if (
        isinstance(node, Entry)
        and isinstance(node.operand, Name)
        and not node.bracketed
        and 1 <= len(node.indices) <= 2
        and all(i.isalpha() for i in node.indices)
    ):
        return Name(f"{node.operand.name}_{''.join(node.indices)}", node.operand.pos)
    return node


def entry_parts(name: str) -> tuple[str, tuple[str, ...]] | None:
    """``X_kl`` → (X, (k, l)), ``x_i`` → (x, (i,)); None unless the subscript is one or two letters."""
    base, _, sub = name.rpartition("_")  # z_2_j: the entry j of z_2 (z_j^{[2]})
    return (base, tuple(sub)) if base and 1 <= len(sub) <= 2 and sub.isalpha() else None


def entry_derivative(f, base: Name, indices: tuple[str, ...], gradient: str, pos: int) -> Entry:
    """``\\partial f / \\partial X_{kl}`` inside an expression: the (k, l) entry of the gradient
    ``Call(gradient, (f, X))``, checked in index notation (`gen.texcheck.indices`)."""
    return Entry(Call(gradient, (f, base), pos), indices, pos)
