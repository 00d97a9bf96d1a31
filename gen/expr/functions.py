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


@dataclass(frozen=True)
class Function:
    """A named function ``name(arg, …)`` of the spec grammar.

    - ``arity``: the numbers of arguments it takes; ``of_sizes`` when they are sizes (``ones(n)``),
      ``trailing_sizes`` how many of the last ones are (``unvec(v, m, n)``).
    - ``lowering``: the parser's method ``call_<lowering>`` that builds its IR.
    - ``aliases``: other spellings, suggested back (``ln`` → did you mean ``log``?).

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

    @property
    def entrywise(self) -> bool:
        return self.derivative is not None

    @property
    def is_matrix_function(self) -> bool:
        return self.matrix_derivative is not None

    @property
    def numpy_source(self) -> str:
        return self.source or f"np.{self.numpy}({{}})"

    def numpy_function(self, np) -> Callable:
        """The numpy function, given the ``numpy`` module."""
        if callable(self.numpy):
            return lambda x: self.numpy(np, x)
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
    _structural("softmax"),
    _structural("logsumexp"),
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
TABLE = TABLE + MATRIX_FUNCTIONS + FRECHET + KRONECKER
FUNCTIONS = {f.name: f for f in TABLE}
ENTRYWISE = {f.name: f for f in TABLE if f.entrywise}
ALIASES = {alias: f.name for f in TABLE for alias in f.aliases}
