"""A derivative by the inverse of a symbol: ``\\frac{\\partial}{\\partial \\Sigma^{-1}}``, or by a Λ the
text defines as ``\\Sigma^{-1}`` (the precision of a Gaussian). Σ is then a function of the variable,
Σ = Λ⁻¹: the chain is read with Σ defined so, everywhere (its definitions too), and Λ drawn as Σ is
declared. Σ held fixed while Λ varies would make the textbook's ∂/∂Λ (m/2 log det Σ) = -m/2 Σ fail.

Every link of the chain holds for all Σ exactly when it holds for all Λ, so the reading changes no
verdict of a link that does not differentiate. It is not used where the chain also differentiates
by Σ itself, where Σ is a quantity the text defines (then Λ is not a free variable), nor where the
function is written with the defined Λ itself (∇_L (log det L - tr(S L)) with L := S^{-1}: the
precision at any point, S the data's, held fixed).
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import Span
from ..expr.parser import Name, Postfix
from ..expr.texnames import as_written
from ..spec.reader import Text
from .expectations import SAMPLE
from .shapes import names_in

INVERSE = f"{SAMPLE}⁻¹"  # Σ§⁻¹: the variable of ∂/∂Σ^{-1}, declared as Σ is (`expectations.base`)


def inverse_variable(tree) -> str | None:
    """The variable's name where ``tree``, the variable of a derivative, is a symbol's inverse."""
    if isinstance(tree, Postfix) and tree.op == "-1" and isinstance(tree.operand, Name):
        return tree.operand.name + INVERSE
    return None


def shown(name: str) -> str:
    """A name as the text wrote it, Σ§⁻¹ as \\Sigma^{-1}."""
    if name.endswith(INVERSE):
        return f"{as_written(name.removesuffix(INVERSE))}^{{-1}}"
    return as_written(name)


def inverted(variable: str, scope) -> str | None:
    """The symbol whose inverse ``variable`` is: written so (Σ§⁻¹), or defined so (Λ := Σ^{-1})."""
    if variable.endswith(INVERSE):
        return variable[: -len(INVERSE)]
    definition = scope.defined.get(variable)
    if definition is None or definition.params:
        return None
    return inverse_variable(definition.tree) and definition.tree.operand.name


def by_inverses(trees: list, scope, span: Span) -> tuple[list, object]:
    """(``trees``, ``scope``) with Σ := Λ⁻¹ for each Λ the chain's gradients are by that is the
    inverse of a symbol Σ, and Λ declared as Σ is; a derivative written by Σ^{-1} where that
    reading is not used is refused (by a variable of its own, f would not depend on it)."""
    from .links import Gradient, Reason

    gradients = [t for t in trees if isinstance(t, Gradient)]
    variables = {t.variable for t in gradients}
    written = {t.variable for t in gradients if t.variable in names_in(t.f)}  # ∇_L (log det L - tr(SL))
    found = {v: x for v in variables - written if (x := inverted(v, scope))}
    usable = {
        v: x
        for v, x in found.items()
        if x not in variables and x not in scope.defined and list(found.values()).count(x) == 1
    }
    refused = "a derivative by the inverse of a symbol the chain also differentiates by, or defines"
    trees = [
        Reason(refused)
        if isinstance(t, Gradient) and t.variable.endswith(INVERSE) and t.variable not in usable
        else t
        for t in trees
    ]
    if not usable:
        return trees, scope
    from .symbols import Definition

    defined = {n: d for n, d in scope.defined.items() if n not in usable}
    declared = dict(scope.declared)
    for v, x in usable.items():
        body = Text(f"({shown(v)})^{{-1}}", span)
        defined[x] = Definition((), body, Postfix("-1", Name(v, 0), 0))
        if not scope.lookup(v) and (symbol := scope.lookup(x)):
            declared[v] = symbol  # the inverse of a symmetric (positive definite …) matrix is one too
    return trees, replace(scope, defined=defined, declared=declared)
