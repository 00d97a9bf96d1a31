"""The one place that runs LaTeX: latexmk in a scratch folder, without shell escape."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import LatexFailed

LATEXMK = [
    "latexmk",
    "-pdf",
    "-no-shell-escape",
    "-interaction=nonstopmode",
    "-halt-on-error",
    "-file-line-error",
]
TIMEOUT = 180  # seconds
# TeX may read and write only inside the scratch folder; dates are fixed for reproducible PDFs.
ENVIRONMENT = {"openout_any": "p", "openin_any": "p", "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}


def have_latex() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def typeset(
    tex: str, name: str, scratch_root: Path, files: dict[str, str] | None = None
) -> tuple[bytes, str]:
    """Typeset LaTeX source (``files``: others it reads, by name); return the PDF's bytes and LaTeX's log."""
    scratch_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch_root) as scratch:
        for other, text in (files or {}).items():
            (Path(scratch) / other).write_text(text, encoding="utf-8")
        source = Path(scratch) / f"{name}.tex"
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
        if not pdf.exists() or "! " in error_lines(log):
            raise LatexFailed(f"LaTeX failed: {error_lines(log) or 'no log'}")
        return pdf.read_bytes(), log


def error_lines(log: str) -> str:
    """The first error of a LaTeX log, on one line."""
    for i, line in enumerate(log.splitlines()):
        if line.startswith("!") or re.match(r"^[^:\s]+\.tex:\d+: ", line):
            context = log.splitlines()[i : i + 3]
            return " | ".join(part.strip() for part in context if part.strip())
    return ""


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = current_umask()


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``path`` through a temporary file and a rename, so no half-written file is ever seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp's 0600 would hide the result from other users
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
