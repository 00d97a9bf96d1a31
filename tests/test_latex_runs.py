"""How LaTeX runs (issue 17, items 2, 4 and 7): as few passes as the document needs, its
warnings surfaced at their lines, and no process left behind.

An article cites only its own thebibliography, whose numbers derivtex writes into the .aux
before the first pass: one pdflatex pass. Each PDF is compared byte for byte with latexmk's,
run here as derivtex ran it before (two passes and more, until its files settle): the
independent check that one pass was enough. Skipped without TeX, except under CI.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from helpers import DERIVATIONS, GOOD, ROOT, invoke

from gen import pipeline
from gen.errors import LatexFailed
from gen.render import pdf
from gen.render.appendix import extra_files, preview
from gen.render.latex_log import LatexWarning, asks_rerun, warnings_in

pytestmark = pytest.mark.usefixtures("latex_tools")
SPECS = ["det", "cholesky_trace", "bilinear_form"]


class Recorded(subprocess.Popen):
    """A Popen that remembers every process it started (``started``), for the tests to inspect."""

    started: list[Recorded] = []

    def __init__(self, args, *rest, **options):
        super().__init__(args, *rest, **options)
        Recorded.started.append(self)


@pytest.fixture
def started(monkeypatch):
    """The processes started while typesetting, in order (each a Recorded Popen)."""
    Recorded.started = []
    monkeypatch.setattr(pdf.subprocess, "Popen", Recorded)
    yield Recorded.started
    for process in Recorded.started:  # whatever a test found, leave no TeX loop running
        if Path("/proc").exists() and alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)


def programs(processes) -> list[str]:
    return [Path(p.args[0]).name for p in processes if Path(p.args[0]).name in ("pdflatex", "latexmk")]


def latexmk_pdf(tex: str, files: dict[str, str] | None = None) -> bytes:
    """The PDF as derivtex made it before: latexmk, from an empty folder, in the same sandbox."""
    with tempfile.TemporaryDirectory() as scratch:
        for name, text in {**(files or {}), "document.tex": tex}.items():
            (Path(scratch) / name).write_text(text, encoding="utf-8")
        subprocess.run(
            [*pdf.LATEXMK, "document.tex"],
            cwd=scratch,
            env={**os.environ, **pdf.ENVIRONMENT},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=True,
        )
        return (Path(scratch) / "document.pdf").read_bytes()


def text_of(document: bytes, folder: Path) -> str:
    (folder / "x.pdf").write_bytes(document)
    return subprocess.run(["pdftotext", folder / "x.pdf", "-"], capture_output=True, text=True).stdout


def unresolved(text: str) -> bool:
    """Whether a PDF's text shows a reference LaTeX could not resolve: ``??`` or ``[?]``."""
    return "??" in text or "[?]" in text


@pytest.fixture(scope="module")
def outcomes():
    return [pipeline.run(DERIVATIONS / f"{name}.yaml") for name in SPECS]


@pytest.mark.parametrize("index", range(len(SPECS)))
def test_an_article_takes_one_pass_and_is_latexmks_pdf(outcomes, index, started, tmp_path):
    tex = pipeline.render_tex(outcomes[index])
    assert "\\cite{" in tex  # the catalog's articles cite their sources
    document = pdf.typeset(tex, tmp_path)
    assert programs(started) == ["pdflatex"]
    assert document.pdf == latexmk_pdf(tex)
    assert not unresolved(text_of(document.pdf, tmp_path)) and "[1]" in text_of(document.pdf, tmp_path)


@pytest.mark.parametrize("template", ["notes", "beamer"])
def test_notes_and_slides_take_the_passes_they_need(outcomes, template, started, tmp_path):
    # the notes: a table of contents, links to the rules; the slides: beamer's navigation files
    notes = template == "notes"
    tex = pipeline.render_notes(outcomes) if notes else pipeline.render_tex(outcomes[0], template)
    document = pdf.typeset(tex, tmp_path)
    assert set(programs(started)) == {"pdflatex"} and 2 <= len(started) < pdf.MAX_PASSES
    assert document.pdf == latexmk_pdf(tex)
    assert not unresolved(text_of(document.pdf, tmp_path))


def test_a_document_that_needs_bibtex_goes_to_latexmk(outcomes, started, tmp_path):
    snippet = pipeline.render_tex(outcomes[0], "appendix")
    files = {"snippet.tex": snippet, **extra_files()}
    document = pdf.typeset(preview(), tmp_path, files)
    assert programs(started) == ["latexmk"]
    assert document.pdf == latexmk_pdf(preview(), files)
    assert not unresolved(text_of(document.pdf, tmp_path))


# A comment in the bibliography misleads known_aux's count: "a" is [1] in the PDF, 2 in the seed
MISLED = r"""\documentclass{article}
\begin{document}
See \cite{a}, \cite{b} and \cite{c=d}.
\begin{thebibliography}{9}
% \bibitem{old} a reference taken out
\bibitem{a} First.
\bibitem[Opt]{b} Second.
\bibitem{c=d} Third.
\end{thebibliography}
\end{document}
"""


def test_known_aux_numbers_the_plain_bibitems_it_can_write():
    assert pdf.known_aux(MISLED).splitlines() == ["\\relax", "\\bibcite{old}{1}", "\\bibcite{a}{2}"]


def test_a_wrong_seed_costs_a_pass_never_a_wrong_pdf(started, tmp_path):
    document = pdf.typeset(MISLED, tmp_path)
    assert programs(started) == ["pdflatex", "pdflatex"]
    assert document.pdf == latexmk_pdf(MISLED)
    assert "See [1], [Opt] and [2]." in text_of(document.pdf, tmp_path)


BROKEN = r"""\documentclass{article}
\begin{document}
See \ref{missing} and \cite{nobody}.%
\section{A}\label{a}
As said in Section~\ref{a} (page \pageref{later}).
\newpage
\section{B}\label{later}
\noindent\hbox to 1.5\textwidth{Wide}

\noindent\hbox to \dimexpr\textwidth+0.5pt{Barely}
\end{document}
"""


def test_a_reference_to_no_label_does_not_make_more_passes(started, tmp_path):
    # \ref{a} needs the second pass, \ref{missing} and \cite{nobody} none: they stay undefined
    document = pdf.typeset(BROKEN, tmp_path)
    assert programs(started) == ["pdflatex", "pdflatex"]
    assert "Section 1 (page 2)" in text_of(document.pdf, tmp_path).replace("\n", " ")


def test_warnings_are_at_their_lines_and_small_overfull_boxes_are_not(tmp_path):
    lines = BROKEN.splitlines()
    wide = next(i for i, line in enumerate(lines, 1) if "{Wide}" in line)
    *undefined, overfull = pdf.typeset(BROKEN, tmp_path).warnings()  # not the box 0.5pt too wide
    assert undefined == [
        LatexWarning(3, "Reference `missing' on page 1 undefined"),
        LatexWarning(3, "Citation `nobody' on page 1 undefined"),
    ]
    too_wide = 0.5 * 345  # pt: article's \textwidth at 10pt on letter paper
    assert overfull.line == wide
    where = f"in paragraph at lines {wide}--{wide + 1}"
    assert overfull.message == f"Overfull \\hbox ({too_wide:g}pt too wide) {where}"


def test_an_overfull_box_is_measured_as_tex_says():
    # TeX's own lines (pdfTeX 1.40, max_print_line unwrapped), a box's dump after each
    log = "\n".join(
        [
            "(./document.tex (./snippet.tex",
            r"Overfull \hbox (12.5pt too wide) in paragraph at lines 7--9",
            r"[]\T1/lmr/m/n/10.95 (Rerun) \hbox (99pt too wide) (./fake.tex",
            "",
            ")",
            r"Overfull \hbox (0.9pt too wide) detected at line 20",
            "[]",
            "",
            r"Overfull \vbox (3.25pt too high) has occurred while \output is active",
            r"\T1/lmr/m/n/10.95 []",
            "",
            "LaTeX Warning: Citation `k' on page 2 undefined on input line 21.",
            ")",
        ]
    )
    box = r"Overfull \hbox (12.5pt too wide) in paragraph at lines 7--9"
    assert warnings_in(log, "document.tex") == (
        LatexWarning(None, rf"{box} (in snippet.tex, line 7)"),
        LatexWarning(None, r"Overfull \vbox (3.25pt too high) has occurred while \output is active"),
        LatexWarning(21, "Citation `k' on page 2 undefined"),
    )
    assert not asks_rerun(log)  # "(Rerun)" is a box's contents, not a message


def test_the_build_prints_the_warnings_at_the_written_tex_and_exits_0(tmp_path):
    spec = tmp_path / "wide.yaml"
    spec.write_text("notes: '\\noindent\\hbox to 1.2\\textwidth{Too wide.}'\n" + GOOD, encoding="utf-8")
    result = invoke("build", "-o", tmp_path / "out", spec)
    assert result.exit_code == 0, result.stderr
    tex = tmp_path / "out" / "wide.tex"
    lines = tex.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "Too wide" in text)
    (warning,) = result.stderr.splitlines()
    assert warning.startswith(f"{tex}:{line}: LaTeX warning: Overfull \\hbox (")
    assert (tmp_path / "out" / "wide.pdf").exists()


LOOP = "\\documentclass{article}\n\\begin{document}\n\\def\\a{\\a}\\a\n\\end{document}\n"
WITH_BIBTEX = LOOP.replace("\\begin{document}", "\\begin{document}\\bibliography{x}")  # runs under latexmk


def processes() -> list[tuple[int, str, str, int, int]]:
    """Every process but the zombies: ``(pid, command, state, parent, group)`` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # it ended while we looked
            continue
        command = text.split("(", 1)[1].rsplit(")", 1)[0]
        state, parent, group = text.rsplit(")", 1)[1].split()[:3]
        if state != "Z":
            found.append((int(stat.parent.name), command, state, int(parent), int(group)))
    return found


def alive(group: int) -> list[str]:
    """The processes of process group ``group`` that are not zombies: ``pid command`` each."""
    return [f"{pid} {command}" for pid, command, _, _, in_group in processes() if in_group == group]


def ended(groups: list[int]) -> bool:
    """Whether every process of these groups has ended (SIGKILL is delivered, not awaited: 10 s at most)."""
    for _ in range(1000):
        if not any(alive(g) for g in groups):
            return True
        time.sleep(0.01)
    return False


def pdflatex_started(process: Recorded) -> None:
    """Wait until a pdflatex runs in ``process``'s group (latexmk starts it; 60 s at most)."""
    for _ in range(6000):
        if any("pdflatex" in p for p in alive(process.pid)):
            return
        time.sleep(0.01)
    pytest.fail("no pdflatex started")


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups in /proc")


@needs_proc
@pytest.mark.parametrize("tex", [LOOP, WITH_BIBTEX], ids=["pdflatex", "latexmk"])
def test_a_tex_loop_times_out_and_leaves_no_process(tex, started, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "TIMEOUT", 2)
    with pytest.raises(LatexFailed, match=r"^typesetting took longer than 2 s$"):
        pdf.typeset(tex, tmp_path)
    assert started and ended([p.pid for p in started])


@needs_proc
@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_leaves_no_process(stop, started, monkeypatch, tmp_path):
    # Ctrl-C is KeyboardInterrupt; a worker turns SIGTERM into SystemExit: both while latexmk's
    # pdflatex loops
    waited = Recorded.wait

    def interrupted(self, timeout=None):
        if not getattr(self, "stopped", False):
            self.stopped = True
            pdflatex_started(self)
            raise stop
        return waited(self, timeout)

    monkeypatch.setattr(Recorded, "wait", interrupted)
    with pytest.raises(stop):
        pdf.typeset(WITH_BIBTEX, tmp_path)
    assert programs(started) == ["latexmk"] and ended([p.pid for p in started])


def started_by(ancestor: int) -> int:
    """The process group of a pdflatex that process ``ancestor`` starts, directly or through its
    workers and latexmk (waited for: 120 s at most)."""
    for _ in range(12000):
        found = processes()
        parents = {pid: parent for pid, _, _, parent, _ in found}
        groups = [
            g for pid, command, _, _, g in found if command == "pdflatex" and descends(pid, ancestor, parents)
        ]
        if groups:
            return groups[0]
        time.sleep(0.01)
    pytest.fail("no pdflatex started")


def descends(pid: int, ancestor: int, parents: dict[int, int]) -> bool:
    seen = set()
    while pid in parents and pid not in seen:
        seen.add(pid)
        pid = parents[pid]
        if pid == ancestor:
            return True
    return False


@needs_proc
def test_sigterm_to_derivtex_during_latex_leaves_no_process(tmp_path):
    # the hostile case of issue 17: a TeX loop in `notes`, and derivtex ended by SIGTERM
    spec = tmp_path / "loop.yaml"
    spec.write_text("notes: '\\def\\a{\\a}\\a'\n" + GOOD, encoding="utf-8")
    build = [sys.executable, "-c", "from gen.cli import main; main()", "build", spec, "-o", tmp_path / "out"]
    derivtex = subprocess.Popen(build, env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE)
    group = None
    try:
        group = started_by(derivtex.pid)
        derivtex.send_signal(signal.SIGTERM)
        derivtex.wait(timeout=60)
        gone = ended([group])
    finally:
        derivtex.kill()
        derivtex.communicate()
        if group is not None:  # whatever the test found, leave no loop running
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
    assert derivtex.returncode == 128 + signal.SIGTERM
    assert gone
