"""The build cache: each spec's results under a key of everything they depend on.

An entry is JSON (never pickle: the folder is only as trusted as the output folder), named by
its key, holding its key, a checksum of its payload and the payload; the bytes of the files it
lists are objects named by their SHA-256. An entry or object that is unreadable, truncated,
foreign or altered is a miss: the spec is built again, and the entry rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from ..errors import CannotWrite
from .files import write_all

FORMAT = "derivtex-cache 1"  # changes when an entry's layout does
# what the results depend on besides derivtex's own files (their versions)
DEPENDENCIES = ("sympy", "numpy", "scipy", "jinja2", "markupsafe", "pyyaml")
SOURCES = (".py", ".j2", ".sty", ".bib", ".tex", ".json", ".yaml")
MAX_TEMPLATE_FILES = 1000  # a user's template folder hashed at most this far


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_of(*parts) -> str:
    """The key of JSON-able ``parts``, derivtex's version and sources included."""
    return digest(json.dumps([FORMAT, installation(), *parts], sort_keys=True).encode())


@lru_cache(maxsize=1)
def installation() -> str:
    """A digest of derivtex's source files and templates and of the versions of what it runs on.

    From a checkout, an edit of the engine is a new installation: every entry misses.
    """
    from .. import __version__

    parts = [__version__, *(version(name) for name in DEPENDENCIES)]
    for root in (Path(__file__).resolve().parents[1], templates_folder()):
        parts += [folder_digest(root, SOURCES)]
    return digest("\n".join(parts).encode())


def templates_folder() -> Path:
    """The built-in templates' folder, found as ``gen.render.templates`` finds it (without
    importing that module, which imports SymPy)."""
    try:
        spec = find_spec("gen.templates")
    except ModuleNotFoundError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parents[2] / "templates"


def version(name: str) -> str:
    try:
        return f"{name} {metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name} none"


def folder_digest(root: Path, suffixes: tuple[str, ...] | None = None, limit: int | None = None) -> str:
    """A digest of the files under ``root`` (those ending in ``suffixes``): their names and bytes."""
    hashed = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files[:limit]:
        if suffixes is None or path.suffix in suffixes:
            hashed.update(f"{path.relative_to(root)}\0".encode())
            hashed.update(digest(path.read_bytes()).encode())
    return hashed.hexdigest()


def spec_digest(path: Path) -> str | None:
    """The digest of a spec's bytes; None for what is not a regular file (a FIFO, a device): the
    worker reads it, under its time limit, and says what is wrong."""
    try:
        if not path.is_file() or os.stat(path).st_size > 64 * 2**20:
            return None
        return digest(path.read_bytes())
    except OSError:
        return None


@dataclass(frozen=True)
class Cache:
    """Entries and objects under ``root`` (OUTPUT/.build/cache); ``enabled`` False: every lookup misses."""

    root: Path
    enabled: bool = True

    def entry(self, key: str) -> dict | None:
        """The payload stored under ``key``, or None if absent or not to be trusted."""
        if not self.enabled:
            return None
        try:
            stored = json.loads((self.root / "entries" / f"{key}.json").read_text(encoding="utf-8"))
            payload = stored["payload"]
            if stored["format"] != FORMAT or stored["key"] != key or stored["checksum"] != checksum(payload):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return payload if isinstance(payload, dict) else None

    def blob(self, name: str) -> bytes | None:
        """The bytes of the object ``name`` (their digest), or None if absent or altered."""
        try:
            data = (self.root / "objects" / name).read_bytes()
        except (OSError, ValueError):
            return None
        return data if digest(data) == name else None

    def files(self, listed: dict) -> dict[str, bytes] | None:
        """The files an entry lists (name → digest), or None if any is missing or altered."""
        found = {name: self.blob(name_digest) for name, name_digest in listed.items()}
        return None if any(data is None for data in found.values()) else found

    def store(self, key: str, payload: dict, files: dict[str, bytes] = {}) -> dict:  # noqa: B006
        """Store ``payload`` (with ``files`` as objects, listed under ``"files"``); a cache that
        cannot be written is no error (the next build misses)."""
        payload = {**payload, "files": {name: digest(data) for name, data in files.items()}}
        entry = {"format": FORMAT, "key": key, "checksum": checksum(payload), "payload": payload}
        try:
            write_all(self.root / "objects", {digest(data): data for data in files.values()})
            write_all(self.root / "entries", {f"{key}.json": json.dumps(entry).encode()})
        except (OSError, CannotWrite):
            pass
        return payload


def checksum(payload) -> str:
    return digest(json.dumps(payload, sort_keys=True).encode())
