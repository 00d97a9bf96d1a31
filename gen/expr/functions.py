"""The named functions of the grammar: one row each, read by every stage.

The spec's reserved names, the parser, the differential rules, the evaluator and
the printers all read this table; adding an entrywise function is one row here.
Nothing is imported at module level beyond the standard library (the spec reader
and ``derivtex --help`` stay light): a row's numpy function is an attribute name
or a function of the ``numpy`` module, and its derivative a function of the
``gen.expr.ir`` module, both resolved by the stage that uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

REAL, POSITIVE = "all reals", "positive argument"
SYMMETRIC, SIMPLE = "symmetric argument, simple eigenvalue", "simple largest singular value"
FULL_RANK, SPD = "full rank", "symmetric positive definite argument"
# logm and sqrtm: the principal branch, defined and smooth off the closed negative real axis
OFF_NEGATIVE_AXIS = "no eigenvalue on the closed negative real axis"
KINKED = "away from its kinks"  # piecewise: smooth except where the argument is at a kink
AXES = ("rows", "columns")  # softmax(Z, rows): the softmax of each row


@dataclass(frozen=True)
class Function:
    """A named function ``name(arg, …)`` of the spec grammar.

    - ``arity``: the numbers of arguments it takes; ``of_sizes`` when they are sizes (``ones(n)``),
      ``trailing_sizes`` how many of the last ones are (``unvec(v, m, n)``).
    - ``lowering``: the parser's method ``call_<lowering>`` that builds its IR.
    - ``aliases``: other spellings, suggested back (``ln`` → did you mean ``log``?).
    - ``axes``: the words its optional last argument may be, an axis (``softmax(Z, columns)``).

    The fields below describe an entrywise (scalar) function ``φ``; they are ``None``
    for the structural ones (``tr``, ``kron``, …), which have their own IR nodes and rules.

    - ``derivative(ir, F)``: ``φ'(F)`` entry by entry, built with ``gen.expr.ir``.
    - ``numpy``: the ``numpy`` attribute evaluating ``φ``, or ``lambda np, x: …``; it
      must accept complex input when ``analytic`` (the verifier's complex step).
    - ``source``: the numpy source, ``{}`` the argument (default ``np.<numpy>({})``).
    - ``latex``: ``{group}`` the parenthesised argument, ``{arg}`` the bare one.
    - ``sympy``: SymPy's own function for a number (``exp``), kept for its algebra.
    - ``domain``: where it is defined and smooth (the sampler draws points there).
    - ``positive``: its values are positive (``log(sum(exp(x)))`` needs no assumption).
    - ``matrix_function``: the matrix function a reader takes ``φ(X)`` of a square matrix for
      (``expm``); the grammar then asks for it or for ``φ.(X)``, entry by entry.

    A piecewise function (``relu``, ``huber``, …: ``PIECEWISE`` below, gen/expr/piecewise.py) also has:

    - ``parameters``: its constant parameters after the argument, (LaTeX name, default) each
      (``huber(x, δ)``, δ = 1 by default; default ``None``: one that must be written);
      ``derivative``, ``numpy``, ``source`` (``{}`` placeholders) and ``latex`` (``{p[0]}``, …)
      then take them after the argument;
    - ``kinks(p)``: where its derivative jumps or is undefined, in terms of the parameters: the
      document's hypothesis excludes them, the sampler keeps every argument away from them;
    - ``meaning``: a sentence saying what it is, for the document's notation.
    The LaTeX template may say where ``∘`` goes for a matrix argument (``{circ}``), else before ``{group}``.

    A matrix function ``f(X)`` of a square matrix (``expm``, lowering ``matrix_function``,
    Higham, *Functions of Matrices*) has instead:

    - ``matrix_derivative(ir, F)``: ``f'(F)`` as a matrix, so that ``d tr f(F) = tr(f'(F) dF)``;
    - ``numpy``: ``lambda np, x: …`` (SciPy imported inside, only when evaluated), ``source``;
    - ``latex``: the short form for a symbol (``e^{{{arg}}}``), ``latex_long`` otherwise;
      ``frechet``: the subscript of its Fréchet derivative ``L_f(X, E)``.
    """

    name: str
    arity: tuple[int, ...] = (1,)
    lowering: str = "entrywise"
    aliases: tuple[str, ...] = ()
    of_sizes: bool = False
    axes: tuple[str, ...] = ()
    trailing_sizes: int = 0
    derivative: Callable | None = None
    numpy: str | Callable | None = None
    source: str | None = None
    latex: str | None = None
    sympy: str | None = None
    domain: str = REAL
    positive: bool = False
    analytic: bool = True
    matrix_function: str | None = None
    matrix_derivative: Callable | None = None
    latex_long: str | None = None
    frechet: str | None = None
    parameters: tuple = ()
    kinks: Callable | None = None
    meaning: str | None = None
    symmetric: bool = False  # max(c, x) = max(x, c): the constant may come first

    @property
    def entrywise(self) -> bool:
        return self.derivative is not None

    @property
    def is_matrix_function(self) -> bool:
        return self.matrix_derivative is not None

    @property
    def numpy_source(self) -> str:
        """``{}`` the argument, then the parameters: ``np.maximum({}, {})``."""
        return self.source or f"np.{self.numpy}({', '.join(['{}'] * (1 + len(self.parameters)))})"

    @property
    def piecewise(self) -> bool:
        return self.kinks is not None

    def numpy_function(self, np) -> Callable:
        """The numpy function (of the argument, then the parameters), given the ``numpy`` module."""
        if callable(self.numpy):
            return lambda x, *p: self.numpy(np, x, *p)
        return getattr(np, self.numpy)


def _structural(name: str, lowering: str | None = None, arity=(1,), **fields) -> Function:
    return Function(name, arity, lowering or name, **fields)


def _spectral(name: str, lowering: str, domain: str, **fields) -> Function:
    return _structural(name, lowering, domain=domain, analytic=False, **fields)


TABLE = (
    _structural("tr", aliases=("trace", "Tr")),
    _structural("det", aliases=("determinant",)),
    _structural("logdet"),
    _structural("inv", aliases=("inverse",)),
    # of a matrix, row by row (Vaswani et al. 2017); softmax(Z, columns) = softmax(Zᵀ, rows)ᵀ
    _structural("softmax", arity=(1, 2), axes=AXES),
    _structural("logsumexp", arity=(1, 2), axes=AXES),
    _structural("sum"),
    _structural("diag"),
    _structural("vec"),
    _structural("unvec", arity=(3,), trailing_sizes=2),
    _structural("norm"),
    _structural("kron", arity=(2,)),
    _structural("hadamard", arity=(2,)),
    _structural("ones", arity=(1, 2), of_sizes=True),
    _structural("I", "identity", of_sizes=True),
    _structural("commutation", arity=(2,), of_sizes=True),
    _structural("d"),
    # spectral functions and the Cholesky factor (gen/expr/spectral.py): not analytic
    _spectral("lambda_max", "eigenvalue_max", SYMMETRIC),
    _spectral("lambda_min", "eigenvalue_min", SYMMETRIC),
    _spectral("eig", "eigenvalue", SYMMETRIC, arity=(2,), aliases=("eigenvalue",)),
    _spectral("eigvec_max", "eigenvector_max", SYMMETRIC),
    _spectral("eigvec_min", "eigenvector_min", SYMMETRIC),
    _spectral("eigvec", "eigenvector", SYMMETRIC, arity=(2,), aliases=("eigenvector",)),
    _spectral("sigma_max", "singular_value", SIMPLE, aliases=("spectral_norm",)),
    _spectral("norm2", "singular_value", SIMPLE),  # the spectral norm ‖X‖₂, printed sigma_max
    _spectral("svd_u", "left_singular", SIMPLE),
    _spectral("svd_v", "right_singular", SIMPLE),
    _spectral("nuclear", "nuclear", FULL_RANK, aliases=("nuclear_norm", "trace_norm")),
    _spectral("polar", "polar", FULL_RANK),
    _spectral("chol", "cholesky", SPD, aliases=("cholesky",)),
    _structural("tril_half"),  # Φ, linear
    Function(
        "exp",
        derivative=lambda ir, F: ir.apply("exp", F),
        numpy="exp",
        latex="\\exp{group}",
        sympy="exp",
        positive=True,
        matrix_function="expm",
    ),
    Function(
        "log",
        aliases=("ln",),
        derivative=lambda ir, F: ir.entrywise_power(F, -1),
        numpy="log",
        latex="\\log{group}",
        sympy="log",
        domain=POSITIVE,
        matrix_function="logm",
    ),
    Function(
        "sqrt",
        derivative=lambda ir, F: ir.mul(ir.rational(1, 2), ir.entrywise_power(ir.apply("sqrt", F), -1)),
        numpy="sqrt",
        latex="\\sqrt{{{arg}}}",
        sympy="sqrt",
        domain=POSITIVE,
        positive=True,
        matrix_function="sqrtm",
    ),
    Function(
        "sin",
        derivative=lambda ir, F: ir.apply("cos", F),
        numpy="sin",
        latex="\\sin{group}",
        matrix_function="sinm",
    ),
    Function(
        "cos",
        derivative=lambda ir, F: ir.neg(ir.apply("sin", F)),
        numpy="cos",
        latex="\\cos{group}",
        matrix_function="cosm",
    ),
    Function(
        "tan",
        derivative=lambda ir, F: ir.entrywise_power(ir.apply("cos", F), -2),
        numpy="tan",
        latex="\\tan{group}",
        domain="away from the poles",
    ),
    Function(
        "tanh",
        derivative=lambda ir, F: ir.add(ir.one_like(F), ir.neg(ir.entrywise_power(ir.apply("tanh", F), 2))),
        numpy="tanh",
        latex="\\tanh{group}",
    ),
    Function(
        "atan",
        aliases=("arctan",),
        derivative=lambda ir, F: ir.entrywise_power(ir.add(ir.one_like(F), ir.entrywise_power(F, 2)), -1),
        numpy="arctan",
        latex="\\arctan{group}",
    ),
    Function(
        "sigmoid",
        derivative=lambda ir, F: ir.entrywise_product(
            ir.apply("sigmoid", F), ir.add(ir.one_like(F), ir.neg(ir.apply("sigmoid", F)))
        ),
        numpy=lambda np, x: 1 / (1 + np.exp(-x)),
        source="(1 / (1 + np.exp(-({}))))",
        latex="\\sigma{group}",
        positive=True,
    ),
    Function(
        "softplus",
        derivative=lambda ir, F: ir.apply("sigmoid", F),
        numpy=lambda np, x: np.log1p(np.exp(x)),  # analytic, for the complex step
        source="np.logaddexp(0, {})",  # stable, for the exported code
        latex="\\operatorname{{softplus}}{group}",
        positive=True,
    ),
)


def _piecewise(name, derivative, numpy, source, latex, kinks, meaning, parameters=(), **fields) -> Function:
    """A piecewise function: not analytic (the verifier uses central differences, away from the kinks)."""
    arity = tuple(range(1 + sum(default is None for _, default in parameters), 2 + len(parameters)))
    return Function(
        name,
        arity,
        derivative=derivative,
        numpy=numpy,
        source=source,
        latex=latex,
        domain=KINKED,
        analytic=False,
        parameters=parameters,
        kinks=kinks,
        meaning=meaning,
        **fields,
    )


def _huber(np, x, delta):
    """Huber (1964): ½x² for |x| ≤ δ, δ(|x| − ½δ) beyond (PyTorch's HuberLoss with its delta)."""
    return np.where(np.abs(x) <= delta, x**2 / 2, delta * (np.abs(x) - delta / 2))


# Piecewise functions and their derivatives almost everywhere (off the kinks), written with one
# indicator, step(x, c) = 𝕀[x > c] (Heaviside's step at c; 𝕀 as in Murphy, Machine Learning: a
# Probabilistic Perspective, 2012): Goodfellow, Bengio & Courville, Deep Learning (2016), §6.3.1;
# Huber, "Robust estimation of a location parameter" (1964).
PIECEWISE = (
    _piecewise(
        "step",
        lambda ir, F, c: ir.zero_like(F),
        lambda np, x, c: np.greater(x, c) * 1.0,  # 𝕀[x > c]: 0 at the kink itself, never evaluated
        "(np.greater({}, {}) * 1.0)",
        "\\mathbb{{I}}{circ}[{arg} > {p[0]}]",
        lambda c: (c,),
        "$\\mathbb{I}[u > c]$ is $1$ where $u > c$ and $0$ elsewhere, entry by entry",
        parameters=(("c", 0),),
        aliases=("heaviside", "indicator"),
    ),
    _piecewise(
        "sign",
        lambda ir, F: ir.zero_like(F),
        "sign",
        None,
        "\\operatorname{{sign}}{group}",
        lambda: (0,),
        None,
        aliases=("sgn",),
    ),
    _piecewise(
        "relu",
        lambda ir, F: ir.apply("step", F, 0),
        lambda np, x: np.maximum(x, 0),
        "np.maximum({}, 0)",
        "\\operatorname{{relu}}{group}",
        lambda: (0,),
        "$\\operatorname{relu}(u) = \\max(u, 0)$",
    ),
    _piecewise(
        "abs",
        lambda ir, F: ir.apply("sign", F),
        "abs",
        None,
        "\\lvert {arg}\\rvert{circ}",
        lambda: (0,),
        None,
    ),
    _piecewise(
        "max",
        lambda ir, F, c: ir.apply("step", F, c),
        "maximum",
        None,
        "\\max{circ}({arg}, {p[0]})",
        lambda c: (c,),
        None,
        parameters=(("c", None),),
        symmetric=True,
    ),
    _piecewise(
        "min",
        lambda ir, F, c: ir.add(ir.one_like(F), ir.neg(ir.apply("step", F, c))),
        "minimum",
        None,
        "\\min{circ}({arg}, {p[0]})",
        lambda c: (c,),
        None,
        parameters=(("c", None),),
        symmetric=True,
    ),
    _piecewise(
        "clip",
        lambda ir, F, a, b: ir.add(ir.apply("step", F, a), ir.neg(ir.apply("step", F, b))),
        "clip",
        None,
        "\\operatorname{{clip}}{circ}({arg}, {p[0]}, {p[1]})",
        lambda a, b: (a, b),
        "$\\operatorname{clip}(u, a, b) = \\min(\\max(u, a), b)$ for $a \\le b$",
        parameters=(("a", None), ("b", None)),
    ),
    _piecewise(
        "huber",
        lambda ir, F, delta: ir.apply("clip", F, -delta, delta),
        _huber,
        "np.where(np.abs({0}) <= ({1}), ({0}) ** 2 / 2, ({1}) * (np.abs({0}) - ({1}) / 2))",
        "\\operatorname{{huber}}_{{{p[0]}}}{circ}{group}",
        lambda delta: (-delta, delta),
        "$\\operatorname{huber}_{\\delta}(u) = \\tfrac{1}{2}u^{2}$ for $\\lvert u\\rvert \\le \\delta$"
        " and $\\delta(\\lvert u\\rvert - \\tfrac{1}{2}\\delta)$ beyond (Huber 1964)",
        parameters=(("\\delta", 1),),
    ),
)


def _scipy_linalg(name: str):
    """``scipy.linalg.<name>``, imported when first evaluated (``import gen`` stays light)."""
    import importlib

    return getattr(importlib.import_module("scipy.linalg"), name)


def _real_if_real(np, x, value):
    return np.real(value) if np.isrealobj(x) else value


def _logm(np, x):
    """The principal logarithm by inverse scaling and squaring (Higham, Functions of Matrices,
    §11.5): square roots until ``‖Y − I‖₁ ≤ 1/4``, then ``log Y`` by the [8/8] Padé approximant in
    its partial fractions, ``Σ w_j A (I + s_j A)⁻¹`` with ``A = Y − I`` and the 8-point
    Gauss–Legendre nodes ``s_j`` and weights ``w_j`` on [0, 1] (§11.4); so ``2^k log Y``.
    SciPy's ``logm`` computes the same, a hundred times slower, too slow for finite differences."""
    sqrtm, identity = _scipy_linalg("sqrtm"), np.eye(len(x))
    y, k = x, 0
    while np.linalg.norm(y - identity, 1) > 0.25 and k < 60:
        y, k = _real_if_real(np, x, sqrtm(y)), k + 1
    nodes, weights = np.polynomial.legendre.leggauss(8)
    a = y - identity
    log = sum(w / 2 * np.linalg.solve(identity + (s + 1) / 2 * a, a) for s, w in zip(nodes, weights))
    return 2.0**k * log


def _principal(name: str):
    """SciPy's ``logm``/``sqrtm`` on a real matrix: real for a spectrum off the negative axis."""

    def evaluate(np, x):
        return _real_if_real(np, x, _scipy_linalg(name)(x))

    return evaluate


def _matrix(name, numpy, latex, latex_long, frechet, derivative, **fields) -> Function:
    return Function(
        name,
        lowering="matrix_function",
        numpy=numpy,
        source=f"scipy.linalg.{name}({{}})",
        latex=latex,
        latex_long=latex_long,
        frechet=frechet,
        matrix_derivative=derivative,
        **fields,
    )


# Matrix functions (Higham, Functions of Matrices, 2008). The complex step holds for an algorithm made
# of analytic operations only (Al-Mohy & Higham 2010): SciPy's expm (Padé, scaling and squaring) is
# one; its logm and sqrtm work through a Schur form (unitary factors are conjugated), and its sinm
# and cosm through expm(iX), whose i mixes with the step's: those are checked by central differences.
MATRIX_FUNCTIONS = (
    _matrix(
        "expm",
        lambda np, x: _scipy_linalg("expm")(x),
        "e^{{{arg}}}",
        "\\exp{group}",
        "\\exp",
        lambda ir, F: ir.matrix_function("expm", F),
    ),
    _matrix(
        "logm",
        _logm,
        "\\log{group}",
        "\\log{group}",
        "\\log",
        lambda ir, F: ir.inverse(F),
        domain=OFF_NEGATIVE_AXIS,
        analytic=False,
    ),
    _matrix(
        "sqrtm",
        _principal("sqrtm"),
        "{arg}^{{1/2}}",
        "{group}^{{1/2}}",
        "\\mathrm{sqrt}",
        lambda ir, F: ir.mul(ir.rational(1, 2), ir.inverse(ir.matrix_function("sqrtm", F))),
        domain=OFF_NEGATIVE_AXIS,
        analytic=False,
    ),
    _matrix(
        "sinm",
        lambda np, x: _scipy_linalg("sinm")(x),
        "\\sin{group}",
        "\\sin{group}",
        "\\sin",
        lambda ir, F: ir.matrix_function("cosm", F),
        analytic=False,
    ),
    _matrix(
        "cosm",
        lambda np, x: _scipy_linalg("cosm")(x),
        "\\cos{group}",
        "\\cos{group}",
        "\\cos",
        lambda ir, F: ir.neg(ir.matrix_function("sinm", F)),
        analytic=False,
    ),
)
# L_f(X, E), the Fréchet derivative of each matrix function, named as SciPy names expm_frechet
FRECHET = tuple(Function(f"{f.name}_frechet", (2,), "frechet") for f in MATRIX_FUNCTIONS)
# K_f(X), its Kronecker form: vec L_f(X, E) = K_f(X) vec E (Higham, Functions of Matrices, §3.2)
KRONECKER = tuple(Function(f"{f.name}_kronecker", lowering="kronecker_form") for f in MATRIX_FUNCTIONS)
TABLE = TABLE + PIECEWISE + MATRIX_FUNCTIONS + FRECHET + KRONECKER
FUNCTIONS = {f.name: f for f in TABLE}
ENTRYWISE = {f.name: f for f in TABLE if f.entrywise}
ALIASES = {alias: f.name for f in TABLE for alias in f.aliases}
