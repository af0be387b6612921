"""What the tests that kill workers need: the processes of a command read from /proc (Linux),
and a run that ends within a bound and leaves no process behind. Imported by test_pool,
test_distributed and test_safety."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

HAS_PROC = Path("/proc/self/stat").exists()


def stat(pid):
    """(state, parent pid, process group) of a process from /proc (Linux), or None if it is
    gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1]), int(fields[2])


def _live(select):
    found = []
    for path in Path("/proc").glob("[0-9]*/stat"):
        pid = int(path.parent.name)
        state = stat(pid)  # None: ended meanwhile
        if state is not None and state[0] != "Z" and select(state):
            found.append(pid)
    return found


def children_of(pid, command=None):
    """The live processes whose parent is `pid` (known to multiprocessing or not); with
    `command`, only those whose command line holds it."""
    found = _live(lambda state: state[1] == pid)
    if command is not None:
        found = [child for child in found if command in cmdline(child)]
    return found


def group(pgid):
    """The live processes of process group `pgid`: what a command started in its own
    session leaves behind."""
    return _live(lambda state: state[2] == pgid)


def cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid):
    if HAS_PROC:
        state = stat(pid)
        return state is not None and state[0] != "Z"
    try:
        os.kill(pid, 0)  # no /proc: the signal 0 test
    except ProcessLookupError:
        return False
    return True


def shown(stderr):
    """The lines a terminal shows of stderr: each line's text after the progress bar's last
    `\\r`, blank ones dropped."""
    return [part for line in stderr.split("\n")
            if (part := line.rsplit("\r", 1)[-1].strip())]


def run_and(argv, act, timeout=180):
    """Run `argv` in its own session, `act(proc)` meanwhile (kill workers), and check that
    it ends within `timeout` seconds and leaves no process of its group behind (workers
    end with it, within seconds); the CompletedProcess. Whatever is left of the group is
    killed at the end."""
    proc = subprocess.Popen([str(a) for a in argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        act(proc)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"no exit in {timeout} s (hung)")
        deadline = time.monotonic() + 10
        while group(proc.pid):
            assert time.monotonic() < deadline, f"left running: {group(proc.pid)}"
            time.sleep(0.1)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
    return subprocess.CompletedProcess(argv, proc.returncode, stdout.decode("utf-8"),
                                       stderr.decode("utf-8"))


def wait_for_children(proc, n=1, command=None, timeout=120):
    """`proc`'s children (with `command` in their command line), once there are `n`."""
    deadline = time.monotonic() + timeout
    while len(found := children_of(proc.pid, command)) < n:
        assert proc.poll() is None, "finished before its workers were seen"
        assert time.monotonic() < deadline, "no workers"
        time.sleep(0.01)
    return found


def patched(patch, *args):
    """`python -c` code: `patch` (dedented), then the command line with `args`. Run with
    `-c`, not as a file: a Dask worker started with spawn would run a file again."""
    import textwrap

    return (textwrap.dedent(patch) + "\nimport runpy, sys\n"
            f"sys.argv = ['spacy_pretagged', *{[str(a) for a in args]!r}]\n"
            "runpy.run_module('spacy_pretagged', run_name='__main__')\n")
