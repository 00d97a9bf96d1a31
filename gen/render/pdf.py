"""The one place that runs LaTeX: pdflatex (latexmk for bibtex) in a scratch folder, no shell escape."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from ..errors import CannotWrite, LatexFailed
from .latex_log import LatexWarning, asks_rerun, first_error, labels_settled, warnings_in

# One pdflatex pass per document when it is final (see ``settle``); latexmk when bibtex is needed.
TEX_OPTIONS = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
PDFLATEX = ["pdflatex", *TEX_OPTIONS]
LATEXMK = ["latexmk", "-pdf", *TEX_OPTIONS]
TIMEOUT = 180  # seconds for all of a document's passes
MAX_PASSES = 5  # as latexmk: a document whose references never settle stops there
GRACE = 1.0  # seconds between SIGTERM and SIGKILL to a LaTeX run's process group
JOB = "document"
# TeX may read and write only inside the scratch folder; dates are fixed for reproducible PDFs; the
# log is not wrapped, so that latex_log reads one message a line.
ENVIRONMENT = {
    "openout_any": "p",
    "openin_any": "p",
    "SOURCE_DATE_EPOCH": "0",
    "FORCE_SOURCE_DATE": "1",
    "max_print_line": "100000",
}
BIBTEX = re.compile(r"\\bibliography\s*\{")  # a document that asks bibtex for its references
BIBDATA = "\\bibdata{"  # …and what its .aux says then, if the \bibliography was in another file
OUTPUTS = (".log", ".pdf")


def have_latex() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


class Typeset(NamedTuple):
    """A typeset document: the PDF's bytes and LaTeX's log (its last pass)."""

    pdf: bytes
    log: str

    def warnings(self, source: str = f"{JOB}.tex") -> tuple[LatexWarning, ...]:
        """Its overfull boxes and undefined references, at their lines in ``source``."""
        return warnings_in(self.log, source)


def typeset(tex: str, scratch_root: Path, files: dict[str, str] | None = None) -> Typeset:
    """Typeset LaTeX source (``files``: others it reads, by name); return the PDF's bytes and LaTeX's log.

    The job has a fixed name: a spec's file name (``$(cmd).yaml``, ``-pdflatex=cmd.yaml``)
    never reaches the command line, nor the shell that latexmk starts LaTeX through.
    """
    try:
        scratch_root.mkdir(parents=True, exist_ok=True)
        scratch_folder = tempfile.TemporaryDirectory(dir=scratch_root)
    except OSError as error:
        raise CannotWrite(error, scratch_root) from None
    with scratch_folder as scratch:
        folder = Path(scratch)
        for other, text in (files or {}).items():
            (folder / other).write_text(text, encoding="utf-8")
        source = folder / f"{JOB}.tex"
        source.write_text(tex, encoding="utf-8")
        deadline = time.monotonic() + TIMEOUT
        if BIBTEX.search(tex):
            log = run_latexmk(folder, deadline)
        else:
            source.with_suffix(".aux").write_text(known_aux(tex), encoding="utf-8")
            log = settle(folder, {source.name, *(files or {})}, deadline)
        line, excerpt = first_error(log)
        pdf = source.with_suffix(".pdf")
        if excerpt or not pdf.exists():
            message = excerpt[0] if excerpt else "no PDF and no error in the log"
            raise LatexFailed(f"LaTeX failed: {message}", tex_line=line, log_lines=excerpt[1:])
        return Typeset(pdf.read_bytes(), log)


# \bibitem{key} in a thebibliography: LaTeX numbers them 1, 2, … in each (\bibitem[label]{key} not)
BIBITEM = re.compile(r"\\begin\{thebibliography\}|\\bibitem\{([^{}]*)\}")
KEY = re.compile(r"[A-Za-z0-9:._+/-]+")  # a key written into the .aux as it is (no %, #, \ to misread)


def known_aux(tex: str) -> str:
    """The ``.aux`` lines derivtex knows before LaTeX runs: the citations' numbers.

    So a document whose only cross-references are citations of its own thebibliography is final
    after one pass; ``settle`` checks that the numbers were right, never trusts them.
    """
    lines, number = ["\\relax"], 0
    for match in BIBITEM.finditer(tex):
        key = match.group(1)
        number = 0 if key is None else number + 1
        if key is not None and KEY.fullmatch(key):
            lines.append(f"\\bibcite{{{key}}}{{{number}}}")
    return "\n".join(lines) + "\n"


def settle(folder: Path, inputs: set[str], deadline: float) -> str:
    """Run pdflatex until a pass is final (``final``), at most ``MAX_PASSES``; the last log.

    A document that turns out to need bibtex (``\\bibdata`` in its ``.aux``) goes to latexmk.
    """
    aux = folder / f"{JOB}.aux"
    for _ in range(MAX_PASSES):
        before = auxiliary(folder, inputs)
        run([*PDFLATEX, f"{JOB}.tex"], folder, deadline)
        log = read_log(folder)
        if first_error(log)[1]:
            return log
        if BIBDATA in aux.read_text(encoding="utf-8", errors="replace"):
            return run_latexmk(folder, deadline)
        if final(before, auxiliary(folder, inputs), log):
            return log
    return log


def final(before: dict[str, bytes], after: dict[str, bytes], log: str) -> bool:
    """Whether a pass's PDF is final: no package asked for another pass, the labels it read were
    the ones it wrote (``labels_settled``), and every other auxiliary file (.toc, .out, .nav, …)
    is as it read it (none: as if empty)."""
    aux = f"{JOB}.aux"
    read, written = (files.get(aux, b"").decode("utf-8", "replace") for files in (before, after))
    others = (before.keys() | after.keys()) - {aux}
    return (
        not asks_rerun(log)
        and labels_settled(read, written, log)
        and all(before.get(name, b"") == after.get(name, b"") for name in others)
    )


def auxiliary(folder: Path, inputs: set[str]) -> dict[str, bytes]:
    """The files LaTeX wrote to read at its next pass: all but the inputs, the log and the PDF."""
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name not in inputs and path.suffix not in OUTPUTS
    }


def read_log(folder: Path) -> str:
    log = folder / f"{JOB}.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


def run_latexmk(folder: Path, deadline: float) -> str:
    """latexmk's passes (pdflatex, bibtex, pdflatex, …) for a document that needs bibtex."""
    run([*LATEXMK, f"{JOB}.tex"], folder, deadline)
    return read_log(folder)


def run(command: list[str], folder: Path, deadline: float) -> None:
    """Run ``command`` in ``folder`` in a process group of its own, until ``deadline`` at most.

    On a timeout, Ctrl-C (KeyboardInterrupt) or SIGTERM (SystemExit: ``stopping_as_exit``), the
    whole group is ended, so no pdflatex, latexmk's included, outlives the build.
    """
    with stopping_as_exit():
        process = subprocess.Popen(
            command,
            cwd=folder,
            env={**os.environ, **ENVIRONMENT},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        finished = False
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0))
            finished = True
        except subprocess.TimeoutExpired:
            raise LatexFailed(f"typesetting took longer than {TIMEOUT:g} s") from None
        finally:
            if not finished:
                end_group(process)


STOPPING = (signal.SIGTERM, signal.SIGHUP)  # what ends derivtex unless something handles it


@contextmanager
def stopping_as_exit():
    """While LaTeX runs, SIGTERM and SIGHUP raise SystemExit (exit 128 + the signal) where nothing
    else handles them, so that ``run`` ends LaTeX's process group before derivtex ends; a handler
    already set (a worker's) is kept. Only the main thread receives signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in STOPPING}
    for number, handler in previous.items():
        if handler == signal.SIG_DFL:
            signal.signal(number, exit_on_signal)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def exit_on_signal(number: int, _frame) -> None:
    raise SystemExit(128 + number)


def end_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process group that ``process`` leads, then SIGKILL to what is left.

    The leader is reaped only at the end: until then its id names the group and no other.
    """
    for number in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, number)
        except ProcessLookupError:  # the group is empty
            break
        if number == signal.SIGTERM:
            wait_unreaped(process, GRACE)
    process.wait()


def wait_unreaped(process: subprocess.Popen, seconds: float) -> None:
    """Wait up to ``seconds`` for ``process`` to exit, without reaping it."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        try:
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                return
        except ChildProcessError:  # reaped already
            return
        time.sleep(0.01)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = current_umask()


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``path`` through a temporary file and a rename, so no half-written file is ever seen.

    A file-system refusal is ``CannotWrite`` at the folder (or at the file, if the rename failed);
    the temporary file is removed.
    """
    tmp = temporary(path, data.encode("utf-8") if isinstance(data, str) else data)
    try:
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise CannotWrite(error, path) from None
        raise


def temporary(path: Path, data: bytes) -> str:
    """A temporary file beside ``path`` holding ``data``, readable as a file written normally."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise CannotWrite(error, path.parent) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp's 0600 would hide the result from other users
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise CannotWrite(error, path) from None
        raise
    return tmp
