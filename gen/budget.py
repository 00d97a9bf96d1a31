"""The time budget of a derivation, in any thread: ``within(20, span, work)`` runs ``work(stage)``.

A timer thread raises ``_OutOfTime`` in the budgeted thread, between two of its Python bytecodes
(``PyThreadState_SetAsyncExc``), as SIGALRM would; but SIGALRM reaches only the main thread, and
a notebook's kernel or a worker thread is not it. An exception raised that way can land anywhere:

- in a finalizer or a weakref callback, which swallows it: the timer raises it again, every
  ``AGAIN`` seconds, until the block ends (and the one swallowed is not reported);
- in C code running Python code, which may turn it into another error (a ``SystemError``): once
  the timer has rung, whatever the block raises is the time budget's error;
- in an import, which would leave a module half-initialised (numpy's C extension cannot be loaded
  twice in a process, so every later spec would fail): the timer never rings while the thread is
  importing, but ``AGAIN`` seconds after the import ends;
- in the code that ends the block, a ring that came while an earlier one unwound (freeing a
  large expression may take longer than ``AGAIN``): the block is a function run in the frame that
  catches the budget's exceptions, never a ``with`` block whose ``__exit__`` runs outside it.

The budget leaves signals alone (no SIGALRM, no ``setitimer``): an outer timer, pytest-timeout's,
still fires. The work may run in stages, each named in the error: ``work`` is given the ``Stage``
and calls ``stage.enter("deriving and checking", span)``.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from .errors import Span, SpecError

AGAIN = 0.01  # seconds between two rings, until the block ends


class _OutOfTime(BaseException):
    """Raised by the timer; a BaseException, so that no ``except Exception`` on the way swallows it."""


T = TypeVar("T")
DERIVING = "deriving and checking"  # the stage a budget is in unless told otherwise


class Stage:
    """The stage a budgeted block is in, for its error: what it does and where (the one mutable
    object here: the block moves it on, ``enter``, and the error reads it)."""

    def __init__(self, what: str, span: Span):
        self.what, self.span = what, span

    def enter(self, what: str, span: Span) -> None:
        self.what, self.span = what, span


def within(
    seconds: float | None,
    span: Span,
    work: Callable[[Stage], T],
    hint: str = "--timeout",
    stage: str = DERIVING,
) -> T:
    """``work(stage)``, stopped with a spec error after ``seconds`` (None or 0: no limit) saying which
    stage ran out, at its span (``stage`` at ``span`` first; the work may move on: ``Stage.enter``);
    the error says to see ``hint``, what sets the budget."""
    now = Stage(stage, span)
    if seconds is None or not seconds > 0:
        return work(now)
    quiet_unraisable()
    alarm = _Alarm(min(seconds, threading.TIMEOUT_MAX), threading.get_ident())
    try:
        try:
            alarm.start()  # (it may ring before start returns)
            return work(now)
        finally:
            alarm.silence()
    except (Exception, _OutOfTime):
        alarm.silence()  # again, had the exception arrived in the first call (the next is AGAIN s away)
        if not alarm.rung:
            raise
        message = f"{now.what} took longer than {seconds:g} s, the time budget (see {hint})"
        raise SpecError(message, now.span) from None


class _Alarm(threading.Thread):
    """Raises ``_OutOfTime`` in a thread after ``seconds``, then every ``AGAIN`` seconds, until
    silenced (a lock orders the two, so that no exception arrives after the block)."""

    def __init__(self, seconds: float, thread_id: int):
        super().__init__(name="derivtex time budget", daemon=True)
        self.seconds, self.thread_id = seconds, thread_id
        self.lock, self.done, self.rung = threading.Lock(), threading.Event(), False

    def run(self) -> None:
        delay = self.seconds
        while not self.done.wait(delay):
            with self.lock:
                if self.done.is_set():
                    return
                if not importing(self.thread_id):
                    self.rung = True
                    raise_in_thread(self.thread_id, _OutOfTime)
            delay = AGAIN

    def silence(self) -> None:
        with self.lock:
            self.done.set()
            raise_in_thread(self.thread_id, None)  # withdraws one raised but not yet delivered


IMPORT_MACHINERY = frozenset(("importlib._bootstrap", "importlib._bootstrap_external"))


def importing(thread_id: int) -> bool:
    """Whether the thread is running an import (a frame of importlib's machinery on its stack)."""
    frame = sys._current_frames().get(thread_id)
    while frame is not None:
        if frame.f_globals.get("__name__") in IMPORT_MACHINERY:
            return True
        frame = frame.f_back
    return False


def raise_in_thread(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in the thread at its next bytecode (None: withdraw a pending one)."""
    exception = ctypes.py_object(exception) if exception else None  # None: C's NULL
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), exception)


def quiet_unraisable() -> None:
    """Let ``sys.unraisablehook`` (pytest's, a notebook's) pass over an ``_OutOfTime`` that a
    finalizer swallowed: the timer rings again, and the block's error reports it."""
    if getattr(sys.unraisablehook, "passes_over_out_of_time", False):
        return
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, _OutOfTime):
            previous(unraisable)

    hook.passes_over_out_of_time = True
    sys.unraisablehook = hook
