"""The command line never costs the user data: a failed, refused or interrupted run leaves
the inputs and an earlier output byte for byte as they were, a shard folder is replaced as a
whole, and every error is one line with exit code 1 (issue 14). Each test runs the real
command in a subprocess in a temporary folder and compares the bytes of every file there."""
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import numpy
import pytest

from spacy_pretagged.cli_process import Interrupted, _signals_raise
from spacy_pretagged.export.outputs import replacing_file
from tests.helpers import CONFIGS, SEED, call, error_line, snapshot

# Every test runs the command line in a subprocess.
pytestmark = pytest.mark.slow

PKU = ["-f", "spaced", "-t", "pku"]
GOOD = ("19980101-01-001-001/m  江/nr  泽民/nr  在/p  [北京/ns  大学/n]nt  讲话/v  。/w  \r\n"
        "19980101-01-001-002/m  他/r  说/v  ：/w  “/w  好/a  。/w  ”/w  \r\n"
        "19980101-01-002-001/m  新/a  世纪/n  。/w  \r\n")
BAD_TAG = "19980101-01-001-001/m  他/r  说/vvn  。/w  \r\n"  # strict: unknown tag
COMMAND = [sys.executable, "-m", "spacy_pretagged"]


def run(*args, cwd=None):
    return call([*COMMAND, *map(str, args)], cwd=cwd)


def run_patched(patch, *args, cwd=None):
    """The real command (`python -m spacy_pretagged …`, its __main__ run by runpy) after
    `patch`: how a test makes the disk full or a file unreadable (tests run as root, whom
    chmod 000 does not stop)."""
    code = (textwrap.dedent(patch) + "\nimport runpy, sys\n"
            f"sys.argv = ['spacy_pretagged', *{[str(a) for a in args]!r}]\n"
            "runpy.run_module('spacy_pretagged', run_name='__main__')\n")
    return call([sys.executable, "-c", code], cwd=cwd)


@pytest.fixture()
def work(tmp_path):
    """in/pd.txt (PKU), in/gbk.txt (GB18030 bytes: not utf-8), in/bad.txt (unknown tag);
    out/ for outputs."""
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "in" / "pd.txt").write_bytes(GOOD.encode("utf-8"))
    (tmp_path / "in" / "gbk.txt").write_bytes(GOOD.encode("gb18030"))
    (tmp_path / "in" / "bad.txt").write_bytes(BAD_TAG.encode("utf-8"))
    return tmp_path


OUTPUTS = {  # name: (output, options)
    "conllu": ("pd.conllu", ["--to", "conllu"]),
    "jsonl": ("pd.jsonl", ["--to", "jsonl"]),
    "pretagged": ("pd.txt", ["--to", "pretagged"]),
    "spacy": ("pd.spacy", []),
    "shards": ("shards", ["--shard-size", "1"]),
}


# --- 1. outputs appear when the run succeeded, and only then -----------------------------

@pytest.mark.parametrize("kind", list(OUTPUTS))
@pytest.mark.parametrize("bad,options", [("gbk.txt", []), ("bad.txt", ["--on-error", "raise"])])
def test_failed_run_leaves_the_earlier_output_as_it_was(work, kind, bad, options):
    name, to = OUTPUTS[kind]
    output = work / "out" / name
    assert run("convert", work / "in" / "pd.txt", output, *PKU, *to).returncode == 0
    before = snapshot(work)
    assert any(name in key for key in before)
    out = run("convert", work / "in" / bad, output, *PKU, *to, *options)
    line = error_line(out)
    assert out.returncode == 1 and bad in line
    assert snapshot(work) == before  # the earlier output byte for byte, no temporary file


def test_successful_run_leaves_only_the_output(work):
    out = run("convert", work / "in" / "pd.txt", work / "out" / "new" / "pd.conllu", *PKU,
              "--to", "conllu")
    assert out.returncode == 0, out.stderr
    assert sorted(snapshot(work / "out")) == ["new", "new/pd.conllu"]


def test_shard_folder_is_replaced_whole_no_stale_shards(work):
    import spacy
    from spacy.training import Corpus

    shards = work / "out" / "shards"
    assert run("convert", work / "in" / "pd.txt", shards, *PKU, "--shard-size", "1"
               ).returncode == 0
    assert sorted(p.name for p in shards.iterdir()) == [f"00000{i}.spacy" for i in range(3)]
    assert run("convert", work / "in" / "pd.txt", shards, *PKU, "--shard-size", "2"
               ).returncode == 0
    assert sorted(p.name for p in shards.iterdir()) == ["000000.spacy", "000001.spacy"]
    nlp = spacy.blank("zh")
    assert len(list(Corpus(shards)(nlp))) == 3  # the docs of the input, none twice
    assert sorted(snapshot(work / "out")) == ["shards", "shards/000000.spacy",
                                              "shards/000001.spacy"]


# --- 2. refused before anything is opened ---------------------------------------------------

@pytest.mark.parametrize("to", [["--to", "conllu"], [], ["--shard-size", "1"]])
def test_output_that_is_an_input_is_refused(work, to):
    before = snapshot(work)
    out = run("convert", "in/pd.txt", "in/pd.txt", *PKU, *to, cwd=work)
    assert error_line(out) == ("error: the output in/pd.txt is also an input; write it "
                               "elsewhere")
    assert out.returncode == 1
    assert snapshot(work) == before


@pytest.mark.parametrize("output", ["in/z.txt", "link/z.txt", "in/sub/z.txt"])
def test_output_inside_an_input_folder_is_refused(work, output):
    (work / "link").symlink_to(work / "in")
    before = snapshot(work)
    out = run("convert", "in", output, *PKU, "--to", "pretagged", cwd=work)
    assert error_line(out) == (f"error: the output {output} is inside the input folder in, "
                               "so it would be read as input; write it elsewhere")
    assert snapshot(work) == before


def test_input_inside_the_output_folder_is_refused(work):
    (work / "out" / "shards").mkdir()
    (work / "out" / "shards" / "pd.txt").write_bytes(GOOD.encode("utf-8"))
    before = snapshot(work)
    out = run("convert", "out/shards/pd.txt", "out/shards", *PKU, "--shard-size", "1",
              cwd=work)
    assert error_line(out) == ("error: the input out/shards/pd.txt is inside the output "
                               "folder out/shards, which the output replaces; write it "
                               "elsewhere")
    assert snapshot(work) == before


def test_shard_folder_holding_anything_else_is_refused_nothing_deleted(work):
    shards = work / "out" / "shards"
    assert run("convert", work / "in" / "pd.txt", shards, *PKU, "--shard-size", "1"
               ).returncode == 0
    (shards / "notes.txt").write_text("the user's notes")
    before = snapshot(work)
    out = run("convert", work / "in" / "pd.txt", shards, *PKU, "--shard-size", "2")
    assert error_line(out) == (f"error: the output folder {shards} holds notes.txt, which "
                               "this command did not write; it replaces the folder as a "
                               "whole, so give it a new or an empty folder (nothing was "
                               "changed)")
    assert snapshot(work) == before


def test_stats_and_show_outputs_onto_their_inputs_are_refused(work):
    before = snapshot(work)
    out = run("stats", "in", *PKU, "--json", "in/s.json", cwd=work)
    assert "the output in/s.json is inside the input folder in" in error_line(out)
    out = run("stats", "in/pd.txt", *PKU, "--png", "in/pd.txt", cwd=work)
    assert "the output in/pd.txt is also an input" in error_line(out)
    out = run("show", CONFIGS / "pku1998.cfg", "in/pd.txt", "--output", "in/pd.txt", cwd=work)
    assert "the output in/pd.txt is also an input" in error_line(out)
    assert snapshot(work) == before


# --- 3. interrupted or out of disk: no output that looks complete ------------------------------

def big_pku(path, lines=20000):
    words = ["江/nr  泽民/nr", "[中央/n  人民/n  广播/vn  电台/n]nt", "北京/ns", "讲话/v",
             "新/a", "世纪/n", "，/w", "他/r", "说/v", "的/u", "经济/n", "发展/vn"]
    with path.open("w", encoding="utf-8", newline="") as f:
        for i in range(lines):
            items = "  ".join(words[(i * 7 + k) % len(words)] for k in range(12))
            f.write(f"19980101-01-{i // 5 + 1:03d}-{i % 5 + 1:03d}/m  {items}  。/w  \r\n")


def _started(folder, when):
    """`writing`: the temporary output beside the target has bytes; `starting` (`-n`): the
    folder of the parts is there, the workers not all forked yet."""
    for p in folder.iterdir():
        if when == "writing" and p.name.startswith(".big.conllu.") and p.suffix == ".tmp":
            if p.stat().st_size > 0:
                return True
        if when == "starting" and p.name.startswith(".big.conllu.parts-"):
            return True
    return False


@pytest.mark.parametrize("signum,n_process,when", [
    (signal.SIGTERM, 1, "writing"), (signal.SIGINT, 1, "writing"),
    (signal.SIGTERM, 2, "writing"), (signal.SIGTERM, 2, "starting")])
def test_signal_mid_conversion_leaves_the_earlier_output(work, signum, n_process, when):
    big_pku(work / "in" / "big.txt")
    output = work / "out" / "big.conllu"
    output.write_bytes(b"# earlier output\n")
    before = snapshot(work)
    proc = subprocess.Popen([*COMMAND, "convert", str(work / "in" / "big.txt"), str(output),
                             *PKU, "--to", "conllu", "-n", str(n_process)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own group: the test can end all
    try:
        deadline = time.monotonic() + 120
        while not _started(work / "out", when):
            assert proc.poll() is None, "finished before it could be interrupted"
            assert time.monotonic() < deadline, f"not {when} in 120 s"
            time.sleep(0.002 if when == "starting" else 0.02)
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        try:  # the command and any worker it forked, if still there
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
    out = subprocess.CompletedProcess(proc.args, proc.returncode, stdout.decode("utf-8"),
                                      stderr.decode("utf-8"))
    name = signal.Signals(signum).name
    assert error_line(out) == f"error: interrupted ({name}); no output was replaced"
    assert out.returncode == 128 + signum
    assert snapshot(work) == before  # the temporary file is gone, the earlier output kept


class _SignalsOnLookup(type):
    """A type whose attribute lookup (Python code, like an IntEnum's) sends SIGTERM once:
    NumPy looks up `__array_ufunc__` on an operand's type and clears what that raises."""
    sent = False

    def __getattr__(cls, name):
        if name.startswith("__array") and not _SignalsOnLookup.sent:
            _SignalsOnLookup.sent = True
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # the handler runs here, and its exception is swallowed
        raise AttributeError(name)


class _PosId(int, metaclass=_SignalsOnLookup):
    pass


def test_a_signal_whose_exception_numpy_swallows_still_stops_the_command(tmp_path):
    """spaCy's UPOS ids are an IntEnum: a SIGTERM landing in `column == POS_IDS[...]` ran
    the CLI's handler inside NumPy, which dropped its exception, and the conversion went on
    to replace the output (seen in CI). Our ids are plain ints now; and the noted signal
    stops the command before any output is replaced, whatever swallowed it."""
    target = tmp_path / "out.conllu"
    target.write_bytes(b"earlier output\n")
    went_on = []
    with pytest.raises(Interrupted) as raised:
        with _signals_raise():
            with replacing_file(target) as tmp:
                tmp.write_bytes(b"new\n")
                equal = numpy.zeros(3, dtype="uint64") == _PosId(103)
                went_on.append(equal.any())  # the exception was swallowed indeed
    assert went_on == [False] and _SignalsOnLookup.sent
    assert raised.value.signum == signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.conllu"]
    assert target.read_bytes() == b"earlier output\n"


def test_upos_ids_meet_numpy_as_plain_ints():
    from spacy_pretagged import mapper
    from spacy_pretagged.doc_keys import POS_IDS
    from spacy_pretagged.export import arrays

    assert type(arrays._SPACE_POS) is int
    assert {type(v) for v in POS_IDS.values()} == {int} and POS_IDS["SPACE"] == 103
    assert mapper.POS_IDS is POS_IDS


def run_in_own_group(argv, timeout):
    """Run `argv` in its own process group; on timeout end it and every worker it forked
    (a hung `nlp.pipe` leaves them), and say so."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"no exit in {timeout} s: {argv}")
    return subprocess.CompletedProcess(argv, proc.returncode, stdout.decode("utf-8"),
                                       stderr.decode("utf-8"))


def test_strict_error_in_a_later_file_with_n_process_stops(work):
    """`convert -n 2` reads in this process; a format error in the second file is raised
    while spaCy's workers are busy with the first, and spaCy's `nlp.pipe` would then wait for
    them forever (fork): the command ends them and stops with the error."""
    (work / "in" / "bad.txt").unlink()
    (work / "in" / "gbk.txt").unlink()
    big_pku(work / "in" / "0.txt", lines=1000)
    (work / "in" / "9.txt").write_bytes(BAD_TAG.encode("utf-8"))
    before = snapshot(work)
    out = run_in_own_group([*COMMAND, "convert", str(work / "in"), str(work / "out" / "o.conllu"),
                            *PKU, "--to", "conllu", "--on-error", "raise", "-n", "2"],
                           timeout=120)
    assert error_line(out) == (f"error: {work / 'in' / '9.txt'}:1:31: unknown tag 'vvn': "
                               "'说/vvn'")
    assert snapshot(work) == before


DISK_FULL = """
    import errno, io, os, builtins
    OUT = os.path.abspath({out!r})
    real_open = io.open
    free = [{room}]  # bytes left on the disk that holds OUT

    class Full:
        '''A file on that disk: a write fails with ENOSPC once the disk is full.'''
        def __init__(self, f):
            self.f = f
        def write(self, data):
            if len(data) > free[0]:
                self.f.write(data[:free[0]])
                self.f.flush()
                free[0] = 0
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            free[0] -= len(data)
            return self.f.write(data)
        def __getattr__(self, name):
            return getattr(self.f, name)
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            self.f.close()

    def full_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        inside = os.path.abspath(os.fspath(file)).startswith(OUT + os.sep)
        return Full(f) if inside and any(c in mode for c in "wax+") else f

    io.open = builtins.open = full_open
"""


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_full_disk_leaves_the_earlier_output(work, kind):
    name, to = OUTPUTS[kind]
    big_pku(work / "in" / "big.txt", lines=300)
    output = work / "out" / name
    assert run("convert", work / "in" / "pd.txt", output, *PKU, *to).returncode == 0
    before = snapshot(work)
    out = run_patched(DISK_FULL.format(out=str(work / "out"), room=5000), "convert",
                      work / "in" / "big.txt", output, *PKU, *to)
    assert error_line(out) == (f"error: cannot write {output}: No space left on device; "
                               "nothing was replaced")
    assert out.returncode == 1
    assert snapshot(work) == before


def test_stats_and_show_outputs_are_replaced_only_on_success(work):
    earlier = {"s.json": b"earlier figures", "t.png": b"earlier plot", "doc.json": b"earlier"}
    for name, data in earlier.items():
        (work / "out" / name).write_bytes(data)
    before = snapshot(work)
    json_png = ["--json", work / "out" / "s.json", "--png", work / "out" / "t.png"]
    out = run("stats", work / "in" / "gbk.txt", *PKU, *json_png)
    assert "gbk.txt: not utf-8" in error_line(out)
    out = run("show", CONFIGS / "pku1998.cfg", work / "in" / "gbk.txt", "--output",
              work / "out" / "doc.json")
    assert "gbk.txt: not utf-8" in error_line(out)
    full = DISK_FULL.format(out=str(work / "out"), room=100)
    out = run_patched(full, "stats", work / "in" / "pd.txt", *PKU, *json_png)
    assert error_line(out) == (f"error: cannot write {work / 'out' / 's.json'}: No space left "
                               "on device; nothing was replaced")
    out = run_patched(full, "show", CONFIGS / "pku1998.cfg", work / "in" / "pd.txt",
                      "--output", work / "out" / "doc.json")
    assert error_line(out) == (f"error: cannot write {work / 'out' / 'doc.json'}: No space "
                               "left on device; nothing was replaced")
    assert snapshot(work) == before
    out = run("stats", work / "in" / "pd.txt", *PKU, *json_png)
    assert out.returncode == 0, out.stderr
    assert (work / "out" / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b'"words": 17' in (work / "out" / "s.json").read_bytes()
    assert sorted(snapshot(work / "out")) == ["doc.json", "s.json", "t.png"]


# --- 4. errors: one line, exit 1, the file's own name, a readable excerpt ------------------------

def test_a_bad_file_in_a_folder_is_named_by_its_own_path(work):
    for args in (["validate", "in"], ["stats", "in"],
                 ["convert", "in", "out/o.jsonl", "--to", "jsonl"]):
        out = run(*args, *PKU, cwd=work)
        assert error_line(out) == ("error: in/gbk.txt: not utf-8 (invalid start byte at byte "
                                   "23); try the encoding gb18030 (GBK/GB2312 files) or "
                                   "utf-8-sig"), args
        assert out.returncode == 1


UNREADABLE = """
    import errno, io, os, builtins
    real_open = io.open

    def unreadable(file, *args, **kwargs):
        if os.path.basename(os.fspath(file)) == "pd.txt":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(file))
        return real_open(file, *args, **kwargs)

    io.open = builtins.open = unreadable
"""


@pytest.mark.parametrize("args", [
    ["validate", "in"], ["stats", "in/pd.txt"], ["convert", "in", "out/o.conllu", "--to", "conllu"],
    ["show", CONFIGS / "pku1998.cfg", "in/pd.txt"],
])
def test_an_unreadable_file_is_one_line(work, args):
    (work / "in" / "gbk.txt").unlink()  # read before pd.txt, and fails first
    extra = [] if args[0] == "show" else PKU
    out = run_patched(UNREADABLE, *args, *extra, cwd=work)
    assert error_line(out) == "error: cannot read in/pd.txt: Permission denied"
    assert out.returncode == 1


@pytest.mark.parametrize("command", [COMMAND, [sys.executable, "-m", "spacy", "pretagged"]])
@pytest.mark.parametrize("args,message", [
    (["convert", "missing.txt", "o.spacy"], "Invalid value for 'inputs': path 'missing.txt' "
                                            "does not exist (see: {prog} convert --help)"),
    (["convert"], "Missing argument 'inputs' (see: {prog} convert --help)"),
    (["convert", SEED, "o.spacy", "--zzz"], "No such option: --zzz (see: {prog} convert "
                                            "--help)"),
    (["convert", SEED, "o.spacy", "--batch-size", "many"], "Invalid value for '--batch-size'"),
    (["show", CONFIGS / "hanlp.cfg", CONFIGS], "Invalid value for 'path'"),
    (["bogus"], "No such command 'bogus' (see: {prog} --help)"),
])
def test_usage_errors_are_one_line_with_exit_code_1(tmp_path, command, args, message):
    prog = "python -m spacy_pretagged" if command == COMMAND else "python -m spacy pretagged"
    if args == ["bogus"] and command != COMMAND:
        message = "No such command 'bogus' (see: {prog} --help)"
    out = call([*command, *map(str, args)], cwd=tmp_path)
    assert error_line(out).startswith("error: " + message.format(prog=prog))
    assert out.returncode == 1
    assert list(tmp_path.iterdir()) == []


def test_a_5_mb_offending_line_is_not_echoed_whole(work):
    line = "他/r  说/v  " + "很" * 5_000_000 + "/vvn  \r\n"
    (work / "in" / "huge.txt").write_bytes(line.encode("utf-8"))
    out = run("convert", work / "in" / "huge.txt", work / "out" / "o.conllu", *PKU,
              "--to", "conllu", "--on-error", "raise")
    text = error_line(out)
    assert len(text) < 400
    assert re.fullmatch(rf"error: {re.escape(str(work / 'in' / 'huge.txt'))}:1:\d+: unknown tag "
                        rf"'vvn': '{'很' * 80}'… \(5,000,004 characters\)", text), text
    out = run("validate", work / "in" / "huge.txt", *PKU)
    assert out.returncode == 1 and len(out.stdout) < 1000


# --- 4. what a killed run leaves is found by the next run ---------------------------------

def _temporaries(folder, name):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


def _start_until(argv, ready, timeout=120):
    """Start `argv` in its own session and wait until `ready()`."""
    proc = subprocess.Popen([str(a) for a in argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "finished too soon"
        assert time.monotonic() < deadline, "not ready in time"
        time.sleep(0.02)
    return proc


def test_a_killed_runs_temporaries_are_removed_by_the_next_run(work):
    """`kill -9` of a `convert -n 2` while it writes (its workers end by themselves) leaves
    its temporary output and its parts folder; the next run to that target removes them and
    says so in one line, with their size."""
    big_pku(work / "in" / "big.txt", lines=6000)
    output = work / "out" / "big.conllu"

    def writing():
        names = _temporaries(work / "out", "big.conllu")
        return len(names) == 2 and (work / "out" / names[0]).stat().st_size > 0  # joined

    proc = _start_until([*COMMAND, "convert", work / "in" / "big.txt", output, *PKU,
                         "--to", "conllu", "-n", "2"], writing)
    proc.kill()
    proc.wait()
    left = _temporaries(work / "out", "big.conllu")
    assert [re.sub(r"\d+-\d+\.[0-9a-f]{8}", "RUN", name) for name in left] == [
        ".big.conllu.RUN.tmp", ".big.conllu.parts-RUN.tmp"]
    time.sleep(1)  # the workers see their parent gone within half a second
    out = run("convert", work / "in" / "pd.txt", output, *PKU, "--to", "conllu")
    assert out.returncode == 0, out.stderr
    warning = [line for line in out.stderr.replace("\r", "\n").splitlines()
               if line.startswith("warning:")]
    assert len(warning) == 1 and out.stderr.count("warning:") == 1, out.stderr
    size = r"\((\d+\.\d MB|[\d,]+ bytes)\)"
    assert re.fullmatch(rf"warning: removed what killed runs left beside big\.conllu "
                        rf"{size}: {re.escape(left[0])} {size}, {re.escape(left[1])} {size}",
                        warning[0])
    assert sorted(p.name for p in (work / "out").iterdir()) == ["big.conllu"]


def test_a_live_runs_temporary_is_never_touched(work):
    """A run to the same target while another still writes it: the other's temporary is
    left alone (its process lives), and that run ends as it would have."""
    big_pku(work / "in" / "big.txt", lines=6000)
    output = work / "out" / "big.conllu"

    def writing():
        names = _temporaries(work / "out", "big.conllu")
        return len(names) == 1 and (work / "out" / names[0]).stat().st_size > 0

    first = _start_until([*COMMAND, "convert", work / "in" / "big.txt", output, *PKU,
                          "--to", "conllu"], writing)
    try:
        theirs = _temporaries(work / "out", "big.conllu")
        out = run("convert", work / "in" / "pd.txt", output, *PKU, "--to", "conllu")
        assert out.returncode == 0 and "warning" not in out.stderr, out.stderr
        assert first.poll() is None, "the first run ended: nothing was tested"
        assert _temporaries(work / "out", "big.conllu") == theirs
        written = output.read_bytes()
        first.send_signal(signal.SIGTERM)
        assert first.wait(60) == 128 + signal.SIGTERM
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert sorted(p.name for p in (work / "out").iterdir()) == ["big.conllu"]
    assert output.read_bytes() == written
