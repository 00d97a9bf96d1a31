"""The bundled bibliography: the works the rules and the catalog cite, with stable BibTeX keys.

A reference in a spec or a rule is free text such as ``Petersen & Pedersen, The Matrix
Cookbook, §2.5.4``; one that starts like a bundled work is cited by the work's key with the
rest as the place (``\\cite[§2.5.4]{petersen2012cookbook}``), so an appendix's citations can be
mapped onto a paper's own ``.bib``. Any other reference is listed as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from .templates import escape_latex


@dataclass(frozen=True)
class Work:
    key: str
    match: str  # how a reference to it starts
    kind: str  # the BibTeX entry type
    fields: tuple[tuple[str, str], ...]  # author, title, …, year: BibTeX fields, plain text

    @property
    def text(self) -> str:
        """The entry as a bibliography shows it: ``Authors. Title. Publisher, year.``"""
        fields = dict(self.fields)
        fields = fields | ({"edition": f"{fields['edition']} edition"} if "edition" in fields else {})
        where = ", ".join(
            fields[f] for f in ("edition", "journal", "publisher", "organization", "note") if f in fields
        )
        authors = fields["author"].replace(" and ", ", ", fields["author"].count(" and ") - 1)
        title = fields["title"] + ("" if fields["title"][-1] in ".?!" else ".")
        return f"{authors}. {title} {where + ', ' if where else ''}{fields['year']}."


def work(key: str, match: str, kind: str, **fields: str) -> Work:
    return Work(key, match, kind, tuple(fields.items()))


WORKS = (
    work(
        "petersen2012cookbook",
        "Petersen & Pedersen, The Matrix Cookbook",
        "manual",
        author="K. B. Petersen and M. S. Pedersen",
        title="The Matrix Cookbook",
        organization="Technical University of Denmark",
        year="2012",
    ),
    work(
        "magnus2019matrix",
        "Magnus & Neudecker, Matrix Differential Calculus",
        "book",
        author="J. R. Magnus and H. Neudecker",
        title="Matrix Differential Calculus with Applications in Statistics and Econometrics",
        edition="3rd",
        publisher="Wiley",
        year="2019",
    ),
    work(
        "minka2000old",
        "Minka, Old and New Matrix Algebra Useful for Statistics",
        "misc",
        author="T. P. Minka",
        title="Old and New Matrix Algebra Useful for Statistics",
        note="MIT Media Lab note",
        year="2000",
    ),
    work(
        "srinivasan2019gradient",
        "Srinivasan & Panda, What is the gradient of a scalar function of a symmetric matrix?",
        "misc",
        author="S. Srinivasan and N. Panda",
        title="What is the gradient of a scalar function of a symmetric matrix?",
        note="arXiv:1911.06491",
        year="2019",
    ),
    work(
        "bishop2006pattern",
        "Bishop, Pattern Recognition and Machine Learning",
        "book",
        author="C. M. Bishop",
        title="Pattern Recognition and Machine Learning",
        publisher="Springer",
        year="2006",
    ),
    work(
        "hinton2015distilling",
        "Hinton, Vinyals & Dean, Distilling the Knowledge in a Neural Network",
        "misc",
        author="G. Hinton and O. Vinyals and J. Dean",
        title="Distilling the Knowledge in a Neural Network",
        note="arXiv:1503.02531",
        year="2015",
    ),
    work(
        "hastie2009elements",
        "Hastie, Tibshirani & Friedman, The Elements of Statistical Learning",
        "book",
        author="T. Hastie and R. Tibshirani and J. Friedman",
        title="The Elements of Statistical Learning",
        edition="2nd",
        publisher="Springer",
        year="2009",
    ),
    work(
        "goodfellow2016deep",
        "Goodfellow, Bengio & Courville, Deep Learning",
        "book",
        author="I. Goodfellow and Y. Bengio and A. Courville",
        title="Deep Learning",
        publisher="MIT Press",
        year="2016",
    ),
    work(
        "boyd2004convex",
        "Boyd & Vandenberghe, Convex Optimization",
        "book",
        author="S. Boyd and L. Vandenberghe",
        title="Convex Optimization",
        publisher="Cambridge University Press",
        year="2004",
    ),
    work(
        "horn2012matrix",
        "Horn & Johnson, Matrix Analysis",
        "book",
        author="R. A. Horn and C. R. Johnson",
        title="Matrix Analysis",
        edition="2nd",
        publisher="Cambridge University Press",
        year="2012",
    ),
    work(
        "koren2009matrix",
        "Koren, Bell & Volinsky, Matrix factorization techniques for recommender systems",
        "article",
        author="Y. Koren and R. Bell and C. Volinsky",
        title="Matrix factorization techniques for recommender systems",
        journal="IEEE Computer 42(8), 30--37",
        year="2009",
    ),
    work(
        "srebro2003weighted",
        "Srebro & Jaakkola, Weighted low-rank approximations",
        "misc",
        author="N. Srebro and T. Jaakkola",
        title="Weighted low-rank approximations",
        note="Proceedings of the 20th International Conference on Machine Learning (ICML), 720--727",
        year="2003",
    ),
    work(
        "murray2016cholesky",
        "Murray, Differentiation of the Cholesky decomposition",
        "misc",
        author="I. Murray",
        title="Differentiation of the Cholesky decomposition",
        note="arXiv:1602.07527",
        year="2016",
    ),
    work(
        "watson1992subdifferential",
        "Watson, Characterization of the subdifferential of some matrix norms",
        "article",
        author="G. A. Watson",
        title="Characterization of the subdifferential of some matrix norms",
        journal="Linear Algebra and its Applications 170, 33--45",
        year="1992",
    ),
    work(
        "higham2008functions",
        "Higham, Functions of Matrices",
        "book",
        author="N. J. Higham",
        title="Functions of Matrices: Theory and Computation",
        publisher="SIAM",
        year="2008",
    ),
    work(
        "almohy2010complex",
        "Al-Mohy & Higham, The complex step approximation to the Fréchet derivative of a matrix function",
        "article",
        author="A. H. Al-Mohy and N. J. Higham",
        title="The complex step approximation to the Fréchet derivative of a matrix function",
        journal="Numerical Algorithms 53(1), 133--148",
        year="2010",
    ),
    work(
        "stewart2015calculus",
        "Stewart, Calculus: Early Transcendentals",
        "book",
        author="J. Stewart",
        title="Calculus: Early Transcendentals",
        edition="8th",
        publisher="Cengage Learning",
        year="2015",
    ),
    work(
        "bright2025matrix",
        "Bright, Edelman & Johnson, Matrix Calculus (for Machine Learning and Beyond)",
        "misc",
        author="P. Bright and A. Edelman and S. G. Johnson",
        title="Matrix Calculus (for Machine Learning and Beyond)",
        note="lecture notes of MIT 18.S096, arXiv:2501.14787",
        year="2025",
    ),
)


@dataclass(frozen=True)
class Citation:
    key: str
    place: str  # where in the work: "§2.5.4", "ch. 8", or ""

    @property
    def latex(self) -> Markup:
        """``\\cite[§2.5.4]{key}``."""
        text = escape_latex(self.place).replace(". ", ".~")
        text = text.replace("[", "{[}").replace("]", "{]}")  # a bracket inside [ ] must not end it
        place = f"[{text}]" if self.place else ""
        return Markup(f"\\cite{place}{{{self.key}}}")


@dataclass(frozen=True)
class Entry:
    key: str
    text: str  # plain text


def known(reference: str) -> tuple[Work, str] | None:
    """The bundled work a reference names, and the place in it (the rest of the reference)."""
    for w in WORKS:
        if reference.startswith(w.match):
            place = reference[len(w.match) :].strip(" ,")
            place = re.sub(r"\A\((.*)\)\Z", r"\1", place)
            return w, "" if place == dict(w.fields)["year"] else place
    return None


class Bibliography:
    """The works cited so far, in order of first citation; free-text references get ``ref1``, …"""

    def __init__(self):
        self.entries: dict[str, Entry] = {}

    def cite(self, reference: str) -> Citation | None:
        if not reference.strip():
            return None
        if (found := known(reference)) is not None:
            w, place = found
            self.entries.setdefault(w.key, Entry(w.key, w.text))
            return Citation(w.key, place)
        key = next((e.key for e in self.entries.values() if e.text == reference), None)
        key = key or f"ref{sum(e.key.startswith('ref') for e in self.entries.values()) + 1}"
        self.entries.setdefault(key, Entry(key, reference))
        return Citation(key, "")

    def cite_all(self, references: Iterable[str]) -> tuple[Citation, ...]:
        """Each reference cited once (the same place of a work is not repeated)."""
        cited = (self.cite(r) for r in references)
        return tuple(dict.fromkeys(c for c in cited if c is not None))


@dataclass(frozen=True)
class Sources:
    """What one derivation cites: its spec's references, and the works its rules come from."""

    spec: tuple[Citation, ...]
    rules: tuple[Citation, ...]
    entries: tuple[Entry, ...]


def sources(references: Iterable[str], rules: Iterable[tuple]) -> Sources:
    """What a derivation cites: its spec's ``references``, and the works of its rules.

    ``rules`` are ``(name, identity, reference)``. A rule is cited by its work alone
    (``\\cite{magnus2019matrix}``): the places of many rules in one work make a long list.
    """
    bibliography = Bibliography()
    spec = bibliography.cite_all(references)
    rule_works = bibliography.cite_all(whole_work(reference) for _, _, reference in rules)
    return Sources(spec, rule_works, tuple(bibliography.entries.values()))


def whole_work(reference: str) -> str:
    """The reference without its place: ``Petersen & Pedersen, The Matrix Cookbook``."""
    found = known(reference)
    return found[0].match if found else reference


def bibtex() -> str:
    """Every bundled work as a BibTeX entry (``derivtex.bib``)."""
    out = []
    for w in WORKS:
        fields = "".join(f"  {name} = {{{value}}},\n" for name, value in w.fields)
        out.append(f"@{w.kind}{{{w.key},\n{fields}}}\n")
    return "% The works derivtex cites, by the keys its appendix snippets use.\n\n" + "\n".join(out)
