"""Definitions stated in the running text: ``where $a = W_1x + b_1$``, ``Write $f(W) = …$``,
``$\\Sigma := LL^{\\top}$``.

An inline formula ``name = expr`` (or ``name(args) = expr``) is a definition when the sentence
introduces it ("let", "write", "where", "with", "define", "denote", "set") or when it says so itself
(``:=``, ``\\coloneqq``, ``\\triangleq``, ``=:``); and only when its left side is a name not yet
declared or defined, its parameters distinct names, and its body uses a symbol and not the name
itself. Anything else (``$x = 0$`` of a declared x, a claim ``$\\nabla f = G$``, a sentence without
such a word) stays prose. A definition holds, like an annotation, to the end of its section.

A body the front end cannot read (``\\delta_z = \\nabla_z f``) still defines the name, as unreadable:
a link that uses it cannot be checked (never a guess at a free symbol of the same name).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import Span, SpecError, quoted_tex
from ..expr.functions import FUNCTIONS
from ..expr.parser import Call
from ..spec.reader import Text
from .indexnodes import nodes, split
from .rows import closing
from .shapes import GREEK, names_in
from .symbols import PARAMETERS, Definition, Scope
from .undefined import applying_undefined, undefined_applied_in

# $…$ (not $$, a display) and \( … \), as they stand in the blanked prose
INLINE = re.compile(r"(?<![$\\])\$(?!\$)(?P<dollar>[^$]+?)\$|\\\((?P<paren>.*?)\\\)", re.S)
# a word of the sentence, not a command (\let, \set are not words)
CUE = re.compile(r"(?<!\\)\b(?:let|write|writing|where|with|define|defining|denote|denoting|set|put)\b", re.I)
# a sentence (or clause, or item) that ends, or turns to a claim, ends what a cue word introduced
STOP = re.compile(
    r"[.!?](?:\s|$)|\n[ \t]*\n|\\(?:item|begin|end|par)\b|(?<!\\)\b(?:then|show|shows|prove|proves|"
    r"hence|thus|therefore|holds|gives|if|when|whenever|unless|since|because|suppose|assume)\b",
    re.I,
)
# the relation of a definition: (pattern, it defines by itself, the name is on the right)
RELATIONS = (
    (re.compile(r":="), True, False),
    (re.compile(r"\\coloneqq\b|\\triangleq\b|\\(?:stackrel|overset)\s*\{[^{}]*\}\s*\{=\}"), True, False),
    (re.compile(r"=:|\\eqqcolon\b"), True, True),
    (re.compile(r"(?<![<>!\\])=(?!=)"), False, False),
)
CONSTANTS = frozenset({"I", "pi", "e"})
BRACED = re.compile(r"\\(?:underbrace|overbrace|underbracket|overbracket)\s*\{")
TEXT = re.compile(r"\\(?:text|textrm|mbox)\s*\{[^{}]*\}")  # a word of the note (\text{precomputable})
NOTE = re.compile(r"\s*(?::=|\\coloneqq|\\triangleq|=:|\\eqqcolon|=)\s*(?P<name>.+?)\s*")
OPEN, CLOSE = "({[", ")}]"
TRIM = re.compile(r"^[\s,.;]+|[\s,.;]+$|\\[,;:!]\s*$|\\q?quad\s*$")
CALL = re.compile(r"(?P<head>.+?)\s*(?:\\left\s*)?\(\s*(?P<params>[^()]*?)\s*(?:\\right\s*)?\)")


class Unreadable(str):
    """The body of a definition the front end cannot read, and why: using the name cannot be checked."""


def defined_in_prose(scope: Scope, text: str, parse, name_of, span_at) -> Scope:
    """``scope`` with the definitions the prose ``text`` states, in reading order; ``span_at(offset)``
    is the span of an offset into ``text``."""
    cued, at = False, 0
    for match in INLINE.finditer(text):
        cued = still_cued(cued, text[at : match.start()])
        at = match.end()
        group = "dollar" if match.group("dollar") is not None else "paren"
        for offset, piece in pieces(match.group(group)):
            start = match.start(group) + offset
            found = definition(scope, piece, cued, parse, name_of, lambda at, s=start: span_at(s + at))
            if found:
                scope = replace(scope, defined={**scope.defined, found[0]: found[1]})
    return replace(scope, defined={n: written_in(d, n, scope.defined) for n, d in scope.defined.items()})


def defined_in_braces(scope: Scope, text: str, parse, name_of, span_at) -> Scope:
    """``scope`` with the names a display's braces give their expressions: ``\\underbrace{\\Sigma + m
    m^T}_{:= X}``, ``\\overbrace{…}^{=: A}``, ``\\underbrace{…}_{\\text{precomputable} := A}`` define X, A
    (a new name only, as the prose's definitions; the note says how, := or =:, or = with a new name)."""
    for match in BRACED.finditer(text):
        body_end = closing(text, match.end()) - 1  # the body's closing brace
        note = re.match(r"\s*[_^]\s*\{", text[body_end + 1 :])
        if note is None:
            continue
        note_start = body_end + 1 + note.end()
        named = NOTE.fullmatch(TEXT.sub("", text[note_start : closing(text, note_start) - 1]))
        found = named and new_name(scope, named.group("name"), name_of, span_at(note_start))
        if not found or found[1]:
            continue
        raw = text[match.end() : body_end]
        where = span_at(match.end() + len(raw) - len(raw.lstrip()))
        try:
            tree = parse(raw.strip(), where)
        except SpecError:
            continue  # the chain that holds it says why it cannot be read
        scope = replace(
            scope, defined={**scope.defined, found[0]: Definition((), Text(raw.strip(), where), tree)}
        )
    return scope


def still_cued(cued: bool, words: str) -> bool:
    """Whether the words before a formula leave it introduced by a cue word of its sentence."""
    stops = list(STOP.finditer(words))
    tail = words[stops[-1].end() :] if stops else words
    return bool(CUE.search(tail)) or (cued and not stops)


def pieces(math: str) -> list[tuple[int, str]]:
    """The formula cut at its top-level commas and semicolons (``a = Wx, h = \\tanh(a)``)."""
    found, depth, start = [], 0, 0
    for i, char in enumerate(math):
        depth += (char in OPEN) - (char in CLOSE)
        if depth == 0 and char in ",;" and math[i - 1 : i] != "\\":
            found.append((start, math[start:i]))
            start = i + 1
    return [*found, (start, math[start:])]


def top_level(math: str, pattern: re.Pattern) -> re.Match | None:
    """The first match of ``pattern`` outside every bracket (``\\sum_{i=1}`` is not a relation)."""
    depths, depth = [], 0
    for char in math:
        depths.append(depth)
        depth += (char in OPEN) - (char in CLOSE)
    return next((m for m in pattern.finditer(math) if depths[m.start()] == 0), None)


def definition(scope: Scope, piece: str, cued: bool, parse, name_of, span_at):
    """(name, Definition) if ``piece`` defines a new name, else None."""
    found = next(((m, d, r) for p, d, r in RELATIONS if (m := top_level(piece, p))), None)
    if found is None or not (found[1] or cued):
        return None
    match, _, name_right = found
    before, after = (0, match.start()), (match.end(), len(piece))
    head, body = (after, before) if name_right else (before, after)
    named = new_name(scope, piece[slice(*head)], name_of, span_at(head[0]))
    if named is None:
        return None
    name, params = named
    raw = piece[slice(*body)]
    raw = raw[: end_of_body(raw)]
    lead = len(raw) - len(raw.lstrip())
    where = span_at(body[0] + lead)
    text = Text(TRIM.sub("", raw), where)
    if not text.value:
        return None
    try:
        tree = parse(text.value, where)
    except SpecError as error:
        said = f"{name} is defined in the prose (line {where.line}) as {quoted_tex(text.value)}"
        why = f"{said}, which cannot be read: {error.message}"
        return name, Definition(params, text, Unreadable(why))
    used = written(tree)
    if not (used - CONSTANTS) or {name, f"d{name}"} & used:
        return None  # a number (a case, x = 0) or a recursion (z = z(w, x, b)), not a definition
    if letter := undefined_applied_in(text.value, scope, params):  # y = f(x), f never written out
        return name, Definition(params, text, applying_undefined(name, letter))
    return name, Definition(params, text, tree)


def written(tree) -> set:
    """The names and the functions ``tree`` writes."""
    return set(names_in(tree)) | {n.name for n in nodes(tree) if isinstance(n, Call)}


def written_in(found: Definition, name: str, defined: dict) -> Definition:
    """``found``, or unreadable if it is a function written without its parameters even through the
    definitions (``f(W) = -y^T log p``, where ``p = softmax(Wx)``, is written in W; ``f(Λ)`` written in
    Σ, where ``Λ = Σ⁻¹``, is not: that is a relation the other way round)."""
    if not found.params or isinstance(found.tree, Unreadable):
        return found
    reached, todo = set(), written(found.tree)
    while todo:
        reached.add(n := todo.pop())
        if (d := defined.get(n)) is not None and n != name and not isinstance(d.tree, Unreadable):
            todo |= written(d.tree) - reached  # J(θ) := ½ Σ (h_θ(x_i) − y_i)², h_θ(x) := θᵀx: in θ
        if n.endswith(")") and "(" in n:  # f(x), a symbol declared with its argument: written in x
            todo |= set(re.findall(r"[A-Za-z_]\w*", n[n.index("(") :])) - reached
    if set(found.params) & (reached | {(split(n) or (n,))[0] for n in reached}):  # x_i, x's entries: in x
        return found
    shown = f"{name}({', '.join(found.params)})"
    why = f"{shown} is written without {', '.join(found.params)}: declare % derivtex: {shown} := <LaTeX>"
    return replace(found, tree=Unreadable(why))


def end_of_body(body: str) -> int:
    """Where the body ends: at a further top-level relation (``f = A = B`` defines f as A)."""
    match = top_level(body, re.compile(r"(?<![<>!\\])=|\\(?:le|ge|leq|geq|approx|in|to)\b|[<>]"))
    return match.start() if match else len(body)


def new_name(scope: Scope, head: str, name_of, span: Span):
    """(name, parameters) if ``head`` is a name, or a call of distinct names, neither declared nor
    defined yet (nor a function the checker knows); else None."""
    head = TRIM.sub("", head)
    call = CALL.fullmatch(head)
    try:
        name = name_of(call.group("head") if call else head, span)
        params = tuple(name_of(p, span) for p in PARAMETERS.split(call.group("params"))) if call else ()
    except SpecError:
        return None
    differential = name[:1] == "d" and name[1:2].isalpha() and name.split("_")[0] not in GREEK
    taken = name in scope.defined or scope.lookup(name) is not None or name in FUNCTIONS
    if taken or differential or name in CONSTANTS - {"e"} or len(set(params)) != len(params):  # e: a residual
        return None
    return name, params
