"""Script order and signed subscripts: ``K^T_k`` is ``K_k^T`` (``\\sigma^2_B`` is ``\\sigma_B^2``),
``x_{k-1}`` a symbol of its own, ``1_n`` the vector of ones (never the number 1: ``A 1_n = A`` is no
identity).

LaTeX sets ``K^T_k`` and ``K_k^T`` alike, and notes on filters write both (``K_k H \\hat M_k +
\\hat M_k H^T K^T_k``). A time step ``x_{k-1}``, ``X_{T+1}`` names another symbol, its sign spelled
out as a layer index's is (``k-1`` → ``km1``, `gen.expr.texnames.layer_index`).
"""

from __future__ import annotations

from dataclasses import replace

from .parser import Call, Name, Num, Postfix
from .texlex import Tok
from .texnames import WORD_STYLES

SIGNS = {"-": "m", "+": "p"}


def signed_subscript(token: Tok) -> str | None:
    """The name characters of a ``-``/``+`` inside a subscript (``k-1``), else None."""
    return SIGNS.get(token.text) if token.kind == "char" else None


def one_index_ahead(stack: list[Tok]) -> bool:
    """Whether ``_`` then a single index or a label comes next: ``_k``, ``_{k}``, ``_{k-1}``, ``_{T+1}``,
    ``_\\text{sep}``.
    With one index, ``K^T_k`` can only be ``(K_k)^T``: one index is no entry of a matrix, and for a
    vector ``(x^T)_i`` and ``(x_i)^T`` are the same number. Two (``A^T_{ij}``) stay an entry."""
    if len(stack) < 2 or not stack[-1].is_char("_"):
        return False
    first = stack[-2]
    if first.kind in ("letter", "digit"):
        return True
    worded = lambda token: token.kind == "cs" and token.text in WORD_STYLES  # noqa: E731
    if worded(first) or first.is_char("{") and len(stack) > 2 and worded(stack[-3]):
        return True  # \beta^T_\text{sep}: a label, the name's
    if not first.is_char("{"):
        return False
    inside = []
    for token in reversed(stack[:-2]):
        if token.is_char("}"):
            break
        inside.append(token)
    else:
        return False
    kinds = [t.kind if signed_subscript(t) is None else "sign" for t in inside]
    return kinds in (["letter"], ["digit"], ["letter", "sign", "digit"], ["letter", "sign", "letter"])


def transposed_name(node) -> bool:
    """``K^T``, ``K^{-1}``, ``K^{-T}``, ``\\sigma^2`` (a number above) of a bare name: a subscript
    after it belongs to the name (``\\sigma^2_B`` is ``\\sigma_B^2``)."""
    if not (isinstance(node, Postfix) and isinstance(node.operand, Name)):
        return False
    return node.op in ("T", "-1", "-T") or node.op == "^" and isinstance(node.exponent, Num)  # not (e^{2x})_i


def script_after_transpose(parser, node):
    """``K^T_k`` read as ``K_k^T`` (the subscript given to the name under the transpose)."""
    base = node.operand
    named = parser.named((base.name,), Tok("letter", base.name, base.pos))
    return replace(node, operand=named)


def scripted_number(node) -> bool:
    """A number, or ``\\mathbf{1}`` (``ones()``), with a subscript next: ``1_n``, ``\\bold{1_n}``."""
    return isinstance(node, Num) or isinstance(node, Call) and node.name == "ones" and not node.args


def ones_of_size(parser, node, underscore: Tok):
    """``1_n`` (or ``\\mathbf{1}_n``): the vector of ones, sized by its neighbours as ``\\mathbf{1}`` is
    (the subscript names its size); ``1_{i=j}``, the indicator of i = j, is δ_ij. Any other number
    with a subscript is refused: read as the number, ``A 1_n = A`` would pass."""
    if not (node == Call("ones", (), node.pos) or isinstance(node, Num) and node.text == "1"):
        raise parser.error(f"a number with a subscript ({node.text}_…) is not understood", underscore)
    if not one_index_ahead(parser.stream.stack):
        saved = list(parser.stream.stack)
        parser.next()
        tokens = [t for t in parser.group_tokens() if not t.is_char("{", "}")]
        if len(tokens) == 3 and tokens[1].is_char("=") and all(t.kind == "letter" for t in tokens[::2]):
            return Name(f"delta_{tokens[0].text}{tokens[2].text}", node.pos)  # 1_{i=j}: the indicator, δ_ij
        parser.stream.stack = saved
        raise parser.error("1_{…}: the vector of ones takes one size, 1_n", underscore)
    parser.next()
    parser.group_tokens()
    return Call("ones", (), node.pos)
