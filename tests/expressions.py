"""Hypothesis strategies: random well-typed expressions in the spec grammar, each with its own numpy value.

An ``Expr`` is the text the engine reads and, built alongside it and independently of
the engine, a function computing its value with numpy. Shapes are those of the symbols
in ``SYMBOLS``; ``well_conditioned`` marks square expressions near a positive multiple
of the identity at the sample point (so they may be inverted and have a positive
determinant), ``positive`` scalars that may go under ``log`` and ``sqrt``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from gen.expr.functions import ENTRYWISE, POSITIVE, REAL

SIZES = {"n": 3, "m": 2}
SYMBOLS = """\
symbols:
  X: {shape: [n, n], assume: [invertible]}
  A: {shape: [n, n]}
  D: {shape: [m, m]}
  B: {shape: [n, m]}
  C: {shape: [m, n]}
  x: {shape: [n]}
  b: {shape: [n]}
  c: {shape: [m]}
  s: {}
"""
VARIABLES = ("X", "x")
LEAVES = {
    ("n", "n"): ("X", "X", "A"),
    ("m", "m"): ("D",),
    ("n", "m"): ("B",),
    ("m", "n"): ("C",),
    ("n", "1"): ("x", "x", "b"),  # column vectors
    ("m", "1"): ("c",),
}
NEAR_IDENTITY = ("X", "A", "D")  # sampled as I + E with |E| = 0.1: well-conditioned, det > 0
# The entrywise functions defined on all reals, valued by the function table's numpy definition
# (the engine's derivative of each is still checked against finite differences of it).
ELEMENTWISE = {name: f.numpy_function(np) for name, f in ENTRYWISE.items() if f.domain == REAL}
OF_POSITIVES = sorted(name for name, f in ENTRYWISE.items() if f.domain == POSITIVE)  # log, sqrt
NUMBERS = ("2", "3", "0.5")


@dataclass(frozen=True)
class Expr:
    text: str
    value: Callable[[dict], object]  # the symbols' values → the expression's value
    shape: tuple = ()
    well_conditioned: bool = False
    positive: bool = False


def sample_point(seed: int) -> dict:
    """Values of the symbols: near-identity square matrices, small other ones, s = 0.7."""
    rng = np.random.default_rng(seed)
    values: dict = {"s": 0.7}
    for (rows, cols), names in sorted(LEAVES.items()):
        for name in sorted(set(names)):
            E = rng.standard_normal((SIZES[rows], SIZES.get(cols, 1)))
            if name in NEAR_IDENTITY:
                values[name] = np.eye(SIZES[rows]) + 0.1 * E / np.linalg.norm(E, 2)
            else:
                values[name] = 0.5 * E
    return values


def leaf(name: str, shape: tuple) -> Expr:
    return Expr(name, lambda v: v[name], shape, well_conditioned=name in NEAR_IDENTITY)


def square(draw) -> tuple:
    return draw(st.sampled_from([("n", "n"), ("n", "n"), ("m", "m")]))


@st.composite
def well_conditioned(draw, shape: tuple, depth: int) -> Expr:
    """A square matrix near a positive multiple of I: products, sums, transposes, inverses of such."""
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        return leaf(draw(st.sampled_from([n for n in LEAVES[shape] if n in NEAR_IDENTITY])), shape)
    op = draw(st.sampled_from(["T", "-1", "-T", "inv", "*", "+", "c*", "^2", "+vv"]))
    a = draw(well_conditioned(shape, depth - 1))
    if op == "+vv":  # plus a positive semidefinite v vᵀ: still invertible, det > 0
        w = draw(matrices((shape[0], "1"), depth - 1))
        return Expr(
            f"({a.text}) + ({w.text})*({w.text})^T", lambda v: a.value(v) + outer(w, w, v), shape, True
        )
    if op in ("*", "+"):
        b = draw(well_conditioned(shape, depth - 1))
        combine = np.matmul if op == "*" else np.add
        return Expr(f"({a.text}){op}({b.text})", binary(combine, a, b), shape, True)
    if op == "c*":
        c = draw(st.sampled_from(NUMBERS))
        return Expr(f"{c}*({a.text})", lambda v: float(c) * a.value(v), shape, True)
    unary = {
        "T": ("({})^T", np.transpose),
        "-1": ("({})^-1", np.linalg.inv),
        "-T": ("({})^-T", lambda M: np.linalg.inv(M).T),
        "inv": ("inv({})", np.linalg.inv),
        "^2": ("({})^2", lambda M: M @ M),
    }
    template, f = unary[op]
    return Expr(template.format(a.text), lambda v: f(a.value(v)), shape, True)


@st.composite
def matrices(draw, shape: tuple, depth: int) -> Expr:
    """A matrix of ``shape`` (dimension names), of depth at most ``depth``."""
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return leaf(draw(st.sampled_from(LEAVES[shape])), shape)
    rows, cols = shape
    ops = ["*", "+", "-", "c*", "s*", "f", "hadamard"]
    ops += ["T", "outer"] if cols != "1" else ["softmax"]
    ops += ["wc"] * (rows == cols)
    op = draw(st.sampled_from(ops))
    if op == "outer":
        a, b = draw(matrices((rows, "1"), depth - 1)), draw(matrices((cols, "1"), depth - 1))
        return Expr(f"({a.text})*({b.text})^T", lambda v: outer(a, b, v), shape)
    if op == "softmax":
        a = draw(matrices(shape, depth - 1))
        return Expr(f"softmax({a.text})", lambda v: softmax(a.value(v)), shape)
    if op == "T":
        a = draw(matrices((cols, rows), depth - 1))
        return Expr(f"({a.text})^T", lambda v: a.value(v).T, shape, a.well_conditioned)
    if op == "*":
        inner = draw(st.sampled_from(["n", "m"]))
        a, b = draw(matrices((rows, inner), depth - 1)), draw(matrices((inner, cols), depth - 1))
        wc = a.well_conditioned and b.well_conditioned
        return Expr(f"({a.text})*({b.text})", binary(np.matmul, a, b), shape, wc)
    if op in ("+", "-", "hadamard"):
        a, b = draw(matrices(shape, depth - 1)), draw(matrices(shape, depth - 1))
        if op == "hadamard":
            return Expr(f"hadamard({a.text}, {b.text})", binary(np.multiply, a, b), shape)
        combine = np.add if op == "+" else np.subtract
        wc = op == "+" and a.well_conditioned and b.well_conditioned
        return Expr(f"({a.text}) {op} ({b.text})", binary(combine, a, b), shape, wc)
    if op == "c*":
        c, a = draw(st.sampled_from(NUMBERS)), draw(matrices(shape, depth - 1))
        return Expr(f"{c}*({a.text})", lambda v: float(c) * a.value(v), shape, a.well_conditioned)
    if op == "s*":
        k, a = draw(scalars(depth - 1)), draw(matrices(shape, depth - 1))
        wc = k.positive and a.well_conditioned
        return Expr(f"({k.text})*({a.text})", binary(np.multiply, k, a), shape, wc)
    if op == "f":
        name, a = draw(st.sampled_from(sorted(ELEMENTWISE))), draw(matrices(shape, depth - 1))
        call = f"{name}{entrywise(draw, shape)}({a.text})"
        return Expr(call, lambda v: ELEMENTWISE[name](a.value(v)), shape)
    return draw(well_conditioned(shape, depth))


@st.composite
def scalars(draw, depth: int) -> Expr:
    """A scalar of depth at most ``depth``."""
    if depth <= 0:
        return Expr("s", lambda v: v["s"], positive=True)
    of_matrices = ["tr", "tr", "det", "logdet", "sum", "sumf", "inner", "quadratic", "norm", "logsumexp"]
    of_scalars = ["+", "-", "*", "c*", "/", "^2", "log"] if depth > 1 else []
    op = draw(st.sampled_from(of_matrices + of_scalars))
    if op == "tr":
        shape = square(draw)
        a = draw(matrices(shape, depth - 1))
        return Expr(f"tr({a.text})", lambda v: np.trace(a.value(v)), positive=a.well_conditioned)
    if op in ("det", "logdet"):
        a = draw(well_conditioned(square(draw), depth - 1))
        f = np.linalg.det if op == "det" else lambda M: np.log(np.linalg.det(M))
        return Expr(f"{op}({a.text})", lambda v: f(a.value(v)), positive=op == "det")
    if op in ("inner", "quadratic", "norm", "logsumexp"):
        rows = draw(st.sampled_from(["n", "n", "m"]))
        a = draw(matrices((rows, "1"), depth - 1))
        if op == "norm":
            return Expr(f"norm({a.text})", lambda v: norm(a.value(v)))
        if op == "logsumexp":
            return Expr(f"logsumexp({a.text})", lambda v: np.log(np.sum(np.exp(a.value(v)))))
        b = draw(matrices((rows, "1"), depth - 1))
        if op == "inner":
            return Expr(f"({a.text})^T*({b.text})", lambda v: (a.value(v).T @ b.value(v)).item())
        M = draw(matrices((rows, rows), depth - 1))
        quadratic = lambda v: (a.value(v).T @ M.value(v) @ b.value(v)).item()  # noqa: E731
        return Expr(f"({a.text})^T*({M.text})*({b.text})", quadratic)
    if op in ("sum", "sumf"):
        shape = draw(st.sampled_from(sorted(LEAVES)))
        a = draw(matrices(shape, depth - 1))
        if op == "sum":
            return Expr(f"sum({a.text})", lambda v: np.sum(a.value(v)))
        name = draw(st.sampled_from(sorted(ELEMENTWISE)))
        f = ELEMENTWISE[name]
        positive = ENTRYWISE[name].positive
        call = f"{name}{entrywise(draw, shape)}({a.text})"
        return Expr(f"sum({call})", lambda v: np.sum(f(a.value(v))), positive=positive)
    a = draw(scalars(depth - 1))
    if op in ("+", "-", "*"):
        b = draw(scalars(depth - 1))
        combine = {"+": np.add, "-": np.subtract, "*": np.multiply}[op]
        positive = op != "-" and a.positive and b.positive
        return Expr(f"({a.text}) {op} ({b.text})", binary(combine, a, b), positive=positive)
    if op in ("c*", "/"):
        c = draw(st.sampled_from(NUMBERS))
        factor = float(c) if op == "c*" else 1 / float(c)
        text = f"{c}*({a.text})" if op == "c*" else f"({a.text})/{c}"
        return Expr(text, lambda v: factor * a.value(v), positive=a.positive)
    if op == "^2":
        return Expr(f"({a.text})^2", lambda v: a.value(v) ** 2, positive=a.positive)
    if a.positive:  # log, or sqrt
        name = draw(st.sampled_from(OF_POSITIVES))
        f = ENTRYWISE[name].numpy_function(np)
        return Expr(f"{name}({a.text})", lambda v: f(a.value(v)), positive=ENTRYWISE[name].positive)
    return Expr(f"tanh({a.text})", lambda v: np.tanh(a.value(v)))


def entrywise(draw, shape: tuple) -> str:
    """``.`` of ``φ.(A)``, which a square matrix needs (``φ(A)`` would read as the matrix function);
    for any other shape the plain call is entrywise too, and either is drawn."""
    return "." if shape[0] == shape[1] else draw(st.sampled_from(["", "."]))


def binary(combine, a: Expr, b: Expr):
    return lambda v: combine(a.value(v), b.value(v))


def outer(a: Expr, b: Expr, v: dict):
    return a.value(v) @ b.value(v).T


class NotDifferentiable(ArithmeticError):
    """The point is one where a piece of the function has no derivative (the norm of 0)."""


def norm(z):
    value = np.linalg.norm(z)
    if value < 1e-6:
        raise NotDifferentiable(f"norm of {z.ravel()}")
    return value


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def mentions(name: str):
    word = re.compile(rf"\b{name}\b")
    return lambda f: word.search(f.text) is not None


@st.composite
def functions(draw, max_depth: int = 5) -> tuple[Expr, str, int]:
    """A scalar function (depth 1 to ``max_depth``), its variable (X or x), and the seed of its point."""
    depth = draw(st.integers(1, max_depth))
    variable = draw(st.sampled_from(VARIABLES))
    function = draw(scalars(depth).filter(mentions(variable)))
    return function, variable, draw(st.integers(0, 2**16))
