"""Notes: many derivations as one document, grouped by topic, with the rules used and a bibliography.

A pure function over the document views of the specs; the ``notes`` template renders the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from markupsafe import Markup

from .bibliography import Bibliography, Citation
from .bibliography import Entry as BibEntry
from .checked import summary
from .introduction import Paragraph, introduction
from .templates import escape_latex, render_notes
from .title import plain_title
from .view import DocumentView, Line, ProofView

TITLE = "Matrix calculus: verified derivations"
# Known topics come first, in teaching order; any other topic follows alphabetically.
TOPIC_ORDER = (
    "traces",
    "determinants and log-determinants",
    "inverses",
    "linear and quadratic forms",
    "norms",
    "elementwise functions",
    "machine learning",
    "derivatives with respect to a scalar",
    "jacobians",
    "hessians",
)
OTHER = "Other"  # the last section: specs without a topic
TEX_SPECIALS = re.compile(r"[\\{}$&%#_~^]")


@dataclass(frozen=True)
class Entry:
    """One derivation: its document view (labels unique, rules linked) and its spec's citations."""

    doc: DocumentView  # without a verification paragraph: the introduction explains it once
    bookmark: Markup  # the title in the PDF's outline
    citations: tuple[Citation, ...]
    checked: Markup  # the derivation's own figures, one line: "Checked at $n = 4, 5$: …"


@dataclass(frozen=True)
class Section:
    title: str
    bookmark: Markup
    label: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class RuleEntry:
    """A rule in the appendix, the target of every justification that names it."""

    name: str
    label: str
    identity: Markup
    reference: str
    citation: Citation | None  # of the reference (none without one)


@dataclass(frozen=True)
class NotesView:
    title: str
    summary: str  # for the title page: "47 derivations in 7 topics"
    introduction: tuple[Paragraph, ...]  # the methods, the checks and the notation, said once
    sections: tuple[Section, ...]
    rules: tuple[RuleEntry, ...]
    references: tuple[BibEntry, ...]


def slug(text: str) -> str:
    """A piece of a ``\\label``: ASCII letters, digits and hyphens (``log-determinant``)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "x"


def unique(labels: Iterable[str]) -> tuple[str, ...]:
    """The labels with repeats numbered: ``a, a, b`` → ``a, a-2, b``."""
    seen: set[str] = set()
    out = []
    for label in labels:
        candidate, n = label, 1
        while candidate in seen:
            n += 1
            candidate = f"{label}-{n}"
        seen.add(candidate)
        out.append(candidate)
    return tuple(out)


def topic_key(topic: str) -> tuple:
    """Known topics in teaching order, then the others alphabetically, then no topic."""
    name = topic.strip().casefold()
    if not name:
        return (2, "")
    if name in TOPIC_ORDER:
        return (0, TOPIC_ORDER.index(name))
    return (1, name)


def section_title(topic: str) -> str:
    topic = topic.strip()
    return topic[:1].upper() + topic[1:] if topic else OTHER


def bookmark(text: str) -> Markup:
    """Plain text for the PDF's outline: TeX's specials escaped, other characters kept as they are.

    (hyperref writes any Unicode character into a bookmark; in the text itself, ``escape_latex``
    turns ``ᵀ`` into math, which a bookmark cannot hold.)
    """
    return Markup(TEX_SPECIALS.sub(lambda m: escape_latex(m.group()), text))


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cites_rule(line: Line) -> bool:
    """A line whose justification names its rule (``inverse: $…$``), not a lemma or the author's reason."""
    return bool(line.rule) and line.why.startswith(f"{line.rule}:")


def link_rules(doc: DocumentView, targets: dict[str, str]) -> DocumentView:
    """The document with each justification that names a rule linked to the rule's appendix entry."""

    def linked(line: Line) -> Line:
        if not cites_rule(line) or line.rule not in targets:
            return line
        return replace(line, why=Markup(f"\\rulelink{{{targets[line.rule]}}}{{{line.why}}}"))

    def proof(p: ProofView) -> ProofView:
        parts = tuple(replace(part, lines=tuple(linked(x) for x in part.lines)) for part in p.parts)
        return replace(p, parts=parts)

    return replace(doc, proofs=tuple(proof(p) for p in doc.proofs))


def compact(doc: DocumentView) -> DocumentView:
    """The document without what the introduction says once: the verification paragraph (a line of
    the derivation's own figures replaces it), and the method's explanation in a proof's sentences."""

    def brief(p: ProofView) -> ProofView:
        return replace(p, parts=tuple(replace(x, text=x.brief) if x.brief else x for x in p.parts))

    return replace(doc, proofs=tuple(brief(p) for p in doc.proofs), verification=Markup(""))


def rule_entries(docs: Iterable[DocumentView]) -> tuple[tuple[str, Markup, str, str], ...]:
    """Every rule used (name, identity, reference, label), sorted by name."""
    used = {name: (identity, reference) for doc in docs for name, identity, reference in doc.rules}
    names = sorted(used, key=lambda n: (n.casefold(), n))
    labels = unique(f"rule:{slug(n)}" for n in names)
    return tuple((n, *used[n], label) for n, label in zip(names, labels))


def notes_view(documents: Iterable[tuple[object, DocumentView]]) -> NotesView:
    """Lecture notes from ``(spec, document view)`` pairs (the spec gives ``topic`` and ``references``).

    Within a topic, derivations keep the order given. The bibliography is numbered in order of
    first citation: the derivations' references, then the rules' (see ``gen.render.bibliography``).
    """
    documents = list(documents)
    labels = unique(doc.label for _, doc in documents)
    by_topic: dict[str, list[tuple[object, DocumentView]]] = {}
    titles: dict[str, str] = {}
    for (spec, doc), label in zip(documents, labels):
        topic = spec.topic.strip().casefold()
        titles.setdefault(topic, section_title(spec.topic))
        by_topic.setdefault(topic, []).append((spec, replace(doc, label=label)))
    topics = sorted(by_topic, key=topic_key)
    ordered = [pair for t in topics for pair in by_topic[t]]
    rules = rule_entries(doc for _, doc in ordered)
    targets = {name: label for name, _, _, label in rules}
    bibliography = Bibliography()
    citations = {id(spec): bibliography.cite_all(spec.references) for spec, _ in ordered}
    rule_citations = [bibliography.cite(reference) for _, _, reference, _ in rules]

    def entry(spec, doc: DocumentView) -> Entry:
        checked = summary(doc.checked) if doc.checked else doc.verification
        title = bookmark(plain_title(doc.title_pieces))
        return Entry(link_rules(compact(doc), targets), title, citations[id(spec)], checked)

    section_labels = unique(f"topic:{slug(titles[t])}" for t in topics)
    return NotesView(
        title=TITLE,
        summary=f"{plural(len(ordered), 'derivation')} in {plural(len(topics), 'topic')}",
        introduction=introduction(p.method for _, doc in ordered for p in doc.proofs),
        sections=tuple(
            Section(titles[t], bookmark(titles[t]), label, tuple(entry(*pair) for pair in by_topic[t]))
            for t, label in zip(topics, section_labels)
        ),
        rules=tuple(
            RuleEntry(name, label, identity, reference, citation)
            for (name, identity, reference, label), citation in zip(rules, rule_citations)
        ),
        references=tuple(bibliography.entries.values()),
    )


def render(entries: Iterable[tuple[object, DocumentView]]) -> str:
    """The notes of (spec, document view) pairs as LaTeX source."""
    return render_notes(notes_view(entries))
