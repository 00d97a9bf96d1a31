"""Code export: the function and its derivative as a Python module that checks itself.

The derivative's source is ``result.numpy`` of ``derivtex show --json``; the module adds the
function, a point inside its domain and a comparison with central finite differences, run by
``python NAME.py`` (exit 0 when they agree).
"""

from __future__ import annotations

import re

import numpy as np
import sympy as sp

from ..errors import Unsupported
from ..expr.numpy_source import numpy_source, python_name
from ..pipeline import Outcome
from ..verify.sample import draw, sample_dims
from .json_view import to_json
from .templates import render_code

TARGETS = ("numpy",)
STEPS = {1: 1e-6, 2: 1e-4}  # central differences of first and of second order


def literal(value) -> str:
    """A number or array as Python source (vectors 1-D, a matrix one row per line)."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return number(array)
    if array.shape[1] == 1:
        return f"np.array([{', '.join(number(x) for x in array[:, 0])}])"
    rows = ",\n".join(f"        [{', '.join(number(x) for x in row)}]" for row in array)
    return f"np.array(\n    [\n{rows},\n    ]\n)".replace("\n", "\n    ")


def number(x) -> str:
    """``x`` to 8 significant digits: the last bits of a drawn point depend on the machine's LAPACK
    (its QR factorisations), and must not reach the module; symmetric stays symmetric, zero zero."""
    return repr(float(f"{float(x):.8g}"))


def renamed(source: str, name: str) -> str:
    """``def result(...)`` as ``def NAME(...)``."""
    return re.sub(r"\Adef result\(", f"def {name}(", source)


def python_string(text: str) -> str:
    """Any text as a Python string literal on one line: what the spec says reaches the module only
    through this (``repr`` escapes quotes, backslashes and control characters), never as code."""
    return repr(str(text))


def export_numpy(outcome: Outcome, module: str) -> str:
    """The module's source for a derived and verified spec."""
    derivation, spec = outcome.derivation, outcome.spec
    if derivation.partials:
        raise Unsupported(
            "exporting the gradients of several variables is not supported yet", spec.wrt[1].span
        )
    if derivation.change:
        message = "exporting a derivative with respect to an inverse is not supported yet"
        raise Unsupported(message, spec.wrt[0].span)
    result = to_json(derivation, outcome.report)["result"]
    kind = result["kind"]
    name = kind.replace(" ", "_")  # the derivative's function in the module
    symbols = dict(derivation.symbols)
    names = {symbol: name for name, symbol in symbols.items()}
    values = draw(derivation, sample_dims(derivation), np.random.default_rng(spec.check.seed))
    symmetric = {s.name for s in spec.symbols if {"symmetric", "spd"} & set(s.assume)}
    values = {s: v for s, v in values.items() if s in names}  # the symbols' (not the names' definitions)
    values = {s: (v + v.T) / 2 if names[s] in symmetric else v for s, v in values.items()}  # exactly
    # printed for a number, the function comes back in its own shape
    function = numpy_source(derivation.named.unfold(derivation.function), symbols, sp.Symbol("t"))
    derivative = result["numpy"]
    return render_code(
        "numpy.py.j2",
        title=python_string(spec.title),
        function_text=python_string(spec.function.value),
        kind=kind,
        name=name,
        wrt=python_name(derivation.variable.name),
        wrt_string=python_string(python_name(derivation.variable.name)),
        source=python_string(spec.path),
        module=python_string(f"{module}.py"),
        symmetric=derivation.convention or "",
        transposed=derivation.layout == "numerator",
        seed=spec.check.seed,
        step=STEPS[derivation.kind.order],
        point=[(python_string(python_name(names[s])), literal(v)) for s, v in values.items()],
        function_source=renamed(function, "function").rstrip("\n"),
        derivative_source=renamed(derivative, name).rstrip("\n"),
        scipy="scipy." in function + derivative,
    )
