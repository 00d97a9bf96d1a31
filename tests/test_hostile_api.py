"""Hostile and careless use of the Python API and the pytest plugin (issue 14, items 5 and 6).

The API raises the CLI's errors (``SpecError``, positioned in the argument at fault), never a
library's exception, and keeps its time budget in any thread; the plugin collects only specs,
turns a malformed spec into one failing item, and derives each spec once.
"""

import threading

from gen import pipeline
from gen.errors import SpecError

SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)\nwrt: X\n"
SLOW = "tr(X^-1)*det(X)*logdet(X)"  # over a second to derive and check, thousands of times 0.001 s


def in_a_thread(work) -> dict:
    """What ``work()`` returned or raised, run in a new thread (as in a notebook's kernel)."""
    done = {}

    def target():
        try:
            done["value"] = work()
        except BaseException as error:  # handed to the test
            done["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return done


# --- the time budget, outside the main thread -------------------------------------------------


def test_the_cli_budget_stops_a_slow_derivation_in_any_thread(tmp_path):
    spec = tmp_path / "slow.yaml"
    spec.write_text(SPEC.replace("tr(X^-1)", SLOW), encoding="utf-8")
    done = in_a_thread(lambda: pipeline.run(spec, 0.001))
    message = "deriving and checking took longer than 0.001 s, the time budget (see --timeout)"
    assert isinstance(done.get("error"), SpecError), done
    assert str(done["error"]) == f"{spec}:3:11: {message}"
