"""A part of the notes as JSON: the document view of one spec (rendered LaTeX, in plain strings)
and the spec's topic and references, which is all the notes read of a spec.

Only the view's own classes are rebuilt from JSON, by name from a table; anything else is an
error, so that a cache entry can never make the build construct another object.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass

from markupsafe import Markup

from ..render.chains import Line, Part, ProofView
from ..render.checked import Checked
from ..render.view import DocumentView
from ..verify.checks import Check

CLASSES = {c.__name__: c for c in (DocumentView, ProofView, Part, Line, Checked, Check)}


@dataclass(frozen=True)
class SpecPart:
    """What the notes read of a spec besides its view."""

    topic: str
    references: tuple[str, ...]


def encode_part(spec, doc: DocumentView) -> dict:
    return {"topic": spec.topic, "references": list(spec.references), "view": encode(doc)}


def decode_part(data: dict) -> tuple[SpecPart, DocumentView]:
    """The (spec, view) pair the notes take; ValueError if ``data`` is not a part."""
    try:
        spec = SpecPart(str(data["topic"]), tuple(str(r) for r in data["references"]))
        doc = decode(data["view"])
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a part of the notes: {error}") from None
    if not isinstance(doc, DocumentView):
        raise ValueError("not a part of the notes: no document view")
    return spec, doc


def encode(value):
    """JSON for a view: dataclasses and Markup tagged by ``"@"``, tuples as lists."""
    if isinstance(value, Markup):
        return {"@": "Markup", "text": str(value)}
    if is_dataclass(value) and type(value).__name__ in CLASSES:
        return {"@": type(value).__name__, **{f.name: encode(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a view holds a {type(value).__name__}, which a part cannot")


def decode(data):
    """The view ``encode`` gave (lists become tuples)."""
    if isinstance(data, list):
        return tuple(decode(v) for v in data)
    if not isinstance(data, dict):
        return data
    tag = data.get("@")
    if tag == "Markup":
        return Markup(str(data["text"]))
    if tag not in CLASSES:
        raise ValueError(f"not a part of the notes: {tag!r}")
    return CLASSES[tag](**{k: decode(v) for k, v in data.items() if k != "@"})
