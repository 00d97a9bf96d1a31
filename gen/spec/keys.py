"""Load a spec: YAML (read safely, positions kept) → a validated, frozen ``Spec`` (``gen.spec.model``).

The spec's own keys are here, composed from the generic validators of ``gen.spec.validators``.
"""

from __future__ import annotations

import re
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Span, SpecError, quote
from ..expr.functions import FUNCTIONS as NAMED
from .model import CheckSettings, Compare, Spec, Step, SymbolSpec
from .reader import FLOAT, INT, NULL, Source, Text, byte_span, describe, read_spec
from .text import formulas, latex_expression, latex_text, refusal
from .validators import (
    Validator,
    _did_you_mean,
    _either,
    _entries,
    _integer,
    _integer_in,
    _is_text,
    _names_of,
    _one_of,
    _pairs,
    _plain,
    _record,
    _require,
    _text,
    _tolerance,
)

ASSUMPTIONS = (
    "invertible",
    "symmetric",
    "spd",
    "positive",
    "orthogonal",
    "diagonal",
    "positive_det",
    "positive_eigenvalues",
    "nonnegative",
    "probability",
    "onehot",
    "binary",
)
METHODS = ("differential", "directional", "entrywise", "backprop")
# the grammar's function names: not symbol names. ``d`` may be one: ``d(...)`` is then not the
# differential (see ``gen.expr.lower``); ``T`` may be one too: ``^T`` stays the transpose.
FUNCTIONS = frozenset(NAMED) - {"d"}
RESERVED = {"I": "the identity matrix"}

# of the entries of a vector or a matrix (a probability matrix: each row a probability vector)
ENTRIES = ("nonnegative", "probability", "onehot", "binary")
_SQUARE_ONLY = tuple(a for a in ASSUMPTIONS if a not in ("positive", *ENTRIES))  # of a square matrix only
_ARRAY_ONLY = ("probability", "onehot", "binary")  # of a vector or a matrix, not of a number
# assumptions that no matrix of size ≥ 2 satisfies together (the sampler could not draw one)
_CONTRADICTIONS = {
    ("positive", "orthogonal"): "no orthogonal matrix has only positive entries",
    ("positive", "onehot"): "a one-hot vector has zero entries",
    ("positive", "binary"): "a binary matrix with only positive entries is the matrix of ones",
}
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def load_spec(path: str | Path) -> Spec:
    """Read a spec file (a regular file of bounded size, strict UTF-8, no binary) and parse it."""
    name = str(path)
    if not name.isprintable() or any("\udc80" <= c <= "\udcff" for c in name):  # undecodable bytes
        raise SpecError("the file name is not printable UTF-8 text; rename the file", Span(ascii(name)[1:-1]))
    data = read_spec(name)
    if b"\0" in data:
        message = "binary file (it contains NUL bytes); expected YAML text"
        raise SpecError(message, byte_span(name, data, data.index(b"\0")))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        raise SpecError(message, byte_span(name, data, error.start)) from None
    return parse_spec(text, name)


def parse_spec(text: str, path: str) -> Spec:
    """Parse and validate a spec's YAML text; ``path`` gives the id and prefixes errors."""
    src = Source(path, text)
    root = src.compose()
    if root is None:
        message = "empty spec: expected a mapping with at least 'function' and 'wrt'"
        raise SpecError(message, Span(path))
    if not isinstance(root, MappingNode):
        expected = "a spec must be a mapping of keys such as 'function' and 'wrt'"
        raise src.error(f"{expected}, not {describe(root)}", root)
    values = _record(root, src, _TOP_LEVEL)
    _require(values, ("function", "wrt"), Span(path))
    _check_wrt(values["wrt"], values.setdefault("symbols", ()))
    _check_where(values.get("where", ()), values["symbols"])
    stem = Path(path).stem
    if "steps" in values:  # an author's derivation is the proof, unless methods are asked for too
        values.setdefault("methods", ())
    values.setdefault("title", title_of(stem, path))
    positions = tuple((key.value, src.span(value)) for key, value in root.value)
    title = next((value for key, value in root.value if key.value == "title"), None)
    values["title_math"] = formulas(src.text_of(title)) if title is not None else ()
    _check_claim(values, dict(positions).get("claim"))
    return Spec(id=stem, path=path, positions=positions, **values)


def title_of(stem: str, path: str) -> str:
    """The title a spec without one gets from its file name: ``trace_inverse`` → ``Trace inverse``."""
    title = stem[:1].upper() + stem[1:].replace("_", " ")
    if reason := next(filter(None, map(refusal, title)), None):
        raise SpecError(f"the file name contains {reason}; give the spec a 'title'", Span(path))
    return " ".join(title.split())


# --- the spec's own keys ------------------------------------------------------------------


def _symbols(key: str, node: Node, src: Source) -> tuple[SymbolSpec, ...]:
    """name → {shape, assume}; a name is an identifier, not reserved, not a dimension."""
    if not isinstance(node, MappingNode):
        raise src.expected(key, "a mapping of symbol names to {shape, assume}", node)
    symbols = tuple(_symbol(name, value, src) for name, value in _pairs(node, src))
    dims = {dim for symbol in symbols for dim in symbol.shape if isinstance(dim, str)}
    names = {symbol.name for symbol in symbols}
    for symbol in symbols:
        if symbol.name in dims:
            message = f"'{symbol.name}' is a dimension name and cannot also be a symbol"
            raise SpecError(message, symbol.span)
        if symbol.name[0] == "d" and symbol.name[1:] in names:  # `dX` means the differential of X
            message = f"'{symbol.name}' would read as the differential of '{symbol.name[1:]}'"
            raise SpecError(f"{message}; rename it", symbol.span)
    return symbols


def _symbol(name_node: ScalarNode, node: Node, src: Source) -> SymbolSpec:
    """One symbol declaration; an empty one declares a scalar."""
    name, span = name_node.value, src.span(name_node)
    if not _IDENTIFIER.match(name):
        rule = "letters, digits and underscores, starting with a letter"
        message = f"symbol name {quote(name)} is not a name ({rule})"
        raise SpecError(message, span)
    if name in RESERVED or name in FUNCTIONS:
        meaning = RESERVED.get(name, "a function")
        raise SpecError(f"'{name}' is reserved for {meaning} and cannot be a symbol name", span)
    if isinstance(node, ScalarNode) and node.tag == NULL:
        return SymbolSpec(name, (), (), span)
    if not isinstance(node, MappingNode):
        raise src.expected(name, "a mapping such as {shape: [n, n]}", node)
    fields = _record(node, src, _SYMBOL_KEYS)
    shape, assume = fields.get("shape", ()), fields.get("assume", ())
    if problem := refused_assumptions(name, shape, assume):
        raise SpecError(problem, span)
    return SymbolSpec(name, shape, assume, span)


def refused_assumptions(name: str, shape: tuple, assume: tuple[str, ...]) -> str | None:
    """Why a symbol of ``shape`` cannot have the assumptions ``assume`` together (None if it can)."""
    has = f"has shape [{', '.join(map(str, shape))}]" if shape else "is a number (no shape)"
    needs_square = next((a for a in assume if a in _SQUARE_ONLY), None)
    if needs_square and not (len(shape) == 2 and shape[0] == shape[1]):
        return f"'{needs_square}' needs a square matrix, but '{name}' {has}"
    if not shape and (needs_array := next((a for a in assume if a in _ARRAY_ONLY), None)):
        return f"'{needs_array}' needs a vector or a matrix, but '{name}' {has}"
    for (first, second), why in _CONTRADICTIONS.items():
        if {first, second} <= set(assume):
            return f"'{name}' cannot be both {first} and {second}: {why}"
    entry = next((a for a in assume if a in ENTRIES), None)
    if needs_square and entry:  # the sampler draws L diag(s) R, which knows nothing of the entries
        return (
            f"'{name}' cannot be both {entry} and {needs_square}: an assumption on the entries "
            f"({_either(ENTRIES)}) combines only with positive and with each other"
        )
    return None


def _shape(key: str, node: Node, src: Source) -> tuple[str | int, ...]:
    """[] scalar, [n] column vector, [n, m] matrix; a dimension is a name or a positive integer."""
    if not isinstance(node, SequenceNode):
        raise src.expected(key, "a list of dimensions such as [n, m]", node)
    if len(node.value) > 2:
        message = f"'{key}' has {len(node.value)} dimensions; expected [], [n] or [n, m]"
        raise src.error(message, node)
    return tuple(_dimension(item, src) for item in node.value)


# a number as a dimension is the size the checks draw (a name gets a few small sizes): a matrix of
# 1000 × 1000 is 8 MB, inverted in a tenth of a second; 10⁹ would allocate 8 GB before any check
MAX_DIMENSION = 1000


def _dimension(node: Node, src: Source) -> str | int:
    """A dimension: a name such as n, or a positive integer up to ``MAX_DIMENSION``."""
    size = _integer(node)
    if size is not None and size > MAX_DIMENSION:
        message = f"a dimension must be at most {MAX_DIMENSION}, not {size} (the checks draw it as a size)"
        raise src.error(message, node)
    if size is not None and size > 0:
        return size
    if _is_text(node) and node.tag not in (INT, FLOAT) and _IDENTIFIER.match(node.value):
        return node.value
    message = f"a dimension must be a name such as n or a positive integer, not {describe(node)}"
    raise src.error(message, node)


_INVERSE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*\^\s*-\s*1\s*\Z")


def inverted(text: Text) -> str | None:
    """``Sigma`` for ``wrt: Sigma^-1`` (a change of variable to the inverse), else None."""
    match = _INVERSE.match(text.value)
    return match.group(1) if match else None


def variable_name(text: Text) -> str:
    """The declared symbol a 'wrt' entry names: ``Sigma`` for ``Sigma`` and for ``Sigma^-1``."""
    return inverted(text) or text.value


def _check_wrt(wrt: tuple[Text, ...], symbols: tuple[SymbolSpec, ...]) -> None:
    """Each 'wrt' entry names a declared symbol (or the inverse of a square matrix), once."""
    names = [symbol.name for symbol in symbols]
    for i, text in enumerate(wrt):
        name = variable_name(text)
        if name in (variable_name(earlier) for earlier in wrt[:i]):
            raise SpecError(f"'wrt' names {quote(name)} twice", text.span)
        if name not in names:
            only = f" (did you mean '{names[0]}'?)" if len(names) == 1 else ""
            listed = f" (declared: {', '.join(names)})" if names else " (declare it in 'symbols')"
            hint = _did_you_mean(name, names, only or listed)
            message = f"'wrt' names {quote(name)}, which is not a declared symbol{hint}"
            raise SpecError(message, text.span)
        shape = next(s.shape for s in symbols if s.name == name)
        if name != text.value and not (len(shape) == 2 and shape[0] == shape[1]):
            has = f"has shape [{', '.join(map(str, shape))}]" if shape else "is a number"
            message = f"'wrt: {name}^-1' differentiates by the inverse of a square matrix, but '{name}' {has}"
            raise SpecError(message, text.span)


def _where(key: str, node: Node, src: Source) -> tuple[tuple[Text, Text], ...]:
    """name → expression, in order (a YAML mapping keeps its order); each name an identifier that
    is not a function."""
    if not isinstance(node, MappingNode) or not node.value:
        raise src.expected(key, "a mapping of names to expressions, such as {a: W1*x + b1}", node)
    pairs = []
    for name_node, value in _pairs(node, src):
        name, span = name_node.value, src.span(name_node)
        if not _IDENTIFIER.match(name):
            rule = "letters, digits and underscores, starting with a letter"
            raise SpecError(f"'where' name {quote(name)} is not a name ({rule})", span)
        if name in RESERVED or name in FUNCTIONS:
            meaning = RESERVED.get(name, "a function")
            raise SpecError(f"'{name}' is reserved for {meaning} and cannot be a name in 'where'", span)
        pairs.append((src.text_of(name_node), _EXPRESSION(f"{key}.{name}", value, src)))
    return tuple(pairs)


def _check_where(where: tuple[tuple[Text, Text], ...], symbols: tuple[SymbolSpec, ...]) -> None:
    """A name in 'where' is neither a symbol nor a dimension (nor read as a symbol's differential)."""
    names = {symbol.name for symbol in symbols}
    dims = {dim for symbol in symbols for dim in symbol.shape if isinstance(dim, str)}
    clashes = {
        "is a declared symbol": lambda name: name in names,
        "is a dimension": lambda name: name in dims,
        "would read as the differential of a symbol": lambda name: name[0] == "d" and name[1:] in names,
    }
    for name, _ in where:
        if clash := next((why for why, applies in clashes.items() if applies(name.value)), None):
            raise SpecError(f"'{name.value}' in 'where' {clash}; give the quantity another name", name.span)


def _check_claim(values: dict, span: Span | None) -> None:
    """One claimed gradient, or with several 'wrt' a mapping of each variable to its own."""
    claim, wrt = values.get("claim"), [w.value for w in values["wrt"]]
    if claim is None or isinstance(claim, Text) and len(wrt) == 1:
        return
    if isinstance(claim, Text):
        example = ", ".join(f"{name}: ..." for name in wrt)
        raise SpecError(f"with several 'wrt', claim each gradient by its variable: {{{example}}}", span)
    for name, _ in claim:
        if name.value not in wrt:
            raise SpecError(
                f"'claim' names {quote(name.value)}, which is not in 'wrt' ({', '.join(wrt)})", name.span
            )
    if len(wrt) == 1:  # {X: G} with one variable is G
        values["claim"] = claim[0][1]
    else:
        values["claims"] = values.pop("claim")


def _claim(key: str, node: Node, src: Source):
    """An expression, or a mapping of variable names to expressions (for several 'wrt')."""
    if not isinstance(node, MappingNode):
        return _EXPRESSION(key, node, src)
    claims = []
    for name, value in node.value:
        if not _is_text(name):
            raise src.expected(key, "an expression, or a mapping of each variable in 'wrt' to one", name)
        claims.append((src.text_of(name), _EXPRESSION(f"{key}.{name.value}", value, src)))
    return tuple(claims)


_SYMBOL_KEYS: dict[str, Validator] = {
    "shape": _shape,
    "assume": _names_of(ASSUMPTIONS, "assumption"),
}

_CHECK_KEYS: dict[str, Validator] = {
    "seed": _integer_in(0, 2**32 - 1, "an integer from 0 to 4294967295"),
    "samples": _integer_in(1, 100, "an integer from 1 to 100"),
    "tolerance": _tolerance,
}


def _check(key: str, node: Node, src: Source) -> CheckSettings:
    """{seed, samples, tolerance}, each optional."""
    if not isinstance(node, MappingNode):
        raise src.expected(key, "a mapping such as {samples: 5, tolerance: 1e-8}", node)
    return CheckSettings(**_record(node, src, _CHECK_KEYS, prefix=f"{key}."))


STRING = _plain("a string")
_GRAMMAR = _text("an expression such as tr(X^-1)", positions=True)


def _EXPRESSION(key: str, node: Node, src: Source) -> Text:
    """An expression in the spec grammar, or in LaTeX between dollar signs (`latex_expression`)."""
    return latex_expression(_GRAMMAR(key, node, src))


_TOP_LEVEL: dict[str, Validator] = {
    "title": STRING,
    "symbols": _symbols,
    "function": _EXPRESSION,
    "wrt": _text("a symbol name or a list of them", many=True, positions=True),
    "order": _integer_in(1, 2, "1 or 2"),
    "layout": _one_of("denominator", "numerator"),
    "methods": _names_of(METHODS, "method", at_least=1),
    "claim": _claim,
    "compare": _entries(
        {"expr": _EXPRESSION, "label": STRING},
        required=("expr", "label"),
        make=lambda fields, _: Compare(fields["expr"], fields["label"]),
    ),
    "symmetric_gradient": _one_of("sym", "cookbook"),
    "steps": _entries(
        {"expr": _EXPRESSION, "why": STRING},
        required=("expr",),
        make=lambda fields, span: Step(fields["expr"], fields.get("why", ""), span),
    ),
    "where": _where,
    "notes": _plain("a string", text=latex_text),
    "topic": STRING,
    "references": _plain("a string or a list of strings", many=True),
    "check": _check,
}
