"""The stage driver (data_pipeline/stage.py) against real faults: shards that do not read
back, writes the disk or its permissions refuse, a driver killed as a user kills it, and
Ray's and DeepSpeed's own output kept off the terminal. Real Ray, real Parquet, real disks."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from data_pipeline.common import cluster_workers
from data_pipeline.extract import ExtractSummary
from data_pipeline.profile import ProfileConfig, ProfileSummary, run
from data_pipeline.shards import DamagedShard, Shards, ShardWriteError, shard_name, write_shard
from data_pipeline.stage import Outcome, Stage, StageError, Summary, Worker, run_stage
from effiskel.sandbox import Limits
from effiskel.schema import RUNS, TASKS
from tests.data_pipeline.conftest import cli_env, make_corpus, process_tree, still_running

EFFISKEL = str(Path(sys.executable).parent / "effiskel")


def table(out: Path, name: str) -> list[dict]:
    return pads.dataset(out / name, format="parquet").to_table().to_pylist()


def cfg_for(corpus: Path, out: Path, **kw) -> ProfileConfig:
    base = dict(source="mini", data=str(corpus), out=str(out), repeat=2, top_k=3,
                chunk_size=2, workers=2, progress=False, limits=Limits(cpu_time_s=2))
    return ProfileConfig(**{**base, **kw})


# ----------------------------------------------------------------------------- damage
def truncate(path: Path) -> None:
    """A copy cut short, or a disk that filled up under a non-atomic writer."""
    path.write_bytes(path.read_bytes()[:-40])


def garbage(path: Path) -> None:
    path.write_bytes(b"these bytes were never a Parquet file\n" * 4)


def flip_a_data_byte(path: Path) -> None:
    """One bit of rot inside a data page: the footer still reads."""
    data = bytearray(path.read_bytes())
    col = pq.read_metadata(path).row_group(0).column(0)
    data[col.data_page_offset + col.total_compressed_size - 1] ^= 0xFF
    path.write_bytes(bytes(data))


def runs_rows(n: int) -> list[dict]:
    return [{"task_id": "t/1", "solution_id": str(i), "verdict": "AC", "time_ns": 1000 + i}
            for i in range(n)]


def test_a_shard_is_trusted_only_once_it_reads_back(work_dir):
    shards = Shards(work_dir / "out")
    shards.write("runs", "good", runs_rows(50))
    assert shards.done("runs", "good")
    assert [r["time_ns"] for r in shards.reuse("runs", "good")] == [1000 + i for i in range(50)]

    for name, damage in (("cut", truncate), ("junk", garbage), ("rot", flip_a_data_byte)):
        shards.write("runs", name, runs_rows(50))
        damage(shards.path("runs", name))
    write_shard([{"task_id": "t/1"}], TASKS, shards.path("runs", "other"))  # another table's
    assert not shards.done("runs", "cut") and not shards.done("runs", "junk")
    assert not shards.done("runs", "other")
    # The footer of the rotten shard is intact, which is all `done` reads; a whole read
    # checks every page against its CRC (without one, it would decode to other values).
    assert shards.done("runs", "rot")
    assert shards.reuse("runs", "rot") is None
    for name in ("cut", "junk", "rot", "other"):
        assert not shards.path("runs", name).exists()  # removed, so the stage redoes it
    assert [r.split(":")[0] for r in shards.redone] == [
        str(shards.path("runs", n)) for n in ("cut", "junk", "other", "rot")]
    assert "lacks the columns" in shards.redone[2]

    # A previous stage's shard is never deleted: reading it says which file and why.
    src = Shards(work_dir / "src")
    src.write("runs", "x", runs_rows(5))
    truncate(src.path("runs", "x"))
    with pytest.raises(DamagedShard, match=str(src.path("runs", "x"))):
        src.read("runs", "x")
    assert src.path("runs", "x").exists()


@contextlib.contextmanager
def refused_writes(directory: Path):
    """Writes into `directory` fail as a real permission problem makes them fail: a mode
    for a user, the immutable attribute for root (whom modes do not stop)."""
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(directory)], capture_output=True).returncode:
        pytest.skip(f"chattr +i is not supported on {directory}'s filesystem")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


def test_a_refused_write_names_the_path_and_leaves_no_temporary_file(work_dir):
    path = work_dir / "runs" / "a.parquet"
    with refused_writes(path.parent), pytest.raises(ShardWriteError) as e:
        write_shard(runs_rows(3), RUNS, path)
    assert str(e.value).startswith(f"cannot write {path}: [Errno ")
    assert "\n" not in str(e.value)
    assert list(path.parent.iterdir()) == []


# ----------------------------------------------------------------------------- summaries
def test_summaries_merge_by_kind_and_in_any_order():
    a = ProfileSummary(source="mini", tasks_in=2, solutions_by_verdict=Counter(AC=3, WA=1),
                       worker_cpus={"h:1": "CPU 0"})
    b = ProfileSummary(source="mini", tasks_in=1, solutions_by_verdict=Counter(AC=2, RE=1),
                       worker_cpus={"h:2": "CPU 1"})
    a.merge(b)
    assert a.source == "mini" and a.tasks_in == 3  # a setting is kept, a count adds
    assert a.solutions_by_verdict == Counter(AC=5, WA=1, RE=1)
    assert a.worker_cpus == {"h:1": "CPU 0", "h:2": "CPU 1"}
    assert a.to_dict()["solutions_by_verdict"] == {"AC": 5, "WA": 1, "RE": 1}

    def unit(kept: list[float]) -> ExtractSummary:
        s = ExtractSummary(k=5, strategies=("sms",))
        s.add([{"task_id": f"t{i}", "solution_id": "1", "strategy": "sms", "status": "ok",
                "reason": None, "kept_fraction": f, "num_masks": 2} for i, f in enumerate(kept)],
              resumed=False)
        return s

    parts = [unit([0.1, 0.2]), unit([0.3]), unit([0.7, 0.05, 0.11])]
    forward, backward = ExtractSummary(k=5, strategies=("sms",)), ExtractSummary(k=5, strategies=("sms",))
    for p in parts:
        forward.merge(p)
    for p in reversed(parts):
        backward.merge(p)
    assert forward.to_dict() == backward.to_dict()  # a resumed run merges in another order
    sms = forward.to_dict()["strategies"]["sms"]
    assert forward.k == 5 and sms["tuples"] == 6 and forward.tasks == 6
    assert sms["mean_kept_fraction"] == round((0.1 + 0.2 + 0.3 + 0.7 + 0.05 + 0.11) / 6, 4)


# ----------------------------------------------------------------------------- on Ray
def test_default_workers_fit_what_each_actor_asks_for(ray_session):
    cpus = int(ray_session.cluster_resources()["CPU"])
    gpus = int(ray_session.cluster_resources().get("GPU", 0))
    assert cluster_workers(None, 100) == cpus
    assert cluster_workers(None, 100, {"num_cpus": 0.5}) == 2 * cpus
    assert cluster_workers(None, 100, {"num_cpus": 1, "num_gpus": 1}) == max(1, min(cpus, gpus))
    assert cluster_workers(None, 1) == 1 and cluster_workers(3, 100) == 3


@dataclass
class Counted(Summary):
    rows: int = 0

    def lines(self) -> list[str]:
        return [f"rows: {self.rows}"]


@dataclass
class BatchConfig:
    out: str
    address: str | None = None
    workers: int | None = None
    progress: bool = False
    verbose: bool = False


def test_a_stage_with_its_own_mapper_gets_the_rest_of_the_driver(ray_session, work_dir, capsys):
    """A stage whose engine batches across units (vLLM) maps them itself, on the driver."""

    def mapper(stage, cfg, units, workers, summary):
        shards = Shards(cfg.out)
        for unit in units:
            shards.write("runs", unit, runs_rows(3))
            yield Outcome(unit, Counted(rows=3), None, shards.redone)

    stage = Stage("batch", Worker, Counted, lambda cfg: ["a", "b"], lambda cfg: None,
                  mapper=mapper)
    out = work_dir / "out"
    summary = run_stage(stage, BatchConfig(out=str(out)))
    assert summary["rows"] == 6 and summary["units"] == 2
    assert json.loads((out / "summary.json").read_text()) == summary
    assert "rows: 6\nbatch done: 2 units" in capsys.readouterr().out
    with refused_writes(out / "runs"), pytest.raises(StageError, match="cannot write"):
        run_stage(stage, BatchConfig(out=str(out)))


def test_profile_redoes_shards_that_do_not_read_back(ray_session, work_dir, capsys):
    corpus = make_corpus(work_dir / "corpus", ["0001", "0004"], broken=False)
    out = work_dir / "out"
    run(cfg_for(corpus, out))
    first_runs = sorted((r["task_id"], r["solution_id"], r["verdict"]) for r in table(out, "runs"))
    first_eff = sorted((r["task_id"], r["solution_id"], r["role"]) for r in table(out, "efficient"))
    damaged = [
        out / "efficient" / f"{shard_name('mini', '0001')}.parquet",
        out / "tasks" / f"{shard_name('mini', '0004')}.parquet",
        out / "runs" / f"{shard_name('mini', '0004', 'mini/0004', 2)}.parquet",
    ]
    truncate(damaged[0])
    garbage(damaged[1])
    flip_a_data_byte(damaged[2])
    capsys.readouterr()
    again = run(cfg_for(corpus, out))
    assert sorted(r.split(":")[0] for r in again["shards_redone"]) == sorted(map(str, damaged))
    assert "3 shards of an earlier run did not read back and were redone" in capsys.readouterr().out
    runs = table(out, "runs")  # every shard reads back, every solution once
    assert max(Counter((r["task_id"], r["solution_id"]) for r in runs).values()) == 1
    assert sorted((r["task_id"], r["solution_id"], r["verdict"]) for r in runs) == first_runs
    assert sorted((r["task_id"], r["solution_id"], r["role"]) for r in table(out, "efficient")) \
        == first_eff
    assert again["tasks_kept"] == 2 and again["resumed_tasks"] == 2
    assert json.loads((out / "summary.json").read_text())["shards_redone"] == again["shards_redone"]


def test_a_refused_write_stops_the_stage_and_the_rerun_resumes(ray_session, work_dir):
    corpus = make_corpus(work_dir / "corpus", ["0003", "0006"], broken=False)
    out = work_dir / "out"
    with refused_writes(out / "runs"), pytest.raises(StageError) as e:
        run(cfg_for(corpus, out))
    message = str(e.value)
    assert message.startswith(f"cannot write {out / 'runs'}/") and "\n" not in message
    assert "[Errno 1] Operation not permitted" in message or "[Errno 13] Permission denied" in message
    assert "rerun the same command" in message
    kept = {p: p.stat().st_mtime_ns for p in (out / "tasks").glob("*.parquet")}
    assert kept  # the tasks shards written before the failure
    summary = run(cfg_for(corpus, out))
    assert summary["tasks_kept"] == 2
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # reused, not rewritten
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


@contextlib.contextmanager
def small_disk(path: Path, size: str):
    """A tmpfs of `size` mounted at `path`; yields a function that grows it (as a user
    freeing space would). Needs root (CAP_SYS_ADMIN)."""
    path.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield lambda bigger: subprocess.run(
            ["mount", "-o", f"remount,size={bigger}", str(path)], check=True)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def test_a_full_disk_ends_the_stage_in_one_line_and_the_rerun_resumes(build_dir, work_dir):
    corpus = make_corpus(work_dir / "corpus", ["0001", "0004", "0006"], broken=False)
    out = work_dir / "out"
    cmd = [EFFISKEL, "profile", "--source", "mini", "--data", str(corpus), "--out", str(out),
           "--repeat", "2", "--workers", "1", "--chunk_size", "2", "--progress", "false"]
    with small_disk(out, "120k") as grow:  # one unit's shards fit, not three
        full = subprocess.run(cmd, env=cli_env(build_dir), capture_output=True, text=True,
                              timeout=600)
        assert full.returncode == 1, full.stdout[-2000:] + full.stderr[-2000:]
        lines = full.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in full.stdout, full.stderr[-3000:]
        assert lines[0].startswith(f"effiskel profile: error: cannot write {out}/")
        assert "[Errno 28] No space left on device" in lines[0]
        before = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}
        assert before, "nothing was written before the disk filled up"
        grow("64m")
        done = subprocess.run(cmd, env=cli_env(build_dir), capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        summary = json.loads((out / "summary.json").read_text())
        assert summary["tasks_in"] == summary["tasks_kept"] == 3
        assert {p: p.stat().st_mtime_ns for p in before} == before  # kept, not redone
        runs = Counter((r["task_id"], r["solution_id"]) for r in table(out, "runs"))
        assert max(runs.values()) == 1 and len(runs) == summary["solutions"]
        assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT to the group"])
def test_a_killed_driver_takes_its_ray_with_it(build_dir, work_dir, how):
    """A user ends a stage with Ctrl-C (SIGINT to the terminal's process group) or a
    plain `kill` (SIGTERM): within seconds, no process of its embedded Ray remains."""
    corpus = make_corpus(work_dir / "corpus", ["0000", "0001", "0002", "0003"], broken=False)
    out = work_dir / "out"
    proc = subprocess.Popen(
        [EFFISKEL, "profile", "--source", "mini", "--data", str(corpus), "--out", str(out),
         "--repeat", "5", "--workers", "2", "--progress", "false"],
        env=cli_env(build_dir), start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while time.time() < deadline and not list((out / "runs").glob("*.parquet")):
        time.sleep(0.2)
    tree = process_tree(proc.pid)
    assert any("ProfileUnits" in " ".join(p.cmdline()) for p in tree[1:]), "no actor to outlive"
    if how == "SIGTERM":
        os.kill(proc.pid, signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert still_running(tree, within_s=10) == [], stderr[-2000:]
    if how == "SIGTERM":
        assert proc.returncode != 0
    else:  # Ctrl-C ends in one line, not a traceback through Ray Data
        assert proc.returncode == 130 and "Traceback" not in stderr, stderr[-3000:]
        assert stderr.strip().splitlines()[-1].endswith("interrupted; rerun the same command "
                                                        "to finish the rest")
    assert len(list((out / "efficient").glob("*.parquet"))) < 4, "finished before the kill"


# ----------------------------------------------------------------------------- the terminal
def test_ray_output_goes_to_the_log(ray_session, work_dir, capfd):
    corpus = make_corpus(work_dir / "corpus", ["0002"], broken=False)
    out = work_dir / "out"
    summary = run(cfg_for(corpus, out, workers=1))
    terminal = capfd.readouterr()
    log = Path(summary["log"])
    assert log == out / "profile.log" and "Starting execution of Dataset" in log.read_text()
    assert "Starting execution of Dataset" not in terminal.out + terminal.err
    assert terminal.out.startswith("profile: 1 units, 1 workers (Ray at ")
    assert f"Ray's own logs: {log}" in terminal.out


def test_verbose_shows_ray_output_on_the_terminal_too(build_dir, work_dir):
    # A command of its own: Ray's console handler binds the stderr of the process that
    # imports Ray, which inside pytest is one of pytest's captures.
    corpus = make_corpus(work_dir / "corpus", ["0002"], broken=False)
    out = work_dir / "out"
    shown = subprocess.run([EFFISKEL, "profile", "--source", "mini", "--data", str(corpus),
                            "--out", str(out), "--repeat", "1", "--workers", "1",
                            "--progress", "false", "--verbose", "true"],
                           env=cli_env(build_dir), capture_output=True, text=True, timeout=600)
    assert shown.returncode == 0, shown.stderr[-3000:]
    for line in ("Started a local Ray instance", "Starting execution of Dataset"):
        assert line in shown.stderr and line in (out / "profile.log").read_text()
    assert "core_worker" in shown.stderr  # Ray's C++ core, on fd 2 (not in the log: verbose)


def test_deepspeed_notices_go_to_the_log(work_dir):
    """DeepSpeed binds a stdout handler to its logger at import: inside stage_log its
    records still reach only the log."""
    log = work_dir / "train.log"
    probe = subprocess.run(
        [sys.executable, "-c",
         "from pathlib import Path\nfrom data_pipeline.logs import stage_log\n"
         f"with stage_log(Path({str(log)!r})):\n"
         "    import deepspeed\n"
         "    from deepspeed.accelerator import get_accelerator\n"
         "    get_accelerator()\n"
         "    deepspeed.utils.logger.warning('probe from DeepSpeed')\n"
         "    print('ours')\n"],
        capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[2])
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert probe.stdout == "ours\n" and "DeepSpeed" not in probe.stderr
    assert "probe from DeepSpeed" in log.read_text()
