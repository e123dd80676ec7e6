"""`effiskel compare`: results tables in, the report out; what it leaves out it says, and input
it cannot compare is one line naming it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from data_pipeline.shards import write_shard
from effiskel.config import CompareConfig
from effiskel.schema import RESULTS, empty_row
from jobs.compare import compare

EFFISKEL = str(Path(sys.executable).parent / "effiskel")


def result(task, method, sid, verdict="AC", time_ns=None, source="enamel", status="ok",
           **kw) -> dict:
    row = empty_row(RESULTS)
    row.update(task_id=task, method=method, sample_id=sid, verdict=verdict, status=status,
               source=source, time_ns=time_ns, repeats=6 if time_ns else None, **kw)
    return row


def write_run(d: Path, rows: list[dict]) -> Path:
    write_shard(rows, RESULTS, d / "results" / "part-0.parquet")
    return d


def enamel_rows() -> list[dict]:
    """Six tasks: `fast` 2x faster than `base` on each, ENAMEL scores 1.0 and 0.5; one task
    that could not be evaluated, one sample whose sandbox failed."""
    rows = []
    for i in range(6):
        t = f"enamel/{i}"
        rows.append(result(t, "base", 0, time_ns=2e6 * (i + 1), eff_score=0.5,
                           ref_time_ns=1e6 * (i + 1)))
        rows.append(result(t, "fast", 0, time_ns=1e6 * (i + 1), eff_score=1.0,
                           ref_time_ns=1e6 * (i + 1)))
    rows += [result("enamel/2x", m, 0, "SKIP", status="skipped",
                    reason="task unusable: excluded: not among ENAMEL's 142") for m in
             ("base", "fast")]
    rows.append(result("enamel/0", "fast", 1, "SE", status="error",
                       reason="the sandbox failed: server died"))
    return rows


def test_compare_cli_writes_the_report_and_prints_table_3(work_dir):
    run = write_run(work_dir / "run", enamel_rows())
    rep = work_dir / "rep"
    out = subprocess.run([EFFISKEL, "compare", "--runs", str(run), "--baseline", "base",
                          "--out", str(rep), "n_boot=200"], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "ER % vs baseline" in out.stdout and "eff@1" in out.stdout
    assert f"report: {rep / 'report.html'}" in out.stdout
    assert "could not be evaluated" in out.stdout and "sandbox failed" in out.stdout
    m = json.loads((rep / "metrics.json").read_text())
    assert m["baseline"] == "base" and m["source"] == "enamel" and m["tasks"] == 6
    fast = m["methods"]["fast"]
    assert fast["ER"]["value"] == 1.0 and fast["ER"]["ci"] == [1.0, 1.0]
    assert fast["AS"]["value"] == pytest.approx(2.0)
    assert fast["eff@1"]["value"] == 1.0 and m["methods"]["base"]["eff@1"]["value"] == 0.5
    assert fast["pass@1"]["value"] == 1.0  # the SE row is no failure of the method
    assert m["set_aside"]["skipped"]["rows"] == 2 and m["set_aside"]["error"]["rows"] == 1
    html = (rep / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and "src=\"http" not in html
    assert all((rep / p).stat().st_size > 1000 for p in ("speedups.png", "times.png",
                                                         "pass_at_k.png"))


def test_mercury_beyond_at_1_from_the_references_timed_beside(work_dir):
    rows = []
    for i in range(4):
        refs = [1e6, 3e6]  # the task's fastest and slowest reference, timed in the same run
        rows.append(result(f"mercury/t{i}", "base", 0, time_ns=3e6, source="mercury",
                           ref_times_ns=refs))
        rows.append(result(f"mercury/t{i}", "fast", 0, time_ns=1e6, source="mercury",
                           ref_times_ns=refs))
    summary = compare(CompareConfig(runs=[str(write_run(work_dir / "run", rows))],
                                    baseline="base", out=str(work_dir / "rep"), n_boot=100))
    methods = summary.metrics["methods"]
    assert methods["fast"]["beyond@1"]["value"] == 1.0
    assert methods["base"]["beyond@1"]["value"] == 0.0


def test_effibench_net_and_nmu(work_dir):
    rows = [result(f"effibench/{i}", m, 0, time_ns=t, source="effibench", ref_time_ns=2e6,
                   max_rss_kb=kb, ref_max_rss_kb=20_000)
            for i in range(3) for m, t, kb in (("base", 4e6, 40_000), ("fast", 2e6, 20_000))]
    summary = compare(CompareConfig(runs=[str(write_run(work_dir / "run", rows))],
                                    baseline="base", out=str(work_dir / "rep"), n_boot=100))
    methods = summary.metrics["methods"]
    assert methods["base"]["NET"]["value"] == 2.0 and methods["base"]["NMU"]["value"] == 2.0
    assert methods["fast"]["NET"]["value"] == 1.0


def test_methods_from_two_runs_are_compared_with_a_note(work_dir):
    rows = enamel_rows()
    one = write_run(work_dir / "one", [r for r in rows if r["method"] == "base"])
    two = write_run(work_dir / "two", [r for r in rows if r["method"] == "fast"])
    summary = compare(CompareConfig(runs=[str(one), str(two / "results")], baseline="base",
                                    out=str(work_dir / "rep"), n_boot=100))
    assert any("not timed interleaved" in n for n in summary.notes)


@pytest.mark.parametrize("case, message", [
    ("no baseline", "--baseline 'nope' is not among the methods of the runs (base, fast)"),
    ("one method in two runs", "method 'base' is in both"),
    ("two sources", "the runs evaluate different sources (enamel, mini)"),
    ("no shards", "no results shards"),
])
def test_input_that_cannot_be_compared_is_one_line(work_dir, case, message):
    rows = enamel_rows()
    runs = [write_run(work_dir / "a", rows)]
    baseline = "base"
    if case == "no baseline":
        baseline = "nope"
    elif case == "one method in two runs":
        runs.append(write_run(work_dir / "b", [r for r in rows if r["method"] == "base"]))
    elif case == "two sources":
        runs.append(write_run(work_dir / "b", [result("mini/0000", "other", 0, time_ns=1.0,
                                                      source="mini")]))
    else:
        (work_dir / "empty").mkdir()
        runs = [work_dir / "empty"]
    out = subprocess.run([EFFISKEL, "compare", "--runs", *map(str, runs), "--baseline", baseline,
                          "--out", str(work_dir / "rep")], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 2
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
