"""``f'(x)[v]``: the derivative of f at x applied to v, the operator notation of Edelman and
Johnson's MIT Matrix Calculus notes (``df = f'(x)[dx]``, ``\\exp'(A)[dA]``). It is the directional
derivative d/dt f(x + tv) at 0: with v the differential of x (``f'(A)[dA]``) it is ``d(f(A))``,
exactly; along anything else (``f'(A^T)[X]``) the 6-point central difference of f(x + k h v), as
`gen.verify.evaluate.directional_derivative` takes it, written in the grammar's AST so the shapes,
the lowering and the sampling apply unchanged. f must be defined (a function of the table, or one
the text defines); a prime on a name the text does not define, before ``(…)[…]``, is refused.
"""

from __future__ import annotations

from .parser import BinOp, Call, Name, Neg, Num

STEP = 1e-3  # gen.verify.evaluate.STEP: the stencil's error is O(STEP⁶)
# (g(3h) − 9g(2h) + 45g(h) − 45g(−h) + 9g(−2h) − g(−3h)) / 60h
STENCIL = ((3, 1), (2, -9), (1, 45), (-1, -45), (-2, 9), (-3, -1))
SIZES = ("left", "bigl", "Bigl", "biggl", "Biggl", "big", "Big", "bigg", "Bigg")


def primed_ahead(p) -> bool:
    """Whether ``'(…)[`` comes next (raw tokens): a derivative applied, not a transpose."""
    stack = p.stream.stack
    if len(stack) < 4 or not stack[-1].is_char("'"):
        return False
    k = len(stack) - 2
    while k >= 0 and stack[k].is_cs(*SIZES):
        k -= 1
    if k < 0 or not stack[k].is_char("("):
        return False
    depth = 0
    for j in range(k, -1, -1):
        depth += stack[j].is_char("(") - stack[j].is_char(")")
        if depth == 0:
            rest = [t for t in stack[:j][::-1] if not t.is_cs(*SIZES, "right", "bigr", "Bigr")]
            return bool(rest) and rest[0].is_char("[")
    return False


def applied_derivative(p, name: str, token, parameterless: bool = False):
    """``f'(x)[v]`` read after the name f (the prime next): ``d(f(x))`` or the difference quotient."""
    p.next()  # the prime
    args = p.arguments(name, token)
    opening = p.next()
    direction = p.nested(p.sum)
    p.close("]", opening)
    f = Call(name, args, token.pos)
    if len(args) == 1 and differential_of(direction, args[0]):
        return Call("d", (f,), token.pos)
    if parameterless or len(args) != 1:
        where = "of one argument, with a parameter" if parameterless else "of one argument"
        message = (
            f"{name}'(…)[v] along v is read for a function {where}: declare % derivtex: {name}(X) := <LaTeX>"
        )
        raise p.error(message, token)
    return quotient(name, args[0], direction, token.pos)


def differential_of(v, x) -> bool:
    """Whether ``v`` is the differential of ``x`` (``dx`` of ``x``, ``d(A^T)`` of ``A^T``)."""
    if isinstance(x, Name) and isinstance(v, Name):
        return v.name == "d" + x.name
    return isinstance(v, Call) and v.name == "d" and v.args == (x,)


def quotient(name: str, x, v, pos: int):
    """The 6-point central difference of f(x + t v) at t = 0."""
    total = None
    for k, weight in STENCIL:
        moved = BinOp("+", x, BinOp("*", Num(repr(k * STEP), pos), v, pos), pos)
        term = BinOp("*", Num(str(abs(weight)), pos), Call(name, (moved,), pos), pos)
        if total is None:
            total = term if weight > 0 else Neg(term, pos)
        else:
            total = BinOp("+" if weight > 0 else "-", total, term, pos)
    return BinOp("/", total, Num(repr(60 * STEP), pos), pos)


def refuse_undefined(p, node) -> None:
    """``f'(x)[v]`` with f not defined here: not understood, saying what would define it."""
    if isinstance(node, Name) and primed_ahead(p):
        message = f"{node.name}'(…)[…]: the derivative of {node.name}, which the text does not define"
        raise p.error(f"{message}: declare % derivtex: {node.name}(X) := <LaTeX>", p.peek())


# --- a linear map applied with brackets ------------------------------------------------------------

KRON_APPLIED = "kron_applied"  # (A ⊗ B)[X]: what it is, the text declares (`gen.texcheck.applied`)


def linear_map(node) -> bool:
    """``(A \\otimes B)``, or a product of them: a linear map when brackets follow."""
    if isinstance(node, BinOp) and node.op == "*":
        return linear_map(node.left) and linear_map(node.right)
    return isinstance(node, Call) and node.name == "kron"


def applied_map(p, node):
    """``(A \\otimes B)[X]`` (``((A \\otimes B)(C \\otimes D))[X]`` is ``(A \\otimes B)[(C \\otimes D)[X]]``):
    the map the text's convention gives (Magnus and Neudecker's vec convention: B X Aᵀ), read as
    ``kron_applied(A, B, X)``, defined by ``% derivtex: (A \\otimes B)[X] := B X A^T``."""
    opening = p.next()
    x = p.nested(p.sum)
    p.close("]", opening)
    return composed(node, x)


def composed(node, x):
    if isinstance(node, BinOp):
        return composed(node.left, composed(node.right, x))
    return Call(KRON_APPLIED, (*node.args, x), node.pos)
