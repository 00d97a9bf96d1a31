"""Appendix snippets: a body to \\input into a paper, labels that never clash, derivtex.sty beside it."""

import re
import subprocess
from pathlib import Path

import pytest
from helpers import commands, invoke

from gen import pipeline
from gen.render.appendix import render_package
from gen.render.bibliography import bibtex
from gen.render.pdf import typeset

DERIVATIONS = Path(__file__).parent.parent / "derivations"
FIRST, SECOND = DERIVATIONS / "trace_inverse.yaml", DERIVATIONS / "hessian_logsumexp.yaml"
# A paper with its own preamble: hyperref, its own proposition numbering and its own \why.
PAPER = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsthm}
\newcommand{\why}{the paper's own why}
\usepackage{derivtex}
\newtheorem{proposition}{Proposition}[section]
\usepackage{hyperref}
\begin{document}
\section{Results}
The gradient is in Proposition~\ref{prop:derivtex:trace-inverse} of Appendix~\ref{derivtex:trace-inverse},
the Hessian in Proposition~\ref{prop:derivtex:hessian-logsumexp}; and \why.
\appendix
\input{first}
\input{second}
\bibliographystyle{plain}
\bibliography{derivtex}
\end{document}
"""


@pytest.fixture(scope="module")
def snippets():
    return [pipeline.render_tex(pipeline.run(path), "appendix") for path in (FIRST, SECOND)]


def test_a_snippet_is_a_body_without_preamble(snippets):
    for snippet in snippets:
        assert snippet.startswith("% ") and "\\usepackage{derivtex}" in snippet.splitlines()[0]
        snippet = "\n".join(line for line in snippet.splitlines() if not line.startswith("%"))
        for preamble in (
            "\\documentclass",
            "\\usepackage",
            "\\begin{document}",
            "\\newcommand",
            "\\newtheorem",
        ):
            assert preamble not in snippet
        assert snippet.count("\\begin{derivtex}") == snippet.count("\\end{derivtex}") == 1
        assert snippet.count("\\section{") == 1 and "\\subsection{" not in snippet
        assert snippet.count("\\begin{proposition}") == 1


def test_labels_are_prefixed_per_spec_and_never_clash(snippets):
    first, second = (commands(s, "label") for s in snippets)
    assert first == ["derivtex:trace-inverse", "prop:derivtex:trace-inverse"]
    assert second == ["derivtex:hessian-logsumexp", "prop:derivtex:hessian-logsumexp"]


def test_the_section_level_is_configurable():
    snippet = pipeline.render_tex(pipeline.run(FIRST), "appendix", section_level="subsection")
    assert snippet.count("\\subsection{") == 1 and "\\section{" not in snippet


def test_the_package_defines_what_the_snippets_use_under_private_names(snippets):
    package = render_package()
    assert package.startswith("% derivtex.sty") and "\\ProvidesPackage{derivtex}" in package
    defined = set(re.findall(r"\\newcommand\{\\derivtex(\w+)\}", package))
    macros = "why|whybelow|whylast|measure|fitwhy|falsestep"
    used = {name for s in snippets for name in re.findall(rf"\\({macros})\b", s)}
    internal = {"whyrow", "whylastrow"}  # what \whybelow and \whylast call
    assert used <= defined == {"why", "whybelow", "whylast", "measure", "fitwhy", "falsestep"} | internal
    assert not re.search(rf"\\newcommand\{{\\({macros}|whyrow|whylastrow)\}}", package)  # only \let, locally


def test_build_writes_snippets_and_the_package_beside_them(tmp_path):
    result = invoke(
        "build",
        "--template",
        "appendix",
        "--section-level",
        "subsection",
        "--to",
        "tex",
        "-o",
        tmp_path,
        FIRST,
    )
    assert result.exit_code == 0, result.stderr
    files = [".build", "derivtex.bib", "derivtex.sty", "trace_inverse.tex"]  # .build: the cache
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    assert result.stdout.splitlines()[-2:] == [
        f"wrote {tmp_path / 'derivtex.sty'}",
        f"wrote {tmp_path / 'derivtex.bib'}",
    ]
    assert (tmp_path / "derivtex.bib").read_text(encoding="utf-8") == bibtex()
    assert (tmp_path / "derivtex.sty").read_text(encoding="utf-8") == render_package()
    assert "\\subsection{" in (tmp_path / "trace_inverse.tex").read_text(encoding="utf-8")


def test_section_level_is_only_for_the_appendix(tmp_path):
    result = invoke("build", "--section-level", "subsection", "--to", "tex", "-o", tmp_path, FIRST)
    assert result.exit_code == 2
    assert "--section-level is for --template appendix" in result.stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_a_paper_inputs_two_snippets_without_errors_clashes_or_overfull_boxes(
    snippets, tmp_path, latex_tools
):
    files = {"first.tex": snippets[0], "second.tex": snippets[1], "derivtex.sty": render_package()}
    files["derivtex.bib"] = bibtex()
    pdf, log = typeset(PAPER, tmp_path, files)
    assert "Output written" in log
    assert not [line for line in log.splitlines() if line.startswith(("Overfull \\hbox", "Overfull \\vbox"))]
    for broken in ("undefined", "multiply defined", "same identifier", "has been referenced but does not"):
        assert broken not in log
    (tmp_path / "paper.pdf").write_bytes(pdf)
    words = subprocess.run(
        ["pdftotext", str(tmp_path / "paper.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(words.split())
    assert "Proposition A.1 of Appendix A" in words  # the paper's numbering, the references resolved
    assert "Proposition B.1" in words and "the paper’s own why." in words
    assert "Proof by differentials" in words and "has the wrong sign" in words
    cookbook = re.search(r"\[(\d+)\] K\. B\. Petersen and M\. S\. Pedersen\. The Matrix Cookbook\.", words)
    assert cookbook, words  # listed, and cited by its bundled key, resolved:
    assert f"Source: [{cookbook[1]}, §2.5.4 (traces with inverses)]" in words
