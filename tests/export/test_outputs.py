"""`export.outputs`: an output appears whole or not at all, an earlier one survives a failed
run byte for byte, a shard folder is replaced as a whole but never if it holds anything of
the user's, and an output that is, holds or lies inside an input is refused."""
import errno
import os
import re
import signal
import subprocess
import time

import pytest

from spacy_pretagged import stop_signals
from spacy_pretagged.export import outputs
from spacy_pretagged.export.outputs import (
    OutputError,
    refuse_overlap,
    replacing_file,
    replacing_folder,
)

SHARDS = re.compile(r"\d{6,}\.spacy")


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_file_is_written_beside_and_renamed_into_place(tmp_path):
    target = tmp_path / "out.conllu"
    with replacing_file(target) as tmp:
        assert tmp.parent == tmp_path  # same folder: same file system, rename is atomic
        assert tmp.name.startswith(".out.conllu.") and tmp.name.endswith(".tmp")
        tmp.write_bytes(b"new")
        assert not target.exists()  # nothing at the target until the run succeeded
    assert target.read_bytes() == b"new"
    assert listing(tmp_path) == ["out.conllu"]


@pytest.mark.parametrize("error", [ValueError("strict error"), KeyboardInterrupt(),
                                   OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))])
def test_failed_run_leaves_the_earlier_file_as_it_was(tmp_path, error):
    target = tmp_path / "out.conllu"
    target.write_bytes(b"earlier output\n")
    with pytest.raises(type(error)):
        with replacing_file(target) as tmp:
            with tmp.open("w") as f:
                f.write("half of a new output")
                raise error  # e.g. the disk is full midway
    assert target.read_bytes() == b"earlier output\n"
    assert listing(tmp_path) == ["out.conllu"]


def test_permissions_are_those_of_open_or_of_the_earlier_file(tmp_path):
    mask = os.umask(0o027)
    try:
        with replacing_file(tmp_path / "new.txt") as tmp:
            tmp.write_text("x")
        earlier = tmp_path / "earlier.txt"
        earlier.write_text("old")
        earlier.chmod(0o604)
        with replacing_file(earlier) as tmp:
            tmp.write_text("x")
    finally:
        os.umask(mask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640
    assert earlier.stat().st_mode & 0o777 == 0o604


def test_a_symlinked_output_is_written_where_it_points(tmp_path):
    real = tmp_path / "data" / "out.jsonl"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    with replacing_file(link) as tmp:
        assert tmp.parent == real.parent
        tmp.write_text("new")
    assert link.is_symlink() and real.read_text() == "new"


def test_file_output_onto_a_folder_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        with replacing_file(tmp_path / "out"):
            pytest.fail("no temporary file for a refused output")
    assert listing(tmp_path) == ["out"]


def test_parent_folders_are_made(tmp_path):
    with replacing_file(tmp_path / "a" / "b" / "out.txt") as tmp:
        tmp.write_text("x")
    assert (tmp_path / "a" / "b" / "out.txt").read_text() == "x"


# --- shard folders --------------------------------------------------------------------------

def shard_folder(path, names):
    path.mkdir()
    for name in names:
        (path / name).write_bytes(f"old {name}".encode())
    return path


def test_folder_is_replaced_as_a_whole_no_stale_shards(tmp_path):
    target = shard_folder(tmp_path / "shards", [f"{i:06d}.spacy" for i in range(7)])
    with replacing_folder(target, SHARDS) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".shards.")
        assert listing(tmp) == []
        for i in range(3):
            (tmp / f"{i:06d}.spacy").write_bytes(b"new")
        assert len(listing(target)) == 7  # the earlier output is whole until the end
    assert listing(target) == ["000000.spacy", "000001.spacy", "000002.spacy"]
    assert all(p.read_bytes() == b"new" for p in target.iterdir())
    assert listing(tmp_path) == ["shards"]  # no temporary or old folder left


def test_new_folder(tmp_path):
    with replacing_folder(tmp_path / "new" / "shards", SHARDS) as tmp:
        (tmp / "000000.spacy").write_bytes(b"new")
    assert listing(tmp_path / "new" / "shards") == ["000000.spacy"]


@pytest.mark.parametrize("foreign", ["notes.txt", "000001.spacy.bak", "sub/"])
def test_folder_with_anything_else_is_refused_and_nothing_deleted(tmp_path, foreign):
    target = shard_folder(tmp_path / "shards", ["000000.spacy"])
    if foreign.endswith("/"):
        (target / foreign).mkdir()
    else:
        (target / foreign).write_text("the user's")
    before = {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()}
    with pytest.raises(OutputError, match=rf"holds {re.escape(foreign.rstrip('/'))}, which "
                                          "this command did not write"):
        with replacing_folder(target, SHARDS):
            pytest.fail("nothing is made for a refused output")
    assert {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()} == before
    assert listing(tmp_path) == ["shards"]


def test_folder_output_onto_a_file_is_refused(tmp_path):
    (tmp_path / "out.spacy").write_bytes(b"a DocBin")
    with pytest.raises(OutputError, match="is a file"):
        with replacing_folder(tmp_path / "out.spacy", SHARDS):
            pytest.fail("refused")
    assert (tmp_path / "out.spacy").read_bytes() == b"a DocBin"


@pytest.mark.parametrize("error", [RuntimeError("a worker died"), KeyboardInterrupt(),
                                   OSError(errno.ENOSPC, "No space left on device")])
def test_failed_run_leaves_the_earlier_folder_as_it_was(tmp_path, error):
    target = shard_folder(tmp_path / "shards", ["000000.spacy", "000001.spacy"])
    with pytest.raises(type(error)):
        with replacing_folder(target, SHARDS) as tmp:
            (tmp / "000000.spacy").write_bytes(b"new")
            raise error
    assert {p.name: p.read_bytes() for p in target.iterdir()} == {
        "000000.spacy": b"old 000000.spacy", "000001.spacy": b"old 000001.spacy"}
    assert listing(tmp_path) == ["shards"]


def test_a_file_appearing_in_the_old_folder_during_the_run_is_kept(tmp_path):
    target = shard_folder(tmp_path / "shards", ["000000.spacy"])
    with pytest.raises(OutputError, match="the new output is in ") as info:
        with replacing_folder(target, SHARDS) as tmp:
            (tmp / "000000.spacy").write_bytes(b"new")
            (target / "notes.txt").write_text("written meanwhile")
    assert (target / "notes.txt").read_text() == "written meanwhile"
    assert (target / "000000.spacy").read_bytes() == b"old 000000.spacy"
    kept = tmp_path / str(info.value).rsplit(" ", 1)[-1]
    assert (kept / "000000.spacy").read_bytes() == b"new"


# --- outputs that are, hold or lie inside inputs -----------------------------------------------

@pytest.fixture()
def tree(tmp_path):
    (tmp_path / "fold").mkdir()
    (tmp_path / "fold" / "a.txt").write_text("词/n")
    (tmp_path / "pd.txt").write_text("词/n")
    (tmp_path / "link").symlink_to(tmp_path / "fold")
    return tmp_path


@pytest.mark.parametrize("output,inputs,message", [
    ("pd.txt", ["pd.txt"], "the output pd.txt is also an input"),
    ("fold/z.txt", ["fold"], "the output fold/z.txt is inside the input folder fold"),
    ("link/z.txt", ["fold"], "the output link/z.txt is inside the input folder fold"),
    ("fold/deep/z.txt", ["link"], "is inside the input folder link"),
    ("fold", ["fold/a.txt"], "the input fold/a.txt is inside the output folder fold"),
    ("link", ["fold"], "the output link is also an input"),
    (".", ["pd.txt"], "the input pd.txt is inside the output folder ."),
    ("hard.txt", ["pd.txt"], "the output hard.txt is also an input"),
])
def test_overlapping_output_is_refused(tree, monkeypatch, output, inputs, message):
    monkeypatch.chdir(tree)
    os.link("pd.txt", "hard.txt")
    with pytest.raises(OutputError, match=re.escape(message)):
        refuse_overlap(output, inputs)


def test_a_symlinked_input_file_pointing_at_the_output_is_refused(tree, monkeypatch):
    monkeypatch.chdir(tree)
    (tree / "fold" / "b.txt").symlink_to(tree / "out.txt")
    files = sorted((tree / "fold").iterdir())
    with pytest.raises(OutputError, match="is the output out.txt or inside it"):
        refuse_overlap("out.txt", ["fold"], files)


@pytest.mark.parametrize("output,inputs", [
    ("pd.conllu", ["pd.txt"]),  # beside an input file
    ("out/pd.spacy", ["fold", "pd.txt"]),
    ("foldout", ["fold"]),  # a name that starts like an input folder's
])
def test_separate_outputs_pass(tree, monkeypatch, output, inputs):
    monkeypatch.chdir(tree)
    refuse_overlap(output, inputs, sorted((tree / "fold").iterdir()))


# --- a stop signal between creating the temporary output and the `try` that removes it ----

class Stopped(BaseException):
    pass


@pytest.fixture
def sigterm_raises():
    """SIGTERM raises `Stopped`, as the CLI's handler raises `Interrupted`."""
    def handler(signum, frame):
        raise Stopped(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_a_deferred_signal_is_raised_when_the_block_ends(sigterm_raises):
    steps = []
    with pytest.raises(Stopped):
        with stop_signals.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # calls return: where a handler would otherwise run
            steps.append("after the signal")
    assert steps == ["after the signal"]
    assert signal.getsignal(signal.SIGTERM).__name__ == "handler"  # the handler is back
    assert not signal.pthread_sigmask(signal.SIG_BLOCK, [])  # nothing left blocked


def test_without_a_signal_nothing_is_raised(sigterm_raises):
    with stop_signals.deferred():
        pass
    with pytest.raises(Stopped):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)


@pytest.mark.parametrize("replacing,folder", [(replacing_file, False),
                                              (replacing_folder, True)])
def test_a_signal_just_after_the_temporary_is_made_leaves_nothing(
        tmp_path, monkeypatch, sigterm_raises, replacing, folder):
    made = outputs._create

    def create_then_signalled(target, folder):
        path = made(target, folder)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)  # a handler able to run here would leave `path` behind
        return path

    monkeypatch.setattr(outputs, "_create", create_then_signalled)
    target = tmp_path / ("shards" if folder else "out.conllu")
    args = (target, SHARDS) if folder else (target,)
    with pytest.raises(Stopped):
        with replacing(*args):
            pytest.fail("the block runs after the signal was raised")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("replacing,folder", [(replacing_file, False),
                                              (replacing_folder, True)])
def test_a_stop_whose_exception_was_lost_is_raised_before_the_output_is_replaced(
        tmp_path, replacing, folder):
    """The CLI's handler notes the signal; if its exception is swallowed on the way up (see
    `stop_signals`), the run goes on, and must still not replace the earlier output."""
    target = tmp_path / ("shards" if folder else "out.conllu")
    if folder:
        target.mkdir()
        (target / "000000.spacy").write_bytes(b"earlier")
    else:
        target.write_bytes(b"earlier")
    args = (target, SHARDS) if folder else (target,)
    try:
        with pytest.raises(stop_signals.Interrupted) as raised:
            with replacing(*args) as tmp:
                (tmp / "000000.spacy" if folder else tmp).write_bytes(b"new")
                stop_signals.note(signal.SIGINT)  # handled, its exception lost
    finally:
        stop_signals.forget()
    assert raised.value.signum == signal.SIGINT
    assert listing(tmp_path) == [target.name]
    assert (target / "000000.spacy" if folder else target).read_bytes() == b"earlier"


# --- temporaries of killed runs ------------------------------------------------------------

@pytest.fixture(scope="module")
def dead_run():
    """The run tag (`<pid>-<start time>`) of a real process that has ended: read while it
    ran, then it was killed and reaped."""
    proc = subprocess.Popen(["sleep", "60"])
    try:
        tag = outputs.run_tag(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    assert outputs.run_is_gone(tag)
    return tag


def stale(folder, name, tag, kind="", suffix="tmp", size=10):
    path = folder / f".{name}.{kind}{tag}.{os.urandom(4).hex()}.{suffix}"
    if kind:
        path.mkdir()
        (path / "part-00000.conllu").write_bytes(b"x" * size)
    else:
        path.write_bytes(b"x" * size)
    return path


def test_temporaries_are_named_by_their_run(tmp_path):
    with replacing_file(tmp_path / "out.conllu") as tmp, \
            outputs.temporary_folder(tmp_path / "out.conllu") as parts:
        tag = outputs.run_tag()
        assert re.fullmatch(rf"\.out\.conllu\.{tag}\.[0-9a-f]{{8}}\.tmp", tmp.name)
        assert re.fullmatch(rf"\.out\.conllu\.parts-{tag}\.[0-9a-f]{{8}}\.tmp", parts.name)
        assert not outputs.run_is_gone(tag)
        (parts / "part-00000.conllu").write_bytes(b"part")
        tmp.write_bytes(b"new")
    assert listing(tmp_path) == ["out.conllu"]  # the parts folder went with the block


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="start times: /proc")
def test_a_reused_process_id_is_not_the_run():
    pid, start = outputs.run_tag().split("-")
    assert outputs.run_is_gone(f"{pid}-{int(start) + 1}")  # this id, another start time
    assert not outputs.run_is_gone(f"{pid}-{start}")


def test_stale_temporaries_of_the_target_are_removed_and_said_in_one_line(
        tmp_path, dead_run, caplog):
    """What a killed run left beside the target goes when the next run to that target
    starts; a live run's, another target's, names not of our pattern stay."""
    dead = [stale(tmp_path, "out.conllu", dead_run, size=200_000),
            stale(tmp_path, "out.conllu", dead_run, kind="parts-", size=5)]
    live_run = subprocess.Popen(["sleep", "60"])
    try:
        kept = [stale(tmp_path, "out.conllu", outputs.run_tag(live_run.pid)),  # running
                stale(tmp_path, "out.conllu", outputs.run_tag()),  # this process's
                stale(tmp_path, "other.conllu", dead_run),  # another target's
                tmp_path / ".out.conllu.1a2b3c4d.tmp"]  # no run in the name
        kept[-1].write_bytes(b"y")
        before = {p.name: p.read_bytes() for p in kept}
        with caplog.at_level("WARNING", logger="spacy_pretagged"):
            with replacing_file(tmp_path / "out.conllu") as tmp:
                tmp.write_bytes(b"new")
        assert not any(p.exists() for p in dead)
        assert {p.name: p.read_bytes() for p in kept} == before
        assert (tmp_path / "out.conllu").read_bytes() == b"new"
        lines = [r.getMessage() for r in caplog.records]
        assert len(lines) == 1 and "\n" not in lines[0]
        assert lines[0].startswith("removed what killed runs left beside out.conllu (0.2 MB): ")
        assert f"{dead[0].name} (0.2 MB)" in lines[0] and f"{dead[1].name} (5 bytes)" in lines[0]
    finally:
        live_run.kill()
        live_run.wait()


def test_a_swap_cut_between_its_renames_is_kept_whole(tmp_path, dead_run, caplog):
    """Killed after moving the old folder aside, before moving the new one in: the target
    is missing and the `.old` and `.tmp` are the complete outputs; they are named, not
    removed. Once the target is there, a dead run's `.old` is only a leftover."""
    old = stale(tmp_path, "shards", dead_run, suffix="old")
    new = stale(tmp_path, "shards", dead_run)
    with caplog.at_level("WARNING", logger="spacy_pretagged"):
        assert outputs.remove_stale(tmp_path / "shards") == []
    assert old.exists() and new.exists()
    assert "both complete" in caplog.records[0].getMessage()
    (tmp_path / "shards").mkdir()
    assert sorted(p for p, _ in outputs.remove_stale(tmp_path / "shards")) == sorted([old, new])
    assert listing(tmp_path) == ["shards"]
