"""Names applied but never defined: ``sigmoid(z)`` typed without a backslash, ``L(w)`` of a loss
the text never writes out.

The front end reads them as products (s·i·g·m·o·i·d·z, L·w), so the link fails with a shape error
or a discrepancy that says nothing true about the text. A reader sees a function that is not
defined: the honest status is ``cannot check``, with the annotation that would define it. Only
links that failed are re-read so; a link that checks is left alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..expr.functions import FUNCTIONS
from ..expr.texbars import MOMENTS
from ..expr.texnames import GRADIENT_AT, LETTER_CALLS, SPACES, WORDS, as_written

FAILED = ("shape error", "does not follow")
# a lowercase word of three letters or more typed before a parenthesis (sigmoid(z), softmax(x),
# loss(w)), or wrapped in \mathrm / \operatorname / \text (\mathrm{sigmoid}(z)); capitals typed
# together are a product of matrices, ABC(D + E)
WORD = re.compile(
    r"(?:(?<![\\A-Za-z])(?P<plain>[a-z]{3,})"
    r"|\\(?:mathrm|operatorname|text|textrm|mathit)\s*\{\s*(?P<wrapped>[A-Za-z]{2,})\s*\})"
    r"\s*(?:\\left\s*)?\("
)
# one capital letter applied to names, at the start of a term: L(w), J(\theta) (not X(AC)^T)
BOLD = r"\\(?:mathbf|bm|boldsymbol)\s*(?:\{\s*\\?[A-Za-z]+\s*\}|\\[A-Za-z]+|[A-Za-z])"
NAME = rf"\s*(?:{BOLD}|\\[A-Za-z]+|[A-Za-z])(?:_\{{?\w+\}}?)?\s*"
LETTER = re.compile(
    rf"(?<![\\A-Za-z_^{{(])(?P<letter>[A-Z])\s*(?:\\left\s*)?\((?:{NAME},)*{NAME}(?:\\right\s*)?\)(?!\s*\^)"
)
# a capital letter before a point in parentheses, H(x^{(i)}), H(x_k): H at the point, or H times it
POINT = rf"{NAME}(?:\^\s*\{{\s*\(?\s*\w+(?:\s*[+-]\s*\d)?\s*\)?\s*\}})?\s*"
SCRIPT = r"\^\s*(?:\{\s*-\s*1\s*\}|-1)"  # H^{-1}(x_k): its inverse there
AT_POINT = re.compile(
    rf"(?<![\\A-Za-z_^{{(])(?P<letter>[A-Z])\s*(?P<script>{SCRIPT})?\s*(?:\\left\s*)?\((?P<at>(?!\s*[A-Z]\s*\)){POINT})(?:\\right\s*)?\)"
)
KNOWN_WORDS = frozenset({"tr", "det", "diag", "log", "exp", "vec", "rank", "etr", "logdet", "sqrt", *MOMENTS})


def known(name: str, scope) -> bool:
    """A function the front end reads (``\\text{Tr}`` too), or a name the text declares or defines;
    E where a symbol is declared random (``E(\\theta)``, the mean, `expectations.parenthesized`)."""
    in_words = name in FUNCTIONS or name in KNOWN_WORDS or name in WORDS
    mean = name == "E" and any(d.random for d in scope.declared.values())
    return in_words or mean or name in scope.defined or scope.lookup(name) is not None


def undefined_word(text: str, scope) -> str | None:
    """The first function-like word of ``text`` that nothing defines."""
    for match in WORD.finditer(text):
        word = match.group("plain") or match.group("wrapped")
        letters_declared = all(known(c, scope) for c in word)  # xyz(...): a product of symbols
        applied = any(word.endswith(f) and all(known(c, scope) for c in word[: -len(f)]) for f in KNOWN_WORDS)
        if not known(word, scope) and not (match.group("plain") and (letters_declared or applied)):
            return word  # (ylog(a) of a declared y: y times log(a), as the front end reads it)
    return None


def undefined_letter(text: str, scope) -> str | None:
    """A capital letter only ever written applied, ``L(w)``, that nothing declares or defines."""
    for match in LETTER.finditer(text):
        letter = match.group("letter")
        if only_applied(letter, text, scope) and letter != "I":
            return letter
    return None


def only_applied(letter: str, text: str, scope) -> bool:
    """Whether ``letter`` is never written alone in ``text`` and nothing declares or defines it, nor
    declares it at a point (``J(x): M x N``, ``x[n]: M``)."""
    alone = re.search(rf"(?<![\\A-Za-z]){letter}(?![A-Za-z(]|\s*(?:\\left\s*)?\()", text)
    stepped = any(n.startswith((f"{letter}(", f"{letter}[")) for n in (*scope.declared, *scope.prose))
    return not alone and not stepped and not known(letter, scope)


def function_value(text: str, scope) -> str | None:
    """A function's letter written as a value times a bracket that holds it again, σ(1 - σ) (σ = σ(z)
    said in words), that nothing declares or defines."""
    for name in LETTER_CALLS:
        opening = r"\s*(?:\\left\s*)?\("
        value = re.search(rf"\\{name}{opening}[^()]*\\{name}(?![A-Za-z])(?!{opening})", text)
        if value and not known(name, scope):
            return name
    return None


def undefined(chain, k: int, scope) -> str | None:
    """Why link k cannot be checked: a function it applies is not defined (None if none is)."""
    text = chain.links[k].left.text + "  " + chain.links[k].right.text
    if word := undefined_word(text, scope):
        return f"{word}(...) is not defined; declare % derivtex: {word}(X) := <LaTeX>"
    if letter := undefined_letter(text, scope):
        return f"{letter} is not defined, only applied; declare % derivtex: {letter}(X) := <LaTeX>"
    if value := function_value(text, scope):
        said = f"\\{value} is written as a value ({value} = {value}(z) said in words?) that nothing defines"
        return f"{said}; define it, e.g. % derivtex: \\{value} := \\{value}(z)"
    return None


def matrix_at_point(text: str, scope) -> str | None:
    """A declared matrix written before a point, ``H(x^{(i)})``: read as H times the point; where that
    does not fit, the text more likely means H at the point (a Hessian along the iterates)."""
    for match in AT_POINT.finditer(text):
        letter, at = match["letter"], match["at"].strip()
        written = f"{letter}({at})"
        stepped = scope.lookup("".join(written.split())) is not None  # declared at that point: read so
        if (shape := matrix_shape(letter, scope)) and not stepped:
            scripted = f"{letter}{(match['script'] or '').replace(' ', '')}"
            said = f"{scripted}({at}) is read as {scripted} times {at}, which does not fit"
            return f"{said}; if it is {letter} at that point, declare % derivtex: {written}: {shape}"
    return None


def matrix_shape(letter: str, scope) -> str | None:
    """A declared matrix's shape as an annotation writes it (``n x n``); None if not a matrix."""
    declared = scope.lookup(letter)
    shape = declared.shape if declared is not None else None
    return " x ".join(map(str, shape)) if shape is not None and len(shape) == 2 else None


BOLD_LETTER = re.compile(  # a bold letter, \mathbf{x} or \vec x, its letter captured
    r"\\(?:mathbf|boldsymbol|bm|vec)\s*(?:\{\s*(?P<braced>[A-Za-z])\s*\}|(?P<bare>[A-Za-z])(?![A-Za-z]))"
)
APPLIED = re.compile(r"(?<![\\A-Za-z_^{}])(?P<letter>[A-Za-z])\s*(?:\\left\s*)?\(")


SCRIPTS_BEFORE_BRACKET = re.compile(  # g^{[l]}(: the letter g, its label dropped
    r"(?<![\\A-Za-z])([A-Za-z])(?:\s*[\^_]\s*(?:\{[^{}]*\}|\w))+(?=\s*(?:\\left\s*)?\()"
)


def unknown_applied(text: str, scope) -> str | None:
    """A letter ``text`` applies (``g^{[l]}(z^{[l]})``, its scripts a label) that it only ever writes
    applied and nothing declares or defines: a function the text names, read as a product (g times z)."""
    unscripted = SCRIPTS_BEFORE_BRACKET.sub(r"\1", text)
    for match in APPLIED.finditer(unscripted):
        letter = match["letter"]
        if letter not in "ed" and only_applied(letter, unscripted, scope):  # e(…), d(…): a number, a change
            return letter
    return None


def differentiated_undefined(text: str, scope) -> str | None:
    """Why a link that differentiates a letter it applies and nothing defines, or by it (``\\frac{\\partial
    h(x)}{\\partial x_k}``, ``\\frac{\\partial g(h(x))}{\\partial h(x)}``), cannot be checked: read as h
    times x, h(x) would be linear, and a step true of a linear h alone would pass."""
    if (letter := unknown_applied(text, scope)) is None:
        return None
    if not re.search(rf"\\partial\s*(?:\\left\s*)?\(?\s*{letter}\s*(?:\\left\s*)?\(", text):
        return None
    said = f"{letter} is not defined, only applied, and a derivative is taken of it or by it"
    return f"{said}: declare % derivtex: {letter}: function (any smooth one) or {letter}(x) := <LaTeX>"


def gradient_of_any(text: str, scope) -> str | None:
    """Why a link writing ``\\nabla f(\\mu)`` of an f declared any function (``f: function``), at a point
    not declared a number, cannot be checked: such an f is a function of a number, applied entry by
    entry, so its ∇ at a vector would be a diagonal Jacobian; a text writing ∇f means an f of the
    vector to a number, which only a definition says."""
    spaced = re.sub(r"\\([A-Za-z]+|[,;:!])", lambda m: " " if m[1] in SPACES else m[0], text)  # \nabla\, f(x)
    for match in GRADIENT_AT.finditer(spaced):
        f, at = match["f"], re.sub(r"\\(?:mathbf|boldsymbol|bm|vec)\b|[{}\\\s]", "", match["at"])
        declared = scope.lookup(at)
        if match["order"] or getattr(scope.defined.get(f), "derivative", None) is None:
            continue
        if declared is None or declared.shape != ():
            said = f"\\nabla {f}({match['at'].strip()}): {f} is declared any function of a number, entry by"
            return f"{said} entry; if it maps a vector to a number, define it: % derivtex: {f}(x) := <LaTeX>"
    return None


def undefined_applied_in(body: str, scope, params: tuple) -> str | None:
    """A letter a definition's body applies as written (``a := g(z)``, not ``B_k(I - …)``), not one of
    its parameters (``h(x) := x(1 - x)``), that the body only ever writes applied and nothing declares
    or defines: a function the text leaves open, never g times z."""
    body = GRADIENT_AT.sub(" ", body)  # \nabla f(x_k): a value of its own
    body = BOLD_LETTER.sub(lambda m: m["braced"] or m["bare"], body)  # \mathbf{f}(\mathbf{x}): f applied
    for match in APPLIED.finditer(body):
        letter = match["letter"]
        if letter not in "ed" and letter not in params and only_applied(letter, body, scope):
            return letter
    return None


def applying_undefined(name: str, letter: str) -> str:
    """Why a definition of ``name`` that applies ``letter``, which nothing defines, is not read."""
    said = f"{as_written(name)}'s definition applies {letter}, which nothing defines: declare it,"
    return f"{said} e.g. % derivtex: {letter}: function (any smooth one) or {letter}(x) := <LaTeX>"


def applied_in_definition(text: str, scope) -> str | None:
    """A function the link applies whose definition applies a letter nothing declares or defines
    (``g(y) := f(Ay)``, f never written out): the body reads f times Ay, which need not fit."""
    for name, definition in scope.defined.items():
        applying = rf"(?<![\\A-Za-z]){re.escape(name)}\s*(?:\\left\s*)?\("
        if not definition.params or not re.search(applying, text):
            continue
        if letter := undefined_applied_in(definition.body.value, scope, definition.params):
            return applying_undefined(name, letter)
    return None


STARRED = re.compile(r"(?<![\\A-Za-z])(?P<letter>[A-Za-z])\s*\^\s*(?:\{\s*(?:\*|\\ast)\s*\}|\*|\\ast\b)")


def starred_matrix(text: str, scope) -> str | None:
    """``U^*`` of a declared matrix U, read as a symbol of its own (an optimum, ``x^*``) that nothing
    declares: in linear algebra it is U's adjoint, its (conjugate) transpose; which, the text knows."""
    for match in STARRED.finditer(text):
        letter = match["letter"]
        if matrix_shape(letter, scope) and not known(f"{letter}star", scope):
            said = f"{letter}^* is read as a symbol of its own (an optimum), which nothing declares"
            adjoint = f"{letter}^* := {letter}^T (the adjoint of a real {letter}; its conjugate: {letter})"
            return f"{said}; declare what it is, e.g. % derivtex: {adjoint}"
    return None


def explained(chain, outcomes: list, scope) -> list:
    """The failed links that apply an undefined function or write a starred matrix nothing declares:
    ``cannot check``, saying which; a shape error where a matrix is written at a point, or a function
    whose definition applies a letter nothing defines, the same; and any link not skipped that
    differentiates a letter nothing defines, or takes ∇ of a function declared any at a vector."""
    found = []
    for k, o in enumerate(outcomes):
        text = chain.links[k].left.text + "  " + chain.links[k].right.text
        why = undefined(chain, k, scope) or starred_matrix(text, scope) if o.status in FAILED else None
        if not why and o.status != "skipped":  # read as h times x, a step true of a linear h would pass
            why = differentiated_undefined(text, scope) or gradient_of_any(text, scope)
        if not why and o.status == "shape error":
            why = matrix_at_point(text, scope) or applied_in_definition(text, scope)
        found.append(replace(o, status="cannot check", message=why) if why else o)
    return found
