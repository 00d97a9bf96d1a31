"""What LaTeX's log and auxiliary file say: the first error, the warnings worth reading, and
whether a pass's output is final.

The log is read unwrapped (pdf.py sets ``max_print_line``), one message a line. The contents of
a box that TeX dumps after an overfull or underfull box warning (a title of any characters,
parentheses included) are skipped, so nothing a document prints is taken for a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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


BOX = re.compile(r"^(?:Overfull|Underfull) \\[hv]box ")  # its contents follow, up to an empty line
# "(./snippet.tex" opens a file, "(Font)" a parenthesis that opens none; ")" closes the last opened
PARENTHESIS = re.compile(r"\((\.?/[^\s(){}]+)?|\)")


def messages(log: str) -> Iterator[tuple[str | None, str]]:
    """Each line of the log, but a box's dumped contents, with the file TeX was reading then.

    The file is the innermost one opened by ``(./name`` and not yet closed by ``)`` (``None``
    before the first); a parenthesis that opens no file, ``(Font)``, is matched too.
    """
    files: list[str | None] = []
    in_box = False
    for text in log.splitlines():
        if in_box:
            in_box = bool(text.strip())
            continue
        yield next((f for f in reversed(files) if f), None), text
        in_box = bool(BOX.match(text))
        for match in PARENTHESIS.finditer(text):
            if match.group(0) != ")":
                files.append(match.group(1) and match.group(1).removeprefix("./"))
            elif files:
                files.pop()


@dataclass(frozen=True)
class LatexWarning:
    """A warning worth a reader's time, at its line of the typeset source (None: elsewhere)."""

    line: int | None
    message: str

    def at(self, path) -> str:
        """``out/x.tex:40: LaTeX warning: Overfull \\hbox (3.2pt too wide) in paragraph at lines 40--41``."""
        where = f"{path}:{self.line}" if self.line is not None else str(path)
        return f"{where}: LaTeX warning: {self.message}"


OVERFULL_PT = 1.0  # overfull boxes below this are invisible in print; TeX reports from 0.1pt (\hfuzz)
# TeX's "Overfull \hbox (12.3pt too wide) in paragraph at lines 40--41" (or "detected at line 55")
OVERFULL = re.compile(r"^Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)\)")
AT_LINE = re.compile(r" at lines? (\d+)")
# LaTeX's "LaTeX Warning: Reference `x' on page 1 undefined on input line 42." (hyperref: "Hyper reference")
UNDEFINED = re.compile(r"^LaTeX Warning: ((Hyper reference|Reference|Citation) `(.*)' on page \S+ undefined)")
INPUT_LINE = re.compile(r" on input line (\d+)\.$")


def warnings_in(log: str, source: str) -> tuple[LatexWarning, ...]:
    """The overfull boxes (above ``OVERFULL_PT``) and undefined references or citations in ``log``.

    Each is placed at its line when TeX was reading ``source`` (the file's name in the scratch
    folder); one from another file (a bibliography's ``.bbl``) names that file and line instead.
    """
    found = []
    for file, text in messages(log):
        if (box := OVERFULL.match(text)) and float(box.group(1)) > OVERFULL_PT:
            number = AT_LINE.search(text)
            message, line = text.strip(), int(number.group(1)) if number else None
        elif undefined := UNDEFINED.match(text):
            number = INPUT_LINE.search(text)
            message, line = undefined.group(1), int(number.group(1)) if number else None
        else:
            continue
        if file == source or line is None:
            found.append(LatexWarning(line, message))
        else:
            found.append(LatexWarning(None, f"{message} (in {file}, line {line})"))
    return tuple(dict.fromkeys(found))


# What a pass asks of the next one. LaTeX's "Label(s) may have changed" compares every label it
# read with what it wrote, a label it did not read included: labels_settled says more exactly when
# that matters.
RERUN = re.compile(r"\bRerun (?:to|LaTeX)\b")  # "Rerun to get outlines right", "Rerun LaTeX."
LABELS_CHANGED = "LaTeX Warning: Label(s) may have changed. Rerun to get cross-references right."
LABEL = re.compile(r"^\\(newlabel|bibcite)\{([^{}]*)\}(.*)$", re.MULTILINE)
KIND = {"Reference": "newlabel", "Hyper reference": "newlabel", "Citation": "bibcite"}


def labels(aux: str) -> dict[tuple[str, str], str]:
    """The labels and citations an ``.aux`` defines: ``(newlabel|bibcite, key) → value``."""
    return {(kind, key): value for kind, key, value in LABEL.findall(aux)}


def asks_rerun(log: str) -> bool:
    """Whether a package or LaTeX asked for another pass (but for labels: see ``labels_settled``)."""
    return any(RERUN.search(text) and text.strip() != LABELS_CHANGED for _, text in messages(log))


def labels_settled(read: str, written: str, log: str) -> bool:
    """Whether the labels a pass used were final: each one it read has the value it wrote, and
    each reference it found undefined is still undefined (a typo, which no pass will resolve)."""
    before, after = labels(read), labels(written)
    undefined = {(KIND[m.group(2)], m.group(3)) for _, text in messages(log) if (m := UNDEFINED.match(text))}
    return all(after.get(key) == value for key, value in before.items()) and not undefined & after.keys()
