"""The one place that runs LaTeX: latexmk in a scratch folder, without shell escape."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import CannotWrite, LatexFailed

LATEXMK = [
    "latexmk",
    "-pdf",
    "-no-shell-escape",
    "-interaction=nonstopmode",
    "-halt-on-error",
    "-file-line-error",
]
TIMEOUT = 180  # seconds
JOB = "document"
# TeX may read and write only inside the scratch folder; dates are fixed for reproducible PDFs.
ENVIRONMENT = {"openout_any": "p", "openin_any": "p", "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}


def have_latex() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def typeset(tex: str, scratch_root: Path, files: dict[str, str] | None = None) -> tuple[bytes, str]:
    """Typeset LaTeX source (``files``: others it reads, by name); return the PDF's bytes and LaTeX's log.

    The job has a fixed name: a spec's file name (``$(cmd).yaml``, ``-pdflatex=cmd.yaml``)
    never reaches latexmk's command line, nor the shell that latexmk starts LaTeX through.
    """
    try:
        scratch_root.mkdir(parents=True, exist_ok=True)
        scratch_folder = tempfile.TemporaryDirectory(dir=scratch_root)
    except OSError as error:
        raise CannotWrite(error, scratch_root) from None
    with scratch_folder as scratch:
        for other, text in (files or {}).items():
            (Path(scratch) / other).write_text(text, encoding="utf-8")
        source = Path(scratch) / f"{JOB}.tex"
        source.write_text(tex, encoding="utf-8")
        try:
            subprocess.run(
                [*LATEXMK, source.name],
                cwd=scratch,
                env={**os.environ, **ENVIRONMENT},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise LatexFailed(f"LaTeX took longer than {TIMEOUT} s") from None
        log_path, pdf = source.with_suffix(".log"), source.with_suffix(".pdf")
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        line, excerpt = first_error(log)
        if excerpt or not pdf.exists():
            message = excerpt[0] if excerpt else "no PDF and no error in the log"
            raise LatexFailed(f"LaTeX failed: {message}", tex_line=line, log_lines=excerpt[1:])
        return pdf.read_bytes(), log


# "! Undefined control sequence.", "./document.tex:42: …"; never a line of a box's contents that LaTeX
# dumps in a warning and that happens to begin with "!" ("!$$7!$$…", a title of every character)
ERROR = re.compile(r"^(?:! |\S*\.tex:(\d+): ?)(.*)")
CONTEXT = re.compile(r"^l\.(\d+) ")  # TeX's "l.42 \badmacro": where in the source it stopped


def first_error(log: str) -> tuple[int | None, list[str]]:
    """The source line of the log's first error, its message, and TeX's context lines.

    ``./document.tex:42: Undefined control sequence.`` then ``l.42 \\foo`` →
    ``(42, ["Undefined control sequence.", "l.42 \\foo"])``.
    """
    lines = log.splitlines()
    for i, text in enumerate(lines):
        if match := ERROR.match(text):
            at = next((j for j in range(i + 1, min(i + 12, len(lines))) if CONTEXT.match(lines[j])), None)
            context = [] if at is None else [c.rstrip() for c in lines[at : at + 2] if c.strip()]
            number = match.group(1) or (at is not None and CONTEXT.match(lines[at]).group(1))
            return int(number) if number else None, [match.group(2).strip(), *context]
    return None, []


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
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise CannotWrite(error, path.parent) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp's 0600 would hide the result from other users
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise CannotWrite(error, path) from None
        raise
