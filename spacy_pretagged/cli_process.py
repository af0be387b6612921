"""How a command process fails and stops: one line `error: …` whatever went wrong, Ctrl-C
and SIGTERM as exceptions (so the outputs' `with` blocks clean up), and spaCy's
`nlp.pipe(n_process>1)` workers ended before spaCy would wait for them forever.

What the library logs (`logging`, the `spacy_pretagged` loggers: temporaries of killed runs
removed, a `-n` chunk converted again after its worker died) is shown as one line each,
`warning: …`, above the progress bar; `show_logs(verbose=True)` (the `--verbose` option) adds
the library's debug records with their tracebacks (a worker's failure) — nothing else does.

Kept apart from cli/, which holds the commands only. Exit codes: 1 for every error
(typer's usage errors included, which click would exit with 2 and a usage text), 128 + the
signal's number for an interruption (130 for Ctrl-C, 143 for SIGTERM), as shells report it.
"""
from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, NoReturn, Optional

import typer
import typer.core
from typer.core import TyperGroup

from . import stop_signals
from .stop_signals import Interrupted


class CommandError(Exception):
    """Why a command stops: printed as one line `error: …`, exit code 1, once the `with`
    blocks on the way up (outputs, progress bars, clusters) have cleaned up."""


#: Run by the signal handler before it raises `Interrupted` (see `pipe_workers`).
_BEFORE_RAISING: List[Callable[[], None]] = []


def _click_exceptions() -> Any:
    """The exceptions module of the click that typer runs on: its own copy (`typer._click`)
    in recent typer, click itself before. Its usage errors are what we make one line of."""
    vendored = getattr(typer.core, "_click", None)
    return importlib.import_module(f"{vendored.__name__ if vendored else 'click'}.exceptions")


_click = _click_exceptions()


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While a command runs, SIGINT and SIGTERM raise `Interrupted` (SIGTERM would otherwise
    end the process on the spot, leaving its temporary output behind). A second signal acts
    as by default (stops at once). A process forked from this one (spaCy's `nlp.pipe` with
    `n_process`) inherits the handler; there it restores the default action and re-sends the
    signal to itself, so a worker just ends (no traceback of its own)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return
    pid = os.getpid()

    def handler(signum: int, frame: Any) -> None:
        if os.getpid() != pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for s in previous:
            signal.signal(s, signal.SIG_DFL)
        for hook in _BEFORE_RAISING:
            hook()
        stop_signals.note(signum)  # if the exception is swallowed, outputs still see it
        raise Interrupted(signum)

    # A signal ignored when we started (`nohup`, a background job) stays ignored.
    previous = {s: signal.signal(s, handler) for s in stop_signals.STOP_SIGNALS
                if signal.getsignal(s) is not signal.SIG_IGN}
    stop_signals.forget()
    try:
        yield
        stop_signals.check()  # a signal whose exception was lost: exit as interrupted
    finally:
        stop_signals.forget()
        for s, h in previous.items():
            signal.signal(s, h)


#: The loggers of the package (`logging.getLogger(__name__)` in its modules).
LOGGER = "spacy_pretagged"


class _LogLines(logging.Handler):
    """A record as one line on stderr, `warning: …` (`debug: …`), written past a progress
    bar (tqdm's `write`); with `verbose`, a record's traceback follows it."""

    verbose = False

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm import tqdm

        try:
            line = f"{record.levelname.lower()}: {' '.join(record.getMessage().splitlines())}"
            if self.verbose and record.exc_info:
                line += "\n" + logging.Formatter().formatException(record.exc_info)
            tqdm.write(line, file=sys.stderr)
        except Exception:  # never let a log line end a command
            self.handleError(record)


_handler = _LogLines()


@contextmanager
def _log_lines() -> Iterator[None]:
    """While a command runs, the package's log records of level WARNING and above (all, once
    `show_logs(verbose=True)`) are shown by `_LogLines`, not passed on to Python's default
    handler."""
    logger = logging.getLogger(LOGGER)
    saved = logger.level, logger.propagate
    logger.addHandler(_handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(_handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        _handler.verbose = False


def show_logs(verbose: bool) -> None:
    """`--verbose`: also the package's debug records, with tracebacks (a `-n` worker's
    failure); the Dask path passes it on as `worker_logs` for the cluster's own logs."""
    _handler.verbose = verbose
    logging.getLogger(LOGGER).setLevel(logging.DEBUG if verbose else logging.WARNING)


def _error(message: str) -> None:
    typer.echo(f"error: {' '.join(message.splitlines())}", err=True)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Every way a command can fail as one `error: …` line: our own (`CommandError`),
    typer's and click's usage errors, an OSError or a library ValueError nothing below
    caught, an interruption, running out of memory, and any other exception (a bug)."""
    no_args_help = getattr(_click, "NoArgsIsHelpError", ())
    try:
        yield
    except no_args_help:  # no arguments at all: the help text, as typer shows it
        raise
    except _click.UsageError as e:
        where = f" (see: {e.ctx.command_path} --help)" if e.ctx is not None else ""
        _error(e.format_message().rstrip(".") + where)
        raise typer.Exit(1) from None
    except _click.ClickException as e:
        _error(e.format_message())
        raise typer.Exit(1) from None
    except CommandError as e:
        _error(str(e))
        raise typer.Exit(1) from None
    except OSError as e:
        _error(str(e))
        raise typer.Exit(1) from None
    except (Interrupted, KeyboardInterrupt) as e:
        signum = e.signum if isinstance(e, Interrupted) else signal.SIGINT
        _error(f"interrupted ({signal.Signals(signum).name}); no output was replaced")
        raise typer.Exit(128 + signum) from None
    except MemoryError:
        _error("out of memory (a line or document too large to hold?); no output was replaced")
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort):
        raise
    except ValueError as e:  # the library's errors: a one-line reason
        _error(str(e))
        raise typer.Exit(1) from None
    except Exception as e:  # a bug: still one line, what it was and where to report it
        _error(f"unexpected {type(e).__name__}: {e} (please report this)")
        raise typer.Exit(1) from None


class OneLineErrors(TyperGroup):
    """Our commands' group, in `python -m spacy_pretagged` and in spaCy's own CLI alike:
    parsing (`make_context`) and running (`invoke`, which parses the command's own
    arguments) report errors as one line."""

    def make_context(self, info_name: Optional[str], args: List[str],
                     parent: Any = None, **extra: Any) -> Any:
        with _one_line_errors():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _one_line_errors(), _signals_raise(), _log_lines():
            return super().invoke(ctx)


def fail(message: str) -> NoReturn:
    """Stop the command: one line on stderr, exit code 1 (printed by `OneLineErrors`)."""
    raise CommandError(message)


def _end_pipe_workers() -> None:
    import gc
    import multiprocessing
    from multiprocessing.queues import Queue

    for child in multiprocessing.active_children():
        child.terminate()
    # spaCy's queues of texts to the workers: a queue's feeder thread may be blocked on a
    # full pipe to a worker that is gone, and the interpreter joins it at exit, forever.
    # The queues are local to spaCy's `_multiprocessing_pipe`, hence the search.
    for obj in gc.get_objects():
        if isinstance(obj, Queue):
            obj.cancel_join_thread()


@contextmanager
def pipe_workers(n_process: int) -> Iterator[Callable[[Iterator], Iterator]]:
    """While `nlp.pipe(n_process>1)` runs here: an error or an interruption in this process
    first ends its workers.

    spaCy's `nlp.pipe` stops by putting a stop sentinel in the workers' queues and joining
    them; a worker still blocked sending results nobody reads never gets there, and the join
    hangs (spaCy's behaviour, docs/formats.md), also when the error is ours: a format error
    in a later file, raised while spaCy's sender reads our Docs inside `nlp.pipe`, or
    Ctrl-C. The workers only compute, and what they compute is discarded now, so they are
    ended (SIGTERM; they inherited `_signals_raise`'s handler, which lets them die at once)
    before spaCy joins them: by the signal handler, and by the wrapper this yields around
    the Docs fed to `nlp.pipe`."""
    def feed(docs: Iterator) -> Iterator:
        try:
            yield from docs
        except GeneratorExit:
            raise
        except BaseException:
            _end_pipe_workers()
            raise

    if n_process <= 1:
        yield lambda docs: docs
        return
    _BEFORE_RAISING.append(_end_pipe_workers)
    try:
        yield feed
    except BaseException:
        _end_pipe_workers()  # an error in the writer: spaCy joins when the stream closes
        raise
    finally:
        _BEFORE_RAISING.remove(_end_pipe_workers)
