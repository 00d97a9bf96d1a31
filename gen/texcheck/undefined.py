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
from ..expr.texnames import LETTER_CALLS, WORDS

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
        alone = re.search(rf"(?<![\\A-Za-z]){letter}(?![A-Za-z(]|\s*(?:\\left\s*)?\()", text)
        stepped = any(n.startswith(f"{letter}(") for n in (*scope.declared, *scope.prose))  # J(x): M x N
        if not known(letter, scope) and not alone and not stepped and letter != "I":
            return letter
    return None


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


def explained(chain, outcomes: list, scope) -> list:
    """The failed links that apply an undefined function: ``cannot check``, saying which."""
    found = []
    for k, o in enumerate(outcomes):
        why = undefined(chain, k, scope) if o.status in FAILED else None
        found.append(replace(o, status="cannot check", message=why) if why else o)
    return found
