"""The ``check`` command on .tex files: read, check, print, and the exit code."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from ..errors import SpecError
from .report import exit_code, json_report, text_report


def check_tex(paths, as_json: bool, strict: bool, report_errors) -> int:
    """Check each .tex file (``report_errors`` prints a file's bad input once: exit 2); then the
    report of the files read, and the exit code."""
    from .check import check_file

    results = []

    def check_one(path: Path):
        if path.suffix != ".tex":
            message = "check takes either specs or .tex files, not both (--json and --strict are for .tex)"
            raise SpecError(message)
        with np.errstate(all="ignore"):
            results.append(check_file(path, str(path)))

    worst = report_errors([Path(p) for p in paths], check_one)
    if results:
        click.echo(json_report(results) if as_json else text_report(results))
    return worst or exit_code(results, strict)
