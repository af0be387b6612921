"""Ctrl-C and SIGTERM held back across the few steps that must not be cut in two.

The CLI turns SIGINT and SIGTERM into an exception (`cli_process`), so that every `with`
block on the way up cleans up. But Python runs a signal handler wherever the main thread
happens to be (after any call returns), also between "a temporary file was created" and
"the `try` that removes it begins", or between a worker's fork and the pool's note of it:
raised there, the exception leaves a file behind, or workers that nobody ends. Such steps
run inside `deferred()`: a stop signal that comes meanwhile is recorded, and given to the
handler that was there when the block ends — by which time the step's cleanup is in place.

A handler's exception can also be lost after it is raised: C code that calls back into
Python and clears what it raises (NumPy looking up `__array_ufunc__` on an operand whose
`__getattr__` is Python code) swallows it silently. So the CLI's handler also `note()`s the
signal, and what must not happen after a stop — replacing an output (`export.outputs`),
reading on, waiting on workers — asks `check()` first, which raises `Interrupted` again.

Standard library only (layer 0): `export.outputs`, `distributed.pool` and the CLI use it.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator, List

#: The signals a user stops a command with.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

#: The stop signals `note()`d since `forget()`: the first one is what `check()` raises.
_noted: List[int] = []


class Interrupted(BaseException):
    """SIGINT or SIGTERM, raised in the main thread by the CLI's handler (a BaseException,
    like KeyboardInterrupt, so no `except Exception` on the way swallows it)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def note(signum: int) -> None:
    """Called by a handler that raises `Interrupted`: remembered in case the exception is
    swallowed on its way up."""
    _noted.append(signum)


def forget() -> None:
    """A command begins or ends: no stop pending."""
    _noted.clear()


def check() -> None:
    """Raise `Interrupted` if a stop signal was noted (its exception lost, or this is a
    clean-up step that runs anyway); nothing otherwise. Cheap enough for a loop per Doc."""
    if _noted:
        raise Interrupted(_noted[0])


@contextmanager
def deferred() -> Iterator[None]:
    """SIGINT and SIGTERM recorded, not acted on, while the block runs; then the handlers
    that were there (the CLI's, Python's Ctrl-C) get the first one that came, raised as the
    block ends (so an exception they raise comes after the block's last statement).

    They are also blocked (`pthread_sigmask`) in this thread, so that a process forked
    meanwhile starts with them blocked (it unblocks them once its own handlers are set).
    Blocking alone is not enough: the mask is the thread's, and a signal another thread
    takes (a progress bar's monitor) still runs the Python handler in this one.

    Outside the main thread this does nothing (handlers run in the main thread only, so
    nothing is raised here either). A signal ignored stays ignored; a default SIGTERM stays
    immediate (it runs no code of ours to defer)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: List[int] = []

    def record(signum: int, frame: Any) -> None:
        came.append(signum)

    previous = {s: signal.signal(s, record) for s in STOP_SIGNALS
                if signal.getsignal(s) not in (signal.SIG_IGN, signal.SIG_DFL, None)}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS) \
        if hasattr(signal, "pthread_sigmask") else None
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for s, handler in previous.items():
            signal.signal(s, handler)
        if came:
            signal.raise_signal(came[0])
