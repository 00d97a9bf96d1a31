"""Beamer slides: a frame per method (continued when long), one more line on each slide."""

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from helpers import every_method

from gen import pipeline
from gen.render.pdf import typeset
from gen.render.slides import frames
from gen.render.view import document_view
from gen.spec.keys import load_spec

DERIVATIONS = Path(__file__).parent.parent / "derivations"
SEED = DERIVATIONS / "trace_inverse.yaml"


@pytest.fixture(scope="module")
def seed():
    outcome = pipeline.run(SEED)
    return document_view(outcome.derivation, outcome.report), pipeline.render_tex(outcome, "beamer")


def pages(pdf: Path) -> list[str]:
    """The text of each page."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_a_frame_per_method_and_no_pause(seed):
    doc, tex = seed
    assert "\\documentclass[11pt,aspectratio=169]{beamer}" in tex and "\\pause" not in tex
    titles = re.findall(r"\\begin\{frame\}\[t\]\{([^}]*)\}", tex)
    methods = [t for t in titles if "(continued)" not in t]
    assert methods == [p.title for p in doc.proofs]


def test_each_line_and_its_justification_appear_on_the_same_slide(seed):
    _, tex = seed
    for body in re.findall(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", tex, flags=re.S):
        for row in re.split(r"\\\\(?:\\whybelow)?\n", body.strip()):
            slides = set(re.findall(r"\\onslide<(\d+)->", row))
            assert len(slides) == 1, row  # the left side, the right side and the reason together
            if "\\why{" in row:  # \why measures the reason (\onslide keeps its width), beside or below
                assert re.search(r"\\why\{\\onslide<\d+->\{", row)


def test_a_long_chain_continues_on_the_next_frame():
    outcome = pipeline.run(DERIVATIONS / "hessian_logsumexp.yaml")
    (proof,) = document_view(outcome.derivation, outcome.report).proofs
    cut = frames(proof)
    assert len(cut) > 1 and all(f.title == f"{proof.title} (continued)" for f in cut[1:])
    lines = [line for frame in cut for part in frame.parts for line in part.lines]
    assert lines == [line for part in proof.parts for line in part.lines]  # none lost, none repeated


def test_the_slides_reveal_one_line_per_page(seed, tmp_path, latex_tools):
    doc, tex = seed
    pdf, log = typeset(tex, tmp_path)
    assert not [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]
    (tmp_path / "slides.pdf").write_bytes(pdf)
    text = pages(tmp_path / "slides.pdf")
    cut = [frame for proof in doc.proofs for frame in frames(proof)]
    reveals = [max(1, sum(len(part.lines) for part in frame.parts)) for frame in cut]
    assert (
        len(text) == 2 + sum(reveals) + bool(doc.remarks) + 1
    )  # title, proposition, proofs, remarks, checks
    # the proof by differentials: its four lines, then the gradient's three, one more on each page
    differential = text[2 : 2 + reveals[0]]
    reasons = ["trace:", "inverse:", "expand:", "cyclic trace:", "identification:", "merge powers:"]
    for page, shown in zip(differential, range(1, len(reasons) + 1)):
        assert [r for r in reasons if r in page] == reasons[:shown]
    assert "The differential now has the form" not in differential[3]  # a sentence comes with its line
    assert "The differential now has the form" in differential[4]


def below_the_footline(pdf: Path) -> list[tuple[int, str]]:
    """Words (page, word) that reach the frame number's row: a frame's text ran off its bottom."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    word = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<')
    pages = [
        [(float(x), float(top), float(bottom), w) for x, top, bottom, w in word.findall(p)]
        for p in html.split("<page ")[1:]
    ]
    number = re.compile(r"[\d/]+")  # the frame number, "3/10" or "3", "/", "10", in the right corner
    corner = Counter(top for words in pages for x, top, _, w in words if number.fullmatch(w) and x > 400)
    footline = corner.most_common(1)[0][0]  # the row where every page has its number
    return [
        (page, w)
        for page, words in enumerate(pages, 1)
        for x, _, bottom, w in words
        if bottom > footline and not (number.fullmatch(w) and x > 400)
    ]


TIGHT = ["trace_inverse", "hessian_logsumexp", "power_bilinear", "hadamard_trace", "trace_inverse_sandwich"]
TIGHT += ["ml_gaussian_covariance_symmetric", "trace_generalized_ratio", "jacobian_softmax"]


@pytest.mark.parametrize("name", TIGHT)
def test_slides_typeset_without_overfull_boxes_or_frames(name, tmp_path, latex_tools):
    spec = every_method(load_spec(DERIVATIONS / f"{name}.yaml"))
    pdf, log = typeset(pipeline.render_tex(pipeline.run_spec(spec), "beamer"), tmp_path)
    assert "Output written" in log
    assert not [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]
    (tmp_path / "slides.pdf").write_bytes(pdf)
    assert not below_the_footline(tmp_path / "slides.pdf")
