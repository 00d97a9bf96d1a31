"""Project errors: each carries a position and owns its exit code; the CLI prints them once."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Characters that would break the one line of a message or drive the terminal: controls (CR, LF,
# ESC, BEL, …), format characters (bidirectional overrides, …) and line or paragraph separators.
UNPRINTABLE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def quote(value) -> str:
    """A user's value inside a message: ``'name'``, on one line, every control character escaped.

    ``repr`` escapes what is not printable (``\\r``, ``\\n``, ``\\x1b``); a message quoting a
    value through it cannot end its line, start another ``path:line:col:`` or drive the terminal.
    """
    return repr(str(value))


def quoted_tex(text) -> str:
    """LaTeX inside a message, as the author wrote it: ``'\\ln p'`` (``quote`` would double every
    backslash), on one line with every unprintable character escaped."""
    return f"'{one_line(str(text))}'"


def one_line(text: str) -> str:
    """``text`` with every unprintable character escaped as ``repr`` would (``\\n``, ``\\x1b``)."""
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in UNPRINTABLE else c for c in text)


@dataclass(frozen=True)
class Span:
    """A position in a file, 1-based (``path:line:col``)."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


def clipped(text: str, limit: int = 40) -> str:
    """A piece of an expression for a one-line message: at most ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class DerivtexError(Exception):
    """A user-facing error: printed as ``path:line:col: message``."""

    exit_code = 2

    def __init__(self, message: str, span: Span | None = None):
        super().__init__(message)
        self.message = message
        self.span = span

    def at(self, span: Span) -> DerivtexError:
        """Attach a position if the error has none yet (context added on the way up)."""
        if self.span is None:
            self.span = span
        return self

    def __str__(self) -> str:
        """One line, whatever the message and the path quote: control characters come out escaped."""
        return one_line(f"{self.span}: {self.message}" if self.span else self.message)


class SpecError(DerivtexError):
    """Bad input: the spec, an expression, or the command line (exit 2)."""

    exit_code = 2


class Unsupported(SpecError):
    """A construct the engine has no rule for yet: an honest refusal, never a guess (exit 2)."""


class CheckFailed(DerivtexError):
    """A numeric check failed: a false step, a false claim (exit 1)."""

    exit_code = 1


class CannotWrite(SpecError):
    """The file system refused: a read-only folder, a file where a folder should be, … (exit 2).

    ``path:1:1: cannot write here: read-only file system`` (the OSError's own reason)."""

    def __init__(self, error: OSError, path, action: str = "write"):
        reason = REASONS.get(type(error)) or (error.strerror or type(error).__name__).lower()
        super().__init__(f"cannot {action} here: {reason}", Span(str(path)))


REASONS = {
    FileExistsError: "a file or a link is in the way (not a folder)",
    IsADirectoryError: "it is a folder",
}


class Interrupted(DerivtexError):
    """Ctrl-C: the run was stopped, nothing half-written (exit 130, as a shell reports SIGINT)."""

    exit_code = 130

    def __init__(self):
        super().__init__("interrupted")


class LatexFailed(DerivtexError):
    """LaTeX could not typeset a document (exit 3); ``tex_line`` and ``log_lines`` locate it."""

    exit_code = 3

    def __init__(self, message: str, span: Span | None = None, tex_line: int | None = None, log_lines=()):
        super().__init__(message, span)
        self.tex_line, self.log_lines = tex_line, tuple(log_lines)

    def __str__(self) -> str:
        """The error's line, then the log's lines around it: each line escaped on its own."""
        text = f"{self.span}: {self.message}" if self.span else self.message
        return "\n".join(one_line(line) for line in text.split("\n"))
