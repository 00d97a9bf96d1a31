"""Editor support: the JSON Schema of a spec (``derivtex schema``) and a new spec (``derivtex new``).

The schema is built from the same tables as the spec reader (``gen.spec``): its keys,
assumptions, methods and reserved names. What the schema cannot say (a name declared
before it is used, shapes that multiply) the reader still checks, with positions.
"""

from __future__ import annotations

import re

from .errors import Span, SpecError, quote
from .spec.keys import ASSUMPTIONS, FUNCTIONS, MAX_DIMENSION, METHODS, RESERVED
from .spec.reader import NUMBER
from .spec.validators import TOLERANCES

SCHEMA_FILE = "derivtex.schema.json"
NAME = "^[A-Za-z][A-Za-z0-9_]*$"
WRT = r"^\s*[A-Za-z][A-Za-z0-9_]*(\s*\^\s*-\s*1)?\s*$"  # a symbol, or its inverse (a change of variable)
TEXT = {"type": ["string", "number", "boolean"]}  # numbers and booleans are read as written
EXPRESSION = {"type": ["string", "number"], "minLength": 1, "pattern": r"\S"}


def one_or_many(item: dict, at_least: int = 1) -> dict:
    """A value, or a list of them (at least ``at_least``, none twice)."""
    return {"anyOf": [item, {"type": "array", "items": item, "minItems": at_least, "uniqueItems": True}]}


def record(properties: dict, required: tuple[str, ...] = ()) -> dict:
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    return out | ({"required": list(required)} if required else {})


def described(description: str, schema: dict) -> dict:
    return {"description": description, **schema}


SYMBOL = {
    "anyOf": [
        {"type": "null"},  # `t:` declares a number
        record(
            {
                "shape": described(
                    "[] a number, [n] a column vector, [n, m] a matrix; a dimension is a name or a size",
                    {
                        "type": "array",
                        "maxItems": 2,
                        "items": {
                            "anyOf": [
                                {"type": "integer", "minimum": 1, "maximum": MAX_DIMENSION},
                                {"type": "string", "pattern": NAME},
                            ]
                        },
                    },
                ),
                "assume": one_or_many({"enum": list(ASSUMPTIONS)}, at_least=0),
            }
        ),
    ]
}
TOLERANCE = {
    "anyOf": [
        {"type": "number", "minimum": TOLERANCES[0], "maximum": TOLERANCES[1]},
        {"type": "string", "pattern": f"^(?:{NUMBER.pattern})$"},  # 1e-6 is a string in YAML 1.1
    ]
}
PROPERTIES = {
    "title": described("the document's title (plain text)", TEXT),
    "symbols": described(
        "name → {shape, assume}",
        {
            "type": "object",
            "propertyNames": {"pattern": NAME, "not": {"enum": sorted({*RESERVED, *FUNCTIONS})}},
            "additionalProperties": SYMBOL,
        },
    ),
    "function": described(
        "the expression to differentiate, such as tr(X^-1), or LaTeX between dollar signs", EXPRESSION
    ),
    "wrt": described(
        "the variable, or several: declared symbols; or the inverse of one, such as Sigma^-1",
        one_or_many({"type": "string", "pattern": WRT}),
    ),
    "order": described("1, or 2 for the Hessian", {"enum": [1, 2]}),
    "layout": {"enum": ["denominator", "numerator"]},
    "methods": one_or_many({"enum": list(METHODS)}),
    "claim": described(
        "the derivative the author asserts (checked); with several wrt, one per variable",
        {
            "anyOf": [
                EXPRESSION,
                {"type": "object", "propertyNames": {"pattern": NAME}, "additionalProperties": EXPRESSION},
            ]
        },
    ),
    "compare": described(
        "other stated values, diagnosed in the document",
        {"type": "array", "items": record({"expr": EXPRESSION, "label": TEXT}, ("expr", "label"))},
    ),
    "symmetric_gradient": {"enum": ["sym", "cookbook"]},
    "steps": described(
        "a derivation by hand, each line checked",
        {"type": "array", "items": record({"expr": EXPRESSION, "why": TEXT}, ("expr",))},
    ),
    "where": described(
        "named intermediate quantities, in order: name → expression in the symbols and the names before it",
        {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": NAME, "not": {"enum": sorted({*RESERVED, *FUNCTIONS})}},
            "additionalProperties": EXPRESSION,
        },
    ),
    "notes": described("LaTeX prose before the proof", TEXT),
    "topic": described("the section of the lecture notes", TEXT),
    "references": one_or_many(TEXT, at_least=0),
    "check": record(
        {
            "seed": {"type": "integer", "minimum": 0, "maximum": 2**32 - 1},
            "samples": {"type": "integer", "minimum": 1, "maximum": 100},
            "tolerance": TOLERANCE,
        }
    ),
}


def schema() -> dict:
    """The JSON Schema (draft 2020-12) of a spec."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "derivtex spec",
        "description": "A matrix-calculus derivation for derivtex: derived, checked and typeset.",
        **record(PROPERTIES, ("function", "wrt")),
    }


NEW_SPEC = """\
# yaml-language-server: $schema={schema}
# A derivtex spec: `derivtex check {name}.yaml`, `derivtex build {name}.yaml`.
title: {title}
symbols:                      # name: {{shape, assume}}; shape [] a number, [n] a vector, [n, m] a matrix
  X: {{shape: [n, n], assume: [invertible]}}
function: tr(X^-1)            # + - * / ^T ^-1 ^k, tr det logdet log exp sqrt norm kron hadamard ...
wrt: X
# methods: [differential, directional, entrywise, backprop]
# claim: -(X^-2)^T            # the derivative you assert: checked, a false one fails
# compare:                    # other stated values, diagnosed (sign, transpose, factor, ...)
#   - {{expr: (X^-2)^T, label: a value from a textbook}}
# steps:                      # a derivation by hand: every line checked
#   - {{expr: d(tr(X^-1)), why: the differential of the function}}
#   - {{expr: tr(-X^-1 * dX * X^-1), why: the differential of an inverse}}
# where: {{Y: X^-1}}            # named intermediates, in order (shapes inferred): the proof uses them
# order: 2                    # the Hessian (of a function of a vector or matrix)
# layout: numerator           # the transpose of the gradient
# topic: traces
# references: ["Petersen & Pedersen, The Matrix Cookbook"]
"""


def new_spec(name: str) -> str:
    """A spec to start from: the schema line, a small derivation, the other keys commented out."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        raise SpecError(f"{quote(name)} is not a spec name (letters, digits, _ and -)", Span(name))
    title = name.replace("_", " ").replace("-", " ")
    return NEW_SPEC.format(schema=SCHEMA_FILE, name=name, title=title[:1].upper() + title[1:])
