"""`convert --engine dask`: shards on a LocalCluster of 2 workers equal a single-process
convert token for token; line-aligned chunks that never split an article; the manifest; the
file's real line numbers in problems and errors."""
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import distributed
import pytest
import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_pretagged import distributed as dd
from spacy_pretagged import tagsets
from spacy_pretagged.cli import app
from spacy_pretagged.formats import Reader, ReaderSettings
from spacy_pretagged.pipeline import Conversion
from tests.cli.processes import HAS_PROC, children_of, patched, run_and, shown, wait_for_children
from tests.helpers import SEED, call, error_line, read_seed, snapshot

# Starts Dask clusters and subprocesses.
pytestmark = pytest.mark.slow

PKU = ["-f", "spaced", "-t", "pku"]


def job(preset, **options):
    """What the CLI's convert does by default for the preset (lenient)."""
    return Conversion(ReaderSettings.preset(preset, on_error="warn"), **options)


WORDS = ["江/nr  泽民/nr", "[中央/n  人民/n  广播/vn  电台/n]nt", "北京/ns", "讲话/v", "新/a",
         "世纪/n", "，/w", "他/r", "说/v", "的/u", "经济/n", "发展/vn", "看{kan4}/v"]


def pku_text(articles, seed, bad_at=None, date="19980101"):
    """People's Daily style: articles of 1-7 paragraphs, CRLF, a blank line after some
    articles; `bad_at`: put an unknown tag on that (1-based) line."""
    rng = random.Random(seed)
    lines = []
    for a in range(1, articles + 1):
        for p in range(1, rng.randint(1, 7) + 1):
            words = "  ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
            lines.append(f"{date}-01-{a:03d}-{p:03d}/m  {words}  。/w  ")
            if bad_at is not None and len(lines) == bad_at:
                lines[-1] += "面试/vvn  "
            if rng.random() < 0.1:  # no id: belongs to the article; `#` is text in PKU
                lines.append(f"#/w  {rng.choice(WORDS)}  ")
        if rng.random() < 0.3:
            lines.append("")
    return "\r\n".join(lines) + "\r\n"


def hanlp_text():
    """The seed cut into many lines at `。/w`, with every kind of line break, blank lines,
    titles and lines starting with whitespace (which belongs to the break before it)."""
    title, body = read_seed().split("\n", 1)
    lines = [title] + [part + "。/w" for part in body.split("。/w") if part]
    breaks = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]
    out = []
    for i, line in enumerate(lines):
        if i % 5 == 3:
            line = "  " + line
        if i % 9 == 8:
            line = "#" + line
        out.append(line + breaks[i % len(breaks)])
    return "".join(out)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as c, distributed.Client(c) as client:
        yield client


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dask")
    (tmp / "pd.txt").write_bytes(pku_text(60, 1).encode("utf-8"))
    (tmp / "pd_bad.txt").write_bytes(pku_text(60, 2, bad_at=170).encode("utf-8"))
    (tmp / "hanlp.txt").write_bytes(hanlp_text().encode("utf-8"))
    return tmp


def local(*args):
    """The single-process convert, in this process."""
    result = CliRunner().invoke(app, ["convert", *map(str, args)])
    return result


def docbin_docs(path):
    vocab = spacy.blank("zh").vocab
    files = sorted(path.glob("*.spacy")) if path.is_dir() else [path]
    return [doc for f in files for doc in DocBin().from_disk(f).get_docs(vocab)]


def same_docs(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert [(t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_,
                 t.is_sent_start) for t in a] == \
               [(t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_,
                 t.is_sent_start) for t in b]
        assert [(e.start, e.end, e.label_) for e in a.ents] == \
               [(e.start, e.end, e.label_) for e in b.ents]
        assert a.to_json() == b.to_json()  # text, spans (titles, compounds) too
        assert a.user_data == b.user_data  # paragraph ids, pinyin


def counts(docs):
    """As the writers count: sentences with a word; words and whitespace tokens apart."""
    spaces = sum(t.is_space for d in docs for t in d)
    return {"docs": len(docs),
            "sentences": sum(any(not t.is_space for t in s) for d in docs for s in d.sents),
            "words": sum(len(d) for d in docs) - spaces, "whitespace": spaces}


def check_manifest(manifest, want):
    shards = manifest["shards"]
    for key in ("docs", "sentences", "words", "whitespace"):
        assert manifest["totals"][key] == sum(s[key] for s in shards) == want[key]
    assert manifest["totals"]["shards"] == len(shards)
    assert [s["shard"].split(".")[0] for s in shards] == \
           [f"part-{i:05d}" for i in range(len(shards))]
    for prev, s in zip(shards, shards[1:]):  # contiguous, line-aligned chunks
        if prev["source"] == s["source"]:
            assert s["bytes"][0] == prev["bytes"][1]
            assert s["first_line"] == prev["first_line"] + prev["lines"]


def test_cli_on_local_cluster_equals_single_process(data, tmp_path):
    inputs = [SEED, data / "hanlp.txt"]
    assert local(*inputs, tmp_path / "one.spacy").exit_code == 0
    out = subprocess.run([sys.executable, "-m", "spacy_pretagged", "convert", *map(str, inputs),
                          str(tmp_path / "shards"), "--engine", "dask", "--n-process", "2",
                          "--chunk-bytes", "2000"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "on 2 dask worker(s)" in " ".join(out.stdout.split())
    manifest = json.loads((tmp_path / "shards" / "manifest.json").read_text("utf-8"))
    assert manifest["engine"]["workers"] == 2
    assert manifest["engine"]["scheduler"] == "LocalCluster"
    assert len(manifest["shards"]) > 3
    assert [s["source"] for s in manifest["shards"]][:2] == [str(SEED), str(data / "hanlp.txt")]
    want = docbin_docs(tmp_path / "one.spacy")
    same_docs(docbin_docs(tmp_path / "shards"), want)
    check_manifest(manifest, counts(want))


@pytest.mark.parametrize("doc_per", ["article", "line", "file"])
def test_pku_shards_equal_single_process_and_keep_articles(cluster, data, tmp_path, doc_per):
    path = data / "pd.txt"
    assert local(path, tmp_path / "one.spacy", *PKU, "--doc-per", doc_per).exit_code == 0
    manifest = dd.convert([path], tmp_path / "shards", job("pku", doc_per=doc_per),
                          chunk_bytes=2000, client=cluster)
    shards = manifest["shards"]
    assert len(shards) == (1 if doc_per == "file" else pytest.approx(len(
        path.read_bytes()) / 2000, rel=0.5))
    want = docbin_docs(tmp_path / "one.spacy")
    got = docbin_docs(tmp_path / "shards")
    same_docs(got, want)
    check_manifest(manifest, counts(want))
    if doc_per == "article":
        articles = [{pid.rsplit("-", 1)[0] for _, pid, _ in d.user_data["pretagged_ids"]}
                    for d in got]
        assert all(len(a) == 1 for a in articles)
        assert len({a.pop() for a in articles}) == len(got) == 60
        # a chunk starts where an article starts
        text = path.read_bytes()
        for s in shards[1:]:
            start = s["bytes"][0]
            assert text[start - 2:start] == b"\r\n"
            assert text[start:start + 23].endswith(b"-001/m  ")


@pytest.mark.parametrize("to", ["conllu", "jsonl"])
def test_text_formats_equal_single_process(cluster, data, tmp_path, to):
    path = data / "hanlp.txt"
    assert local(path, tmp_path / f"one.{to}", "--to", to).exit_code == 0
    manifest = dd.convert([path], tmp_path / "shards", job("hanlp", to=to),
                          chunk_bytes=2000, client=cluster)
    assert len(manifest["shards"]) > 2
    want = (tmp_path / f"one.{to}").read_text("utf-8")
    got = "".join((tmp_path / "shards" / s["shard"]).read_text("utf-8")
                  for s in manifest["shards"])
    if to == "jsonl":
        assert got == want
        return
    lines = lambda text: [line for line in text.split("\n") if not line.startswith("#")]
    assert lines(got) == lines(want) and len(lines(want)) > 1000
    sent_ids = [line for line in got.split("\n") if line.startswith("# sent_id = ")]
    assert len(sent_ids) == len(set(sent_ids)) == manifest["totals"]["sentences"]


def test_upos_source_in_misc_on_dask_equals_single_process(cluster, data, tmp_path):
    path = data / "hanlp.txt"
    assert local(path, tmp_path / "one.conllu", "--to", "conllu",
                 "--misc-upos-source").exit_code == 0
    manifest = dd.convert([path], tmp_path / "shards",
                          job("hanlp", to="conllu", misc_upos_source=True),
                          chunk_bytes=2000, client=cluster)
    got = "".join((tmp_path / "shards" / s["shard"]).read_text("utf-8")
                  for s in manifest["shards"])
    words = lambda text: [line for line in text.split("\n") if line[:1].isdigit()]  # noqa: E731
    assert words(got) == words((tmp_path / "one.conllu").read_text("utf-8"))
    assert all("UposSource=" in line for line in words(got))


def test_lenient_problem_has_the_files_line_number(cluster, data, tmp_path):
    path = data / "pd_bad.txt"
    line = path.read_bytes().split(b"\r\n")[169].decode("utf-8")
    col = line.index("面试/vvn") + len("面试/") + 1
    manifest = dd.convert([path], tmp_path / "shards", job("pku", doc_per="article"),
                          chunk_bytes=2000, client=cluster)
    bad = [s for s in manifest["shards"] if s["problems"]]
    assert len(bad) == 1 and bad[0]["first_line"] > 1  # not in the first chunk
    assert bad[0]["problems"] == {"unknown_tag": 1}
    assert bad[0]["problem_list"] == [{"kind": "unknown_tag", "line": 170, "col": col,
                                       "text": "面试/vvn", "message": "unknown tag 'vvn'"}]
    assert manifest["files"][str(path)]["problems"] == manifest["totals"]["problems"] == \
        {"unknown_tag": 1}
    # the single-process reader says the same
    reader = Reader(tagsets.load("pku").tags, format="spaced", on_error="warn")
    problem = reader.read(path.read_text("utf-8")).problems[0]
    assert (problem.line, problem.col) == (170, col)


def test_strict_error_names_file_line_col_like_single_process(cluster, data, tmp_path):
    path = data / "pd_bad.txt"
    single = local(path, tmp_path / "one.spacy", *PKU, "--on-error", "raise")
    assert single.exit_code == 1
    out = subprocess.run(
        [sys.executable, "-m", "spacy_pretagged", "convert", str(path), str(tmp_path / "s"),
         *PKU, "--on-error", "raise", "--engine", "dask", "--chunk-bytes", "2000",
         "--scheduler", cluster.scheduler.address], capture_output=True, text=True)
    assert out.returncode == 1
    line = path.read_bytes().split(b"\r\n")[169].decode("utf-8")
    col = line.index("面试/vvn") + len("面试/") + 1
    error = f"error: {path}:170:{col}: unknown tag 'vvn': '面试/vvn'"
    assert out.stderr.splitlines()[-1] == error
    assert single.stderr.splitlines()[-1].endswith(error)  # after its progress bar
    assert not (tmp_path / "s" / "manifest.json").exists()


def test_plan_cuts_at_line_starts(tmp_path):
    """Every kind of line break, no cut inside `\\r\\n`; chunks cover the file."""
    path = tmp_path / "breaks.txt"
    breaks = ["\n", "\r\n", "\r", "\r\n\r\n"]
    path.write_bytes("".join(f"词{i}/n{breaks[i % 4]}" for i in range(400)).encode("utf-8"))
    reader = Reader(tagsets.load("hanlp").tags)
    data = path.read_bytes()
    for size in (1, 7, 50, 333):
        chunks = dd.plan([(str(path), path)], reader, "utf-8", "line", size)
        assert len(chunks) > len(data) // (size + 40)
        assert chunks[0].start == 0 and chunks[-1].end == len(data)
        for a, b in zip(chunks, chunks[1:]):
            assert a.end == b.start and b.context < b.start and b.start - a.start >= size
            assert data[b.start - 1:b.start] in (b"\n", b"\r")
            assert data[b.start - 1:b.start + 1] != b"\r\n"
            # the context: the line before the cut, and the blank lines after it
            assert re.fullmatch(rb"[^\r\n]+[\r\n]+", data[b.context:b.start])
    assert len(dd.plan([(str(path), path)], reader, "utf-8", "file", 1)) == 1
    assert len(dd.plan([(str(path), path)], reader, "utf-16", "line", 1)) == 1


def test_unreachable_scheduler_is_a_one_line_error(tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(dd.DistributedError, match="^cannot reach the dask scheduler at "
                           "tcp://127.0.0.1:1: .*"):
            dd.convert([SEED], tmp_path / "o", job("hanlp"), scheduler="tcp://127.0.0.1:1")


def test_errors_are_one_line(tmp_path):
    out = subprocess.run([sys.executable, "-m", "spacy_pretagged", "convert", str(SEED),
                          str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:1"],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr == "error: --scheduler and --chunk-bytes need --engine dask\n"
    # without the extra: one line saying what to install
    code = ("import sys; sys.modules['distributed'] = None; sys.argv = ['x', 'convert', "
            f"{str(SEED)!r}, {str(tmp_path / 'o')!r}, '--engine', 'dask']\n"
            "from spacy_pretagged.cli import app; app(prog_name='x')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr == "error: --engine dask needs: pip install 'spacy-pretagged[dask]'\n"


# --- the output folder: replaced as a whole, only when the run succeeded (issue 14) ----------

def cli(*args, cwd=None):
    return call([sys.executable, "-m", "spacy_pretagged", "convert", *map(str, args)], cwd=cwd,
                env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})


def one_error_line(out):
    line = error_line(out)
    assert out.returncode == 1
    return line


@pytest.fixture()
def earlier(cluster, data, tmp_path):
    """tmp/in/pd.txt, tmp/in/pd_bad.txt, and tmp/shards: an earlier run's shards and
    manifest."""
    (tmp_path / "in").mkdir()
    for name in ("pd.txt", "pd_bad.txt"):
        (tmp_path / "in" / name).write_bytes((data / name).read_bytes())
    dd.convert([tmp_path / "in" / "pd.txt"], tmp_path / "shards", job("pku"),
               chunk_bytes=2000, client=cluster)
    assert len(list((tmp_path / "shards").glob("part-*.spacy"))) > 3
    return tmp_path


@pytest.mark.parametrize("why", ["scheduler typo", "strict error"])
def test_failed_run_leaves_the_earlier_shards_and_manifest(cluster, earlier, why):
    before = snapshot(earlier)
    if why == "scheduler typo":
        args = ["in/pd.txt", "shards", *PKU, "--engine", "dask", "--scheduler",
                "tcp//localhost:8786"]
    else:
        args = ["in/pd_bad.txt", "shards", *PKU, "--engine", "dask", "--on-error", "raise",
                "--chunk-bytes", "2000", "--scheduler", cluster.scheduler.address]
    line = one_error_line(cli(*args, cwd=earlier))
    assert ("cannot reach the dask scheduler at tcp//localhost:8786" in line
            if why == "scheduler typo" else "unknown tag 'vvn'" in line)
    assert snapshot(earlier) == before


def test_output_folder_that_is_or_holds_an_input_is_refused(earlier):
    # the issue's `convert dk dk --engine dask`: dk holds an earlier run's part-*.txt
    dk = earlier / "dk"
    dd.convert([earlier / "in" / "pd.txt"], dk, job("pku", to="pretagged"), chunk_bytes=2000,
               n_workers=1)
    before = snapshot(earlier)
    line = one_error_line(cli("dk", "dk", *PKU, "--engine", "dask", "--to", "pretagged",
                              cwd=earlier))
    assert line == "error: the output dk is also an input; write it elsewhere"
    line = one_error_line(cli("dk/part-00000.txt", "dk", *PKU, "--engine", "dask", "--to",
                              "pretagged", cwd=earlier))
    assert line == ("error: the input dk/part-00000.txt is inside the output folder dk, "
                    "which the output replaces; write it elsewhere")
    assert snapshot(earlier) == before


def test_shard_folder_holding_anything_else_is_refused_nothing_deleted(earlier):
    (earlier / "shards" / "README.txt").write_text("the user's notes on these shards")
    before = snapshot(earlier)
    line = one_error_line(cli("in/pd.txt", "shards", *PKU, "--engine", "dask", "-n", "1",
                              cwd=earlier))
    assert line.startswith("error: the output folder shards holds README.txt, which this "
                           "command did not write")
    assert snapshot(earlier) == before


def test_rerun_replaces_the_folder_whole(cluster, earlier):
    manifest = dd.convert([earlier / "in" / "pd.txt"], earlier / "shards", job("pku"),
                          chunk_bytes=10 ** 6, client=cluster)
    assert len(manifest["shards"]) == 1
    assert sorted(snapshot(earlier / "shards")) == ["manifest.json", "part-00000.spacy"]
    assert [p.name for p in earlier.iterdir() if p.name.startswith(".")] == []


def test_full_disk_when_writing_the_manifest_leaves_the_earlier_output(cluster, earlier,
                                                                       monkeypatch):
    import errno
    from pathlib import Path

    before = snapshot(earlier)
    write_text = Path.write_text

    def full(self, *args, **kwargs):
        if self.name == dd.MANIFEST:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(dd.DistributedError, match=r"^cannot write .*shards: No space left on "
                                                  r"device; .*shards is as it was$"):
        dd.convert([earlier / "in" / "pd.txt"], earlier / "shards", job("pku"),
                   chunk_bytes=1000, client=cluster)
    assert snapshot(earlier) == before


# --- the LocalCluster `convert` starts listens on localhost only (issue 14) ---------------------

def test_local_cluster_settings_bind_the_dashboard_to_localhost():
    from spacy_pretagged.distributed.client import LOCAL_CLUSTER

    assert LOCAL_CLUSTER["dashboard_address"].rsplit(":", 1)[0] == "127.0.0.1"
    assert LOCAL_CLUSTER["host"] == "127.0.0.1"


def test_local_cluster_listens_on_localhost_only():
    """Started as `convert` starts it: every listening socket of the scheduler (in this
    process: its comm and the dashboard's HTTP server) and of the worker processes is on
    127.0.0.1, never on all interfaces."""
    import psutil

    from spacy_pretagged.distributed.client import LOCAL_CLUSTER

    def listening(process):
        return {(c.laddr.ip, c.laddr.port) for c in process.net_connections("inet")
                if c.status == psutil.CONN_LISTEN}

    me = psutil.Process()
    before = listening(me)
    with distributed.LocalCluster(n_workers=1, **LOCAL_CLUSTER) as c:
        dashboard = int(c.dashboard_link.split(":")[2].split("/")[0])
        ours = listening(me) - before
        assert dashboard in {port for _, port in ours}
        workers = [listening(child) for child in me.children(recursive=True)]
    assert ours and {ip for ip, _ in ours} == {"127.0.0.1"}
    assert any(workers) and {ip for w in workers for ip, _ in w} == {"127.0.0.1"}


# --- empty files: the same under every engine (issue 19) ---------------------------------------

@pytest.mark.parametrize("doc_per", ["file", "line", "article"])
@pytest.mark.parametrize("to", ["conllu", "jsonl", "pretagged", "spacy"])
def test_empty_files_give_what_one_process_gives(cluster, tmp_path, doc_per, to):
    """An empty file, a file of blank lines and an empty file beside a non-empty one: one
    process, `-n 2` and Dask write the same (no Doc for an empty file)."""
    from spacy_pretagged.distributed import pool

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\r\n\r\n")
    (tmp_path / "both").mkdir()
    (tmp_path / "both" / "a.txt").write_bytes(b"")
    (tmp_path / "both" / "b.txt").write_bytes(pku_text(3, 1).encode("utf-8"))
    conversion = job("pku", to=to, doc_per=doc_per)
    for name in ("empty.txt", "blank.txt", "both"):
        one = tmp_path / f"one-{name}"
        result = local(tmp_path / name, one, *PKU, "--to", to, "--doc-per", doc_per)
        assert result.exit_code == 0, result.output
        manifest = dd.convert([tmp_path / name], tmp_path / f"dask-{name}", conversion,
                              client=cluster)
        assert (manifest["totals"]["docs"] > 0) == (name == "both")
        shards = [tmp_path / f"dask-{name}" / s["shard"] for s in manifest["shards"]]
        if to == "spacy":
            same_docs([d for s in shards for d in docbin_docs(s)], docbin_docs(one))
            continue
        pool.convert([tmp_path / name], tmp_path / f"pool-{name}", conversion, n_workers=2,
                     chunk_bytes=1000)
        assert (tmp_path / f"pool-{name}").read_bytes() == one.read_bytes()
        if to != "conllu":  # CoNLL-U shards carry their own doc ids
            assert b"".join(s.read_bytes() for s in shards) == one.read_bytes()


# --- a worker that dies (issue 19) ---------------------------------------------------------

WORKER = "spawn_main"  # in the command line of a LocalCluster's worker process


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A PKU file of some seconds' work in 8 chunks, and its JSONL from one process."""
    from tests.cli.test_safety import big_pku

    tmp = tmp_path_factory.mktemp("big")
    big_pku(tmp / "big.txt", lines=6000)
    assert local(tmp / "big.txt", tmp / "want.jsonl", *PKU, "--to", "jsonl").exit_code == 0
    return tmp


def dask_command(big, output, *options, no_worker_seconds=60):
    return [sys.executable, "-c", patched(
        f"from spacy_pretagged.distributed import client\n"
        f"client.NO_WORKER_SECONDS = {no_worker_seconds}\n",
        "convert", big / "big.txt", output, *PKU, "--to", "jsonl", "--engine", "dask",
        "-n", "2", "--chunk-bytes", "100k", *options)]


def converting(proc, folder):
    """Wait until the workers write shards into the new folder beside `folder/shards`."""
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".shards.") and p.is_dir() and any(p.iterdir())
                  for p in folder.iterdir()):
        assert proc.poll() is None, "finished before it converted"
        assert time.monotonic() < deadline, "no shard in 120 s"
        time.sleep(0.05)


@pytest.mark.skipif(not HAS_PROC, reason="needs /proc")
@pytest.mark.parametrize("seed", [1, 2])
def test_a_dask_worker_killed_mid_run_costs_nothing(big, tmp_path, seed):
    """SIGKILL to a LocalCluster worker at a random moment: its nanny starts a new one, the
    scheduler runs the task again, and the shards are what one process writes; no
    half-written shard is left, nothing on stderr but the progress bar, no process left."""
    rng = random.Random(seed)
    output = tmp_path / "shards"

    def kill_one(proc):
        workers = wait_for_children(proc, 2, WORKER)
        converting(proc, tmp_path)
        time.sleep(rng.uniform(0, 0.8))
        assert proc.poll() is None, "finished before the kill"
        os.kill(rng.choice(workers), signal.SIGKILL)

    out = run_and(dask_command(big, output), kill_one)
    assert out.returncode == 0, out.stderr
    assert shown(out.stderr) == []
    shards = sorted(p for p in output.iterdir() if p.name != "manifest.json")
    assert (output / "manifest.json").exists() and len(shards) > 4
    assert all(p.name.startswith("part-") for p in shards)  # no `.part-….tmp`
    assert b"".join(p.read_bytes() for p in shards) == (big / "want.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shards"]


@pytest.mark.skipif(not HAS_PROC, reason="needs /proc")
def test_dask_workers_killed_again_and_again_end_the_command_with_one_line(big, tmp_path):
    """Every worker killed as soon as it is seen: the scheduler gives the task up after its
    second worker died, or the nannies give up restarting them and the cluster has no
    worker (10 s here): either way one line naming a chunk, exit code 1, the earlier output
    as it was, nothing left."""
    output = tmp_path / "shards"
    output.mkdir()
    (output / "part-00000.jsonl").write_bytes(b"earlier\n")
    before = snapshot(tmp_path)

    def kill_all(proc):
        converting(proc, tmp_path)
        while proc.poll() is None:
            for pid in children_of(proc.pid, WORKER):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)

    out = run_and(dask_command(big, output, no_worker_seconds=10), kill_all, timeout=120)
    line = error_line(out)
    assert re.fullmatch(
        rf"error: {re.escape(str(big))}/big\.txt bytes \d+-\d+: (the dask worker converting "
        r"it died, and so did the one given it again|not converted, the dask cluster has had "
        r"no worker for 10 s \(they died:) .*", line)
    assert out.returncode == 1
    assert snapshot(tmp_path) == before


BOGUS_PATH = """
    from spacy_pretagged.distributed import client
    real = client.plan
    def plan(*args):
        chunks = real(*args)
        return [c._replace(path="/nonexistent/big.txt") if c.number == 1 else c
                for c in chunks]
    client.plan = plan
"""


def test_a_failing_dask_task_is_one_line_and_verbose_shows_dasks_logs(big, tmp_path):
    """A task that raises on its worker (its input gone): Dask's worker logs it with the
    task's traceback; the command shows one line, unless --verbose."""
    args = ["convert", big / "big.txt", tmp_path / "shards", *PKU, "--to", "jsonl",
            "--engine", "dask", "-n", "1", "--chunk-bytes", "100k"]
    out = call([sys.executable, "-c", patched(BOGUS_PATH, *args)])
    assert re.fullmatch(rf"error: {re.escape(str(big))}/big\.txt bytes \d+-\d+: "
                        r"FileNotFoundError: \[Errno 2\] No such file or directory: "
                        r"'/nonexistent/big.txt'", error_line(out))
    verbose = call([sys.executable, "-c", patched(BOGUS_PATH, *args, "--verbose")])
    assert verbose.returncode == 1
    assert "Compute Failed" in verbose.stderr and "Traceback" in verbose.stderr
    assert shown(verbose.stderr)[-1] == error_line(out)
    assert sorted(tmp_path.iterdir()) == []
