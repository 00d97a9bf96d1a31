"""Lecture notes: every spec in one document, by topic, with the rules used and a bibliography."""

import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import cited_keys, commands, invoke

from gen import pipeline
from gen.render.notes import OTHER, bookmark, notes_view, unique
from gen.render.templates import render_notes
from gen.render.view import document_view

ROOT = Path(__file__).parent.parent
DERIVATIONS = ROOT / "derivations"
# The topics whose order the notes fix; any other topic follows alphabetically.
KNOWN = [
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
]
GOOD = """\
title: Gradient of the trace of the inverse
symbols:
  X: {shape: [n, n], assume: [invertible]}
function: tr(X^-1)
wrt: X
"""


@pytest.fixture(scope="module")
def outcomes():
    return [pipeline.run(path) for path in pipeline.find_specs([DERIVATIONS])]


@pytest.fixture(scope="module")
def tex(outcomes):
    return pipeline.render_notes(outcomes)


def group(tex: str, start: int) -> str:
    """The balanced ``{…}`` group that opens at ``tex[start]``, without its braces."""
    depth, i = 0, start
    while i < len(tex):
        if tex[i] == "\\":  # a control sequence or an escaped brace
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return tex[start + 1 : i]
        i += 1
    raise AssertionError(f"unbalanced braces after {tex[start : start + 40]!r}")


def headings(tex: str, level: str) -> list[str]:
    """The titles of ``\\section{\\texorpdfstring{title}{bookmark}}`` (or subsection)."""
    opening = f"\\{level}{{\\texorpdfstring{{"
    return [group(tex, m.end() - 1) for m in re.finditer(re.escape(opening), tex)]


def body(tex: str) -> str:
    """The derivations: from the first section to the appendix."""
    return tex[tex.index("\\section{") : tex.index("\\appendix")]


def test_a_section_per_topic_known_topics_first_in_order(outcomes, tex):
    sections = headings(body(tex), "section")
    topics = list(dict.fromkeys(o.spec.topic.strip().casefold() for o in outcomes))
    assert sorted(s.casefold() for s in sections) == sorted(t or OTHER.casefold() for t in topics)
    known = [s.casefold() for s in sections if s.casefold() in KNOWN]
    assert known == [t for t in KNOWN if t in known]  # in the fixed order
    assert sections[: len(known)] == [s for s in sections if s.casefold() in KNOWN]  # and first
    others = sections[len(known) :]
    assert others == sorted(others, key=lambda s: (s == OTHER, s.casefold()))  # then alphabetically
    assert sections[0] == "Traces"
    assert tex[tex.index("\\appendix") :].count("\\section{") == 1
    assert "\\section{The rules used}" in tex


def test_topic_order_with_unknown_topics_and_no_topic(outcomes):
    seed = document_view(outcomes[0].derivation, outcomes[0].report)
    topics = ["zebras", "", "norms", "Apples", "traces", "norms"]
    pairs = [
        (SimpleNamespace(topic=t, references=()), replace(seed, title=f"t{i}")) for i, t in enumerate(topics)
    ]
    view = notes_view(pairs)
    assert [s.title for s in view.sections] == ["Traces", "Norms", "Apples", "Zebras", OTHER]
    norms = view.sections[1]
    assert [e.doc.title for e in norms.entries] == ["t2", "t5"]  # the order given
    labels = [e.doc.label for s in view.sections for e in s.entries]
    assert len(set(labels)) == len(labels) == len(topics)  # the same spec six times: six labels


def test_a_subsection_per_spec_with_its_proposition(outcomes, tex):
    assert tex.count("\\subsection{") == len(headings(tex, "subsection")) == len(outcomes)
    assert tex.count("\\begin{proposition}") == len(outcomes)
    assert tex.count("\\noindent{\\small Checked at ") == len(outcomes)  # a line of figures each
    assert "\\begin{remark}[Verification]" not in tex  # instead of the article's paragraph
    assert "Gradient of the trace of the inverse" in headings(tex, "subsection")
    assert "has the wrong sign" in tex  # the seed's compared value, diagnosed
    assert "Proof by the directional derivative" in tex and "Proof (the author's derivation)" in tex


def test_the_appendix_has_a_label_for_every_rule_used_and_each_link_lands_on_one(outcomes, tex):
    used = {name for o in outcomes for name, _, _ in document_view(o.derivation, o.report).rules}
    appendix = tex[tex.index("\\appendix") :]
    items = re.findall(r"\\item\[\{([^}]*)\}\]\\phantomsection\\label\{(rule:[^}]*)\}", appendix)
    assert {name.replace("\\&", "&") for name, _ in items} == used
    targets = set(re.findall(r"\\rulelink\{([^}]*)\}", tex))
    assert targets and targets <= {label for _, label in items}
    assert "\\rulelink{rule:inverse}{inverse: $" in tex


def test_labels_are_unique_and_every_citation_has_an_entry(tex):
    labels = commands(tex, "label")
    assert len(labels) == len(set(labels))
    entries = commands(tex, "bibitem")
    cited = cited_keys(tex)
    assert cited == set(entries)
    assert len(entries) == len(set(entries))


def test_references_topics_and_titles_are_escaped(tmp_path):
    spec = tmp_path / "escaped.yaml"
    spec.write_text(
        GOOD.replace("inverse", "inverse & 100% of x_1")
        + "topic: '#1 {tricks}'\n"
        + "references: ['Smith & Jones, 50% of ch. 2_1 \\input{x} ~ ^']\n",
        encoding="utf-8",
    )
    tex = pipeline.render_notes([pipeline.run(spec)])
    assert headings(tex, "section") == ["\\#1 \\{tricks\\}"]
    title = "Gradient of the trace of the inverse \\& 100\\% of x\\_1"
    assert headings(tex, "subsection") == [title]
    assert f"{{{title}}}{{{title}}}}}\\label{{drv:escaped}}" in tex  # the bookmark too
    escaped = r"Smith \& Jones, 50\% of ch. 2\_1 \textbackslash{}input\{x\} "
    escaped += r"\textasciitilde{} \textasciicircum{}"
    assert f"\\bibitem{{ref1}} {escaped}\n" in tex
    assert "\\input{x}" not in tex


def test_the_same_view_renders_the_same_source(outcomes, tex):
    again = render_notes(notes_view((o.spec, document_view(o.derivation, o.report)) for o in outcomes))
    assert again == tex


def test_build_notes_prints_progress_and_writes_one_document(tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(GOOD + "topic: traces\n", encoding="utf-8")
    second.write_text(
        GOOD.replace("tr(X^-1)", "logdet(X)").replace("invertible", "positive_det") + "topic: determinants\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("build", "--template", "notes", "--to", "tex", "-o", out, first, second)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"ok  {first}", f"ok  {second}", f"wrote {out / 'notes.tex'}"]
    assert sorted(p.name for p in out.iterdir()) == [".build", "notes.tex"]  # .build: the cache
    assert (out / "notes.tex").read_text(encoding="utf-8").count("\\subsection{") == 2


@pytest.mark.parametrize(
    "broken, exit_code",
    [("claim: (X^-2)^T\n", 1), ("claim: (X^-2)^T\nmethod: [differential]\n", 2)],
    ids=["false claim", "bad input"],
)
def test_a_failing_spec_fails_the_notes_and_writes_nothing(tmp_path, broken, exit_code):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD + broken, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("build", "--template", "notes", "--to", "tex", "-o", out, bad, good)
    assert result.exit_code == exit_code
    assert f"ok  {good}" in result.stdout.splitlines()  # the other specs are still checked
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{bad}:") and errors[-1] == "1 of 2 specs failed: the notes were not written"
    assert not out.exists()


def test_allow_false_typesets_a_false_claim_in_the_notes(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD + "claim: (X^-2)^T\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("build", "--template", "notes", "--to", "tex", "--allow-false", "-o", out, bad)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"ok  {bad} (false lines or claim marked)"
    assert "is false: it has the wrong sign" in (out / "notes.tex").read_text(encoding="utf-8")


def test_a_bookmark_escapes_tex_and_keeps_unicode():
    assert bookmark("‖Xᵀ‖² & x_1 {50%} \\input") == "‖Xᵀ‖² \\& x\\_1 \\{50\\%\\} \\textbackslash{}input"


def test_unique_numbers_repeated_labels():
    assert unique(["a", "a", "b", "a", "a-2"]) == ("a", "a-2", "b", "a-3", "a-2-2")


def test_notes_typeset_without_overfull_boxes_or_broken_links(tex, tmp_path, latex_tools):
    from gen.render.pdf import typeset

    pdf, log = typeset(tex, tmp_path)
    assert pdf.startswith(b"%PDF")
    assert "Output written" in log
    overfull = [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]
    assert not overfull
    for broken in ("undefined", "has been referenced but does not exist", "same identifier"):
        assert broken not in log


# What the introduction says once: a derivation never repeats it.
ONCE = [
    "is evaluated numerically on both sides",  # how a line is checked
    "central finite differences of the function",
    "The identification theorem then reads off",  # the methods
    "commute with this limit",
    "so the rules of differentials hold",
    "Vectors are columns",  # the conventions
]
# The article's explanations, which the notes leave to their introduction.
ARTICLE_ONLY = [
    "Each equality above was evaluated",
    "each variable drawn over its whole declared domain",
    "Central finite differences of the function agree",
    "each line is justified on the right",
    "The differential now has the form",
    "Each line below is the author's",
    "so the rules of the differential hold",
]


def test_the_method_and_the_checks_are_explained_once_in_the_introduction(outcomes, tex):
    introduction = tex[: tex.index("\\section{")]
    for sentence in ONCE:
        assert tex.count(sentence) == 1 and sentence in introduction, sentence
    for sentence in ARTICLE_ONLY:
        assert sentence not in tex, sentence
    summaries = re.findall(r"\\noindent\{\\small (.*)\}\\par\n", tex)
    assert len(summaries) == len(outcomes)
    assert all(s.startswith("Checked at ") and len(s) < 300 for s in summaries)


def test_the_introduction_has_a_paragraph_for_each_method_used():
    from gen.render.introduction import METHODS, introduction
    from gen.render.proofs import METHOD_TITLES

    assert set(METHOD_TITLES) <= set(METHODS)  # a new method writes its paragraph
    headings = [p.heading for p in introduction(["differential", "differential"]) if p.heading]
    assert headings == [METHODS["differential"][0], "How each line is checked", "Conventions"]
    everything = [p.heading for p in introduction(reversed(list(METHODS))) if p.heading]
    assert everything[:-2] == [title for title, _ in METHODS.values()]  # in the table's order


WITHIN = re.compile(r"(?:within|only to) \$([^$]*)\$")


def test_each_summary_gives_the_figures_of_the_articles_verification(outcomes):
    from collections import Counter

    from gen.render.checked import summary

    for o in outcomes:
        doc = document_view(o.derivation, o.report)
        brief, full = summary(doc.checked), str(doc.verification)
        assert Counter(WITHIN.findall(brief)) == Counter(WITHIN.findall(full)), o.spec.id
        assert f"at {o.report.samples} random points" in full
        at = brief[: brief.index(":")]
        assert (f"({o.report.samples} points)" in at) == (o.report.samples != 4), o.spec.id
        for sizes in re.findall(r"with \$([^$]*)\$", full):  # n = 4, m = 2
            for name, size in (pair.split(" = ") for pair in sizes.split(", ")):
                assert name in at and size in at, o.spec.id


def test_the_summary_of_a_spec_states_its_sizes_and_bounds(tmp_path):
    from gen.render.chains import figure
    from gen.render.checked import summary
    from gen.verify.checks import ROUNDING

    one, two = tmp_path / "trace.yaml", tmp_path / "norm.yaml"
    one.write_text(GOOD + "claim: -(X^-2)^T\ncheck: {tolerance: 1e-5}\n", encoding="utf-8")
    two.write_text(
        "symbols: {x: {shape: [n]}, A: {shape: [m, n]}}\nfunction: x^T*A^T*A*x\nwrt: x\n"
        "check: {samples: 8}\n",
        encoding="utf-8",
    )
    first, second = (pipeline.run(p) for p in (one, two))
    # by default four points, two at the even assignment of sizes (n = 4, m = 2: the second dimension
    # below the first) and two at the odd one (n = 5, m = 3), see gen.verify.sample; the functions are
    # analytic, so the lines are checked by the complex step, to rounding's bound (the tolerance is
    # above both bounds: a passing check reports its bound, not the tolerance)
    lines, fd = figure(ROUNDING["="]), figure(ROUNDING["fd"])
    assert summary(document_view(first.derivation, first.report).checked) == (
        f"Checked at $n = 4, 5$: lines within ${lines}$, finite differences within ${fd}$, the claim "
        "within $10^{-9}$; tolerance $10^{-5}$, set by the spec."
    )
    assert summary(document_view(second.derivation, second.report).checked) == (
        f"Checked at $(n, m) = (4, 2), (5, 3)$ (8 points): lines within ${lines}$, finite differences "
        f"within ${fd}$."
    )
