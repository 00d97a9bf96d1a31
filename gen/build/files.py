"""A document's files written together: every one to a temporary first, then all renamed.

A file already there with the same bytes is left alone (its time stamp too), so a rebuild that
changes nothing writes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CannotWrite
from ..render.pdf import temporary


def unchanged(path: Path, data: bytes) -> bool:
    """``path`` is a regular file holding exactly ``data``."""
    try:
        return path.is_file() and not path.is_symlink() and path.read_bytes() == data
    except OSError:
        return False


def write_all(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``folder/NAME`` for each file whose bytes differ; return those written.

    Every temporary is written before the first rename: a refused write (a full disk, a
    read-only folder) replaces nothing. A refusal is ``CannotWrite`` at the file.
    """
    changed = {folder / name: data for name, data in files.items() if not unchanged(folder / name, data)}
    temporaries: dict[Path, str] = {}
    try:
        for path, data in changed.items():
            temporaries[path] = temporary(path, data)
        for path, tmp in temporaries.items():
            try:
                os.replace(tmp, path)
            except OSError as error:
                raise CannotWrite(error, path) from None
    finally:
        for tmp in temporaries.values():
            Path(tmp).unlink(missing_ok=True)
    return list(changed)
