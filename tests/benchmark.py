"""Benchmark (not a test): how long the CLI takes to start, hostile input to be refused, and each
spec to derive and verify. (The tests bound the work done on hostile input deterministically.)

Run with ``make bench``. Prints one line per measurement, slowest specs last.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

DERIVATIONS = Path(__file__).resolve().parent.parent / "derivations"


def best_of(runs: int, action) -> float:
    """The fastest of ``runs`` timings of ``action()``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def alias_bomb() -> str:
    """9**19 "lol"s, were the aliases expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijklmnopqrst"
    return "\n".join(lines + [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip(names, names[1:])])


SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: FUNCTION\nwrt: X\n"
HOSTILE = {
    "alias bomb refused": alias_bomb(),
    "1 MB expression refused": SPEC.replace("FUNCTION", "X + " * 262_144 + "X"),
    "4000 parentheses refused": SPEC.replace("FUNCTION", "(" * 4_000 + "X" + ")" * 4_000),
}


def refused(text: str) -> None:
    from gen.errors import SpecError
    from gen.pipeline import run_spec
    from gen.spec.keys import parse_spec

    try:
        run_spec(parse_spec(text, "hostile.yaml"))
    except SpecError:
        return
    raise AssertionError("hostile input was not refused")


def main() -> None:
    derivtex = str(Path(sys.executable).parent / "derivtex")
    help_time = best_of(5, lambda: subprocess.run([derivtex, "--help"], capture_output=True, check=True))
    print(f"derivtex --help                     {help_time * 1000:7.0f} ms")

    for name, text in HOSTILE.items():
        print(f"{name:<35} {best_of(3, lambda text=text: refused(text)) * 1000:7.0f} ms")

    from gen.engine.derive import derive
    from gen.spec.keys import load_spec
    from gen.verify.checks import verify

    timings = []
    for path in sorted(DERIVATIONS.glob("*.yaml")):  # the first run of each: what a user waits for
        start = time.perf_counter()
        derivation = derive(load_spec(path))
        derived = time.perf_counter()
        verify(derivation)
        done = time.perf_counter()
        timings.append((done - start, path.name, derived - start, done - derived))
    total = sum(t[0] for t in timings)
    print(f"{len(timings)} specs, derive + verify      {total:7.2f} s in all")
    for _, name, derive_time, verify_time in sorted(timings)[-5:]:
        print(f"  {name:<34} derive {derive_time * 1000:5.0f} ms, verify {verify_time * 1000:5.0f} ms")


if __name__ == "__main__":
    main()
