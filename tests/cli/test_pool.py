"""`convert --n-process N` for text outputs: N worker processes each convert a line-aligned
chunk (the Dask path's plan) and the parent joins the parts — the same bytes as one process
(CoNLL-U doc ids renumbered), the same problems with the file's line numbers, the same
first error in strict mode, nothing left behind."""
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from spacy_pretagged.cli_process import Interrupted, _signals_raise
from spacy_pretagged.distributed import pool
from spacy_pretagged.formats import ReaderSettings
from spacy_pretagged.pipeline import Conversion
from tests.cli.processes import HAS_PROC, alive, children_of, run_and, shown, wait_for_children
from tests.cli.test_distributed import hanlp_text, pku_text
from tests.cli.test_safety import COMMAND, PKU, big_pku, run_patched
from tests.helpers import call, error_line, snapshot

pytestmark = pytest.mark.slow  # worker processes and subprocesses


def run(*args, cwd=None):
    return call([sys.executable, "-m", "spacy_pretagged", *map(str, args)], cwd=cwd)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pool")
    (tmp / "pd.txt").write_bytes(pku_text(60, 2, bad_at=170).encode("utf-8"))
    (tmp / "hanlp.txt").write_bytes(hanlp_text().encode("utf-8"))
    folder = tmp / "two"
    folder.mkdir()
    (folder / "a.txt").write_bytes(pku_text(30, 4, date="19980102").encode("utf-8"))
    (folder / "b.txt").write_bytes(pku_text(30, 5, date="19980103").encode("utf-8"))
    return tmp


@pytest.mark.parametrize("to", pool.JOINED)
@pytest.mark.parametrize("source,options", [
    ("pd.txt", ["--preset", "pku", "--doc-per", "article"]),
    ("pd.txt", ["--preset", "pku", "--doc-per", "line"]),
    ("two", ["--preset", "pku", "--doc-per", "article"]),
    ("hanlp.txt", []),
])
def test_n_processes_write_the_bytes_one_process_writes(data, tmp_path, to, source, options):
    one = run("convert", data / source, tmp_path / "one", "--to", to, *options)
    two = run("convert", data / source, tmp_path / "two", "--to", to, *options, "-n", "2")
    assert one.returncode == 0 and two.returncode == 0, two.stderr
    assert (tmp_path / "two").read_bytes() == (tmp_path / "one").read_bytes()
    summary = [re.search(r"wrote \S+: ([\d,]+ docs, [\d,]+ sentences, [\d,]+ words, "
                         r"[\d,]+ whitespace tokens)", out.stdout.replace("\n", " ")).group(1)
               for out in (one, two)]
    assert summary[0] == summary[1]
    problems = [re.findall(r"\d+ problem\(s\): [^\n\x1b]*|no problems", out.stdout)
                for out in (one, two)]
    assert problems[0] == problems[1] and problems[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one", "two"]  # no parts left


def test_chunks_are_many_and_the_renumbering_is_needed(data, tmp_path):
    job = Conversion(ReaderSettings.preset("pku", on_error="warn"), to="conllu",
                     doc_per="article")
    size = (data / "pd.txt").stat().st_size
    totals = pool.convert([data / "pd.txt"], tmp_path / "x.conllu", job, n_workers=2,
                          chunk_bytes=pool.chunk_size(size, 2, 1 << 22))
    text = (tmp_path / "x.conllu").read_text("utf-8")
    ids = [line for line in text.splitlines() if line.startswith("# newdoc id = ")]
    assert ids == [f"# newdoc id = doc{k}" for k in range(1, totals["docs"] + 1)]
    assert "part-" not in text
    # the lenient problem keeps the file's line number (line 170, in a later chunk)
    assert [(p[0], p[2], p[5]) for p in totals["problems"]] == [
        ("unknown_tag", 170, str(data / "pd.txt"))]
    assert pool.chunk_size(size, 2, 1 << 22) * 6 < size  # several chunks per worker


def test_strict_error_is_the_one_process_error_and_keeps_the_old_output(data, tmp_path):
    (tmp_path / "out.conllu").write_text("earlier\n", encoding="utf-8")
    before = snapshot(tmp_path)
    args = ["convert", data / "pd.txt", tmp_path / "out.conllu", "--to", "conllu",
            "--preset", "pku", "--doc-per", "article", "--on-error", "raise"]
    one, two = run(*args), run(*args, "-n", "2")
    assert error_line(two) == error_line(one)
    assert ":170:" in error_line(two)
    assert snapshot(tmp_path) == before


def test_spacy_parts_are_joined_in_flat_memory_into_the_one_process_docbin(data, tmp_path):
    """`.spacy` from `-n 2`: the workers' DocBins joined into the file one process writes
    (the byte comparison above), read back as the same Docs; `--shard-size` still goes
    through spaCy's `nlp.pipe` processes, and its shards hold the same Docs."""
    from tests.cli.test_distributed import docbin_docs, same_docs

    job = Conversion(ReaderSettings.preset("pku", on_error="warn"), to="spacy",
                     doc_per="article")
    size = (data / "pd.txt").stat().st_size
    totals = pool.convert([data / "pd.txt"], tmp_path / "x.spacy", job, n_workers=2,
                          chunk_bytes=pool.chunk_size(size, 2, 1 << 22))
    one = run("convert", data / "pd.txt", tmp_path / "one.spacy", "--preset", "pku",
              "--doc-per", "article")
    assert one.returncode == 0, one.stderr
    want = docbin_docs(tmp_path / "one.spacy")
    same_docs(docbin_docs(tmp_path / "x.spacy"), want)
    assert totals["docs"] == len(want) > 8
    out = run("convert", data / "pd.txt", tmp_path / "shards", "--preset", "pku",
              "--doc-per", "article", "--shard-size", "7", "-n", "2")
    assert out.returncode == 0, out.stderr
    same_docs(docbin_docs(tmp_path / "shards"), want)


@pytest.mark.skipif(not HAS_PROC or
                    "fork" not in multiprocessing.get_all_start_methods(),
                    reason="needs fork and /proc")
def test_a_signal_while_the_pool_starts_ends_every_worker(data, tmp_path, monkeypatch):
    """SIGTERM arriving while the workers are forked (the CLI handler raising then would
    leave them running, unknown to the pool, the parent gone): it is raised once the pool is
    whole, and the pool is terminated — no process of ours is left, no output written."""
    real = multiprocessing.get_context("fork")

    class SignalledWhileStarting:
        Pipe = staticmethod(real.Pipe)

        def Process(self, *args, **kwargs):
            process = real.Process(*args, **kwargs)
            start = process.start

            def start_then_signal():
                start()
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.2)  # Python code runs: a handler that could act here would

            process.start = start_then_signal
            return process

    monkeypatch.setattr(pool.multiprocessing, "get_context",
                        lambda method: SignalledWhileStarting())
    job = Conversion(ReaderSettings.preset("pku", on_error="warn"), to="conllu")
    before = snapshot(tmp_path)
    others = set(children_of(os.getpid()))  # other tests' (a Dask cluster's, say)
    known = set(multiprocessing.active_children())
    with pytest.raises(Interrupted) as raised, _signals_raise():
        pool.convert([data / "pd.txt"], tmp_path / "x.conllu", job, n_workers=2,
                     chunk_bytes=1000)
    assert raised.value.signum == signal.SIGTERM
    assert set(multiprocessing.active_children()) - known == set()
    assert set(children_of(os.getpid())) - others == set()
    assert snapshot(tmp_path) == before


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork")
def test_workers_end_when_the_parent_is_killed(tmp_path):
    """A parent killed outright (SIGKILL: nothing of ours runs) leaves no worker going on
    with its chunk: a worker busy for 60 s is gone within seconds."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import time\n"
        "from pathlib import Path\n"
        "from spacy_pretagged.distributed import pool\n"
        "pool.convert_chunk = lambda chunk, job, folder, **_: time.sleep(60)\n"
        "workers = pool._Workers(None, Path('.'), 2)\n"
        "workers.start()\n"
        "for k in range(2):\n"
        "    workers.give(pool.Chunk(k, 'x', 'x', 0, 0, 0, 0))\n"
        "time.sleep(1)  # both busy\n"
        "print(*[w.process.pid for w in workers.started], flush=True)\n"
        "time.sleep(60)\n", encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "workers outlived their parent"
            time.sleep(0.1)
    finally:
        try:
            os.killpg(parent.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        parent.stdout.close()


# --- a worker that dies ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A PKU file that keeps 2 workers busy for seconds (8 chunks), and what `-n 2` makes
    of it when nothing goes wrong. Long enough that a kill up to 2 s after the workers
    start lands mid-run: 40,000 lines take the workers about 5 s (15,000 lines, 2 s, were
    done before some kills once conversion got faster)."""
    tmp = tmp_path_factory.mktemp("big")
    big_pku(tmp / "big.txt", lines=40000)
    out = run("convert", tmp / "big.txt", tmp / "want.conllu", "--to", "conllu", *PKU,
              "-n", "2")
    assert out.returncode == 0, out.stderr
    return tmp


@pytest.mark.skipif(not HAS_PROC, reason="needs /proc")
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_worker_killed_at_a_random_moment_costs_nothing(big, tmp_path, seed):
    """SIGKILL (the out-of-memory killer, kill -9) to one of the two workers at a random
    moment: noticed at once, its chunk converted again on a fresh worker, one warning line
    naming the chunk and the signal, and the output is byte for byte what an undisturbed
    run writes; nothing left behind."""
    rng = random.Random(seed)
    output = tmp_path / "out.conllu"
    killed = []

    def kill_one(proc):
        workers = wait_for_children(proc, 2)
        time.sleep(rng.uniform(0.1, 2.0))
        assert proc.poll() is None, "finished before the kill"
        killed.append(rng.choice(workers))
        os.kill(killed[0], signal.SIGKILL)

    out = run_and([*COMMAND, "convert", big / "big.txt", output, "--to", "conllu", *PKU,
                   "-n", "2"], kill_one)
    assert out.returncode == 0, out.stderr
    assert output.read_bytes() == (big / "want.conllu").read_bytes()
    warnings = [line for line in shown(out.stderr) if line.startswith("warning:")]
    assert len(warnings) == 1, out.stderr
    assert re.fullmatch(rf"warning: the worker process converting {re.escape(str(big))}/big\.txt "
                        r"bytes \d+-\d+ ended \(SIGKILL: the out-of-memory killer, or kill -9\)"
                        r"; converting it again on a fresh one", warnings[0])
    assert "Traceback" not in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.conllu"]
    assert not alive(killed[0])


@pytest.mark.skipif(not HAS_PROC, reason="needs /proc")
def test_workers_killed_again_and_again_end_the_command_with_one_line(big, tmp_path):
    """Every worker killed as soon as it is seen (a chunk the out-of-memory killer takes on
    any worker): no hang; the command ends with one error line naming a chunk and the
    signal (after one warning line per chunk tried again), exit code 1, the earlier output
    as it was, no temporaries, no process left."""
    output = tmp_path / "out.conllu"
    output.write_bytes(b"# earlier output\n")
    before = snapshot(tmp_path)

    def kill_all(proc):
        wait_for_children(proc, 1)
        while proc.poll() is None:
            for pid in children_of(proc.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)

    out = run_and([*COMMAND, "convert", big / "big.txt", output, "--to", "conllu", *PKU,
                   "-n", "2"], kill_all, timeout=60)
    assert out.returncode == 1
    *warnings, last = shown(out.stderr)
    assert all(w.startswith("warning: the worker process converting ") for w in warnings)
    assert re.fullmatch(rf"error: {re.escape(str(big))}/big\.txt bytes \d+-\d+: the worker "
                        r"process converting it ended on a fresh one too \(SIGKILL: the "
                        r"out-of-memory killer, or kill -9\)", last), out.stderr
    assert "Traceback" not in out.stderr
    assert snapshot(tmp_path) == before


DIES_ON_CHUNK_2 = """
    import os
    from spacy_pretagged.distributed import pool
    real = pool.convert_chunk
    def convert_chunk(chunk, job, folder, **options):
        if chunk.number == 2:
            {how}
        return real(chunk, job, folder, **options)
    pool.convert_chunk = convert_chunk
"""


def test_a_worker_that_exits_on_a_chunk_every_time_is_named_with_its_exit_code(big, tmp_path):
    """`os._exit(3)` (a crash in C code, say) on the third chunk, on every worker given it:
    tried twice, then one line with the chunk's byte range and the exit code."""
    output = tmp_path / "out.conllu"
    output.write_bytes(b"# earlier output\n")
    before = snapshot(tmp_path)
    out = run_patched(DIES_ON_CHUNK_2.format(how="os._exit(3)"), "convert", big / "big.txt",
                      output, "--to", "conllu", *PKU, "-n", "2")
    job = Conversion(ReaderSettings.for_tagset("pku", format="spaced"), to="conllu")
    size = (big / "big.txt").stat().st_size
    chunk = pool.plan([(str(big / "big.txt"), big / "big.txt")], job.corpus(big).reader,
                      "utf-8", "line", pool.chunk_size(size, 2, 1 << 22))[2]
    where = f"{big / 'big.txt'} bytes {chunk.start}-{chunk.end}"
    assert shown(out.stderr) == [
        f"warning: the worker process converting {where} ended (exit code 3); converting "
        "it again on a fresh one",
        f"error: {where}: the worker process converting it ended on a fresh one too "
        "(exit code 3)"]
    assert out.returncode == 1
    assert snapshot(tmp_path) == before


def test_a_workers_traceback_is_shown_with_verbose_only(big, tmp_path):
    patch = DIES_ON_CHUNK_2.format(how="raise RuntimeError('boom\\nsecond line')")
    args = ["convert", big / "big.txt", tmp_path / "out.conllu", "--to", "conllu", *PKU,
            "-n", "2"]
    out = run_patched(patch, *args)
    assert re.fullmatch(r"error: \S+ bytes \d+-\d+: RuntimeError: boom", error_line(out))
    verbose = run_patched(patch, *args, "--verbose")
    assert verbose.returncode == 1
    assert "Traceback (most recent call last)" in verbose.stderr
    assert "RuntimeError: boom\nsecond line" in verbose.stderr
    assert shown(verbose.stderr)[-1] == error_line(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
