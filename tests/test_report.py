"""compare's files from synthetic `results` rows: shape, values, self-contained HTML, degenerate input."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from PIL import Image

from effiskel import metrics as M
from effiskel import report

FILES = ("metrics.json", "report.md", "report.html", *report.PLOTS)


def row(task, method, sample, verdict="AC", time=None, **extra):
    """One `results` row (ARCHITECTURE.md "Tables")."""
    ok = verdict == "AC"
    return {"task_id": task, "method": method, "sample_id": sample, "verdict": verdict,
            "tests_passed": 3 if ok else 1, "tests_total": 3, "time_ns": time if ok else None,
            "median_ns": time, "ci_low_ns": None, "ci_high_ns": None, "repeats": 30,
            "max_rss_kb": 12000, "ref_time_ns": 8.0, **extra}


# Small enough to do by hand: 3 tasks × 2 samples, the baseline "base" and one method "m".
HAND = [
    row("t1", "base", 0, time=10.0), row("t1", "base", 1, "WA"),
    row("t2", "base", 0, time=20.0), row("t2", "base", 1, time=30.0),
    row("t3", "base", 0, "WA"), row("t3", "base", 1, "TLE"),
    row("t1", "m", 0, time=5.0), row("t1", "m", 1, time=8.0),
    row("t2", "m", 0, time=20.0), row("t2", "m", 1, "RE"),
    row("t3", "m", 0, time=7.0), row("t3", "m", 1, None),  # verdict None: no program
]


def synthetic(n_tasks=30, n=5, seed=0, methods=None):
    """Realistic rows: task times spread 100× (log-normal), methods faster or slower."""
    rng = np.random.default_rng(seed)
    methods = methods or {"efficoder": (1.0, 0.55), "effiskel": (0.7, 0.7), "instruct": (1.3, 0.3)}
    base = np.exp(rng.normal(np.log(2e6), 1.2, n_tasks))
    rows = []
    for m, (speed, p) in methods.items():
        for i in range(n_tasks):
            for j in range(n):
                ok = rng.random() < p
                t = float(base[i] * speed * np.exp(rng.normal(0, 0.4)))
                rows.append(row(f"T{i:03d}", m, j, "AC" if ok else "WA", t,
                                ref_time_ns=float(base[i] * 0.8), ref_max_rss_kb=10000,
                                eff_score=float(rng.random()) if ok else 0.0))
    refs = {f"T{i:03d}": [float(base[i] * 0.5), float(base[i] * 3)] for i in range(n_tasks)}
    return rows, refs


def load(out):
    return json.loads((out / "metrics.json").read_text())


def test_hand_computed_values(work_dir):
    report.compare(HAND, baseline="base", out_dir=work_dir, n_boot=200)
    mj = load(work_dir)
    assert (mj["baseline"], mj["tasks"]) == ("base", 3)
    base, m = mj["methods"]["base"], mj["methods"]["m"]
    # pass@1: base t1 1/2, t2 2/2, t3 0 → 0.5; m: 2/2, 1/2, 1/2 → 2/3
    assert base["pass@1"]["value"] == pytest.approx(0.5)
    assert m["pass@1"]["value"] == pytest.approx(2 / 3)
    # pass@2 (n = 2 everywhere): base 1, 1, 0 → 2/3; m: 1, 1, 1 → 1
    assert base["pass@2"]["value"] == pytest.approx(2 / 3)
    assert m["pass@2"]["value"] == 1.0
    assert "pass@5" not in m and "pass@5" not in m.get("absent", {})  # no method has 5 samples
    # T: base t1 10, t2 20 (t3 unsolved); m t1 5, t2 20, t3 7. Common t1, t2:
    # t1 10 > 5 a win, t2 20 = 20 a tie → ER 1/2 with 1 tie. Ratios 2, 1 → AS 1.5.
    assert {k: m["ER"][k] for k in ("value", "tasks", "ties", "wins", "losses")} == {
        "value": 0.5, "tasks": 2, "ties": 1, "wins": 1, "losses": 0}
    assert m["AS"]["value"] == pytest.approx(1.5)
    assert (base["solved"], m["solved"]) == (2, 3)
    assert "ER" not in base and "AS" not in base  # the baseline is not compared with itself
    md = (work_dir / "report.md").read_text()
    assert "| base | 50.00 [" in md and "(baseline)" in md
    assert "| m | 66.67 [" in md and "| 50.00 [" in md and "| 1.50 [" in md


def test_files_shape_and_agreement_with_metrics(work_dir):
    rows, refs = synthetic(methods={"efficoder": (1.0, 0.55), "effiskel": (0.6, 0.7),
                                    "instruct": (1.8, 0.4)})
    report.compare(rows, baseline="efficoder", out_dir=work_dir, n_boot=500,
                   source_metrics=("beyond", "eff", "net", "nmu"), reference_runtimes=refs)
    for name in FILES:
        assert (work_dir / name).stat().st_size > 0, name
    mj = load(work_dir)
    assert mj["tasks"] == 30 and list(mj["methods"]) == ["efficoder", "effiskel", "instruct"]
    # The same numbers straight from metrics.py.
    times = {m: {} for m in mj["methods"]}
    for r in rows:
        if r["verdict"] == "AC":
            t = times[r["method"]]
            t[r["task_id"]] = min(t.get(r["task_id"], float("inf")), r["time_ns"])
    for name, e in mj["methods"].items():
        for k in (1, 2, 5):
            v = e[f"pass@{k}"]
            assert set(v) == {"value", "ci", "tasks"} and v["ci"][0] <= v["value"] <= v["ci"][1]
            assert 0 <= v["value"] <= 1
        assert "pass@10" not in e  # n = 5 < 10 for every method
        for key in ("beyond@1", "eff@1", "NET", "NMU"):
            assert e[key]["ci"][0] <= e[key]["value"] <= e[key]["ci"][1], (name, key)
        if name == "efficoder":
            continue
        er = M.efficiency_ratio(method=times[name], baseline=times["efficoder"])
        as_ = M.average_speedup(method=times[name], baseline=times["efficoder"])
        assert {k: e["ER"][k] for k in ("value", "tasks", "ties")} == {
            k: er[k] for k in ("value", "tasks", "ties")}
        assert e["AS"]["value"] == pytest.approx(as_["value"])
        assert e["ER"]["ci"][0] <= e["ER"]["value"] <= e["ER"]["ci"][1]
        assert e["AS"]["ci"][0] <= e["AS"]["value"] <= e["AS"]["ci"][1]
        assert 0 <= e["ER"]["value"] <= 1
    # effiskel is built 1/0.6 ≈ 1.7× faster, instruct 1.8× slower: the report must say so.
    assert mj["methods"]["effiskel"]["AS"]["ci"][0] > 1 > mj["methods"]["instruct"]["AS"]["ci"][1]
    md = (work_dir / "report.md").read_text()
    header = next(line for line in md.splitlines() if line.startswith("| method"))
    for col in ("Pass@1", "Pass@5", "ER", "AS", "Beyond@1", "eff@1", "NET", "NMU", "tasks compared", "ties"):
        assert col in header
    assert "30 repeats per input" in md


def test_pngs_are_images_and_html_is_self_contained(work_dir):
    rows, _ = synthetic(n_tasks=12, n=3)
    report.compare(rows, baseline="efficoder", out_dir=work_dir, n_boot=200)
    for name in report.PLOTS:
        with Image.open(work_dir / name) as im:
            im.verify()
            assert im.format == "PNG" and im.size[0] > 300 and im.size[1] > 150
    page = (work_dir / "report.html").read_text()
    assert "http" not in page.lower() and "file:" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:)""", page)
    srcs = re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', page)
    assert sorted(base64.b64decode(s) for s in srcs) == sorted(
        (work_dir / n).read_bytes() for n in report.PLOTS)
    assert "<table>" in page and page.count("<tr>") == 1 + 3  # header + one row per method


def test_a_method_with_fewer_samples_than_k(work_dir):
    rows, _ = synthetic(n_tasks=8, n=5)
    rows = [r for r in rows if not (r["method"] == "instruct" and r["task_id"] == "T004"
                                    and r["sample_id"] > 0)]
    report.compare(rows, baseline="efficoder", out_dir=work_dir, n_boot=100)
    e = load(work_dir)["methods"]["instruct"]
    assert "pass@1" in e and "pass@2" not in e and "pass@5" not in e
    assert "T004" in e["absent"]["pass@2"] and "T004" in e["absent"]["pass@5"]
    assert "pass@5" in load(work_dir)["methods"]["effiskel"]


def test_a_method_that_solves_nothing(work_dir):
    rows = HAND + [row(t, "dead", j, "WA") for t in ("t1", "t2", "t3") for j in (0, 1)]
    report.compare(rows, baseline="base", out_dir=work_dir, n_boot=100)
    e = load(work_dir)["methods"]["dead"]
    assert e["pass@1"]["value"] == 0.0 and e["solved"] == 0
    assert "ER" not in e and "AS" not in e and "no task solved by both" in e["absent"]["ER"]
    md = (work_dir / "report.md").read_text()
    assert "dead: ER and AS absent: no task solved by both" in md
    assert "dead solves no task" in md


def test_only_the_baseline(work_dir):
    rows = [r for r in HAND if r["method"] == "base"]
    report.compare(rows, baseline="base", out_dir=work_dir, n_boot=100)
    mj = load(work_dir)
    assert list(mj["methods"]) == ["base"] and "pass@1" in mj["methods"]["base"]
    assert "Only the baseline 'base' was given" in (work_dir / "report.md").read_text()
    for name in FILES:
        assert (work_dir / name).exists()


def test_no_rows_and_a_missing_baseline(work_dir):
    report.compare([], baseline="base", out_dir=work_dir / "empty")
    mj = load(work_dir / "empty")
    assert (mj["tasks"], mj["methods"]) == (0, {})
    assert "No results rows" in (work_dir / "empty" / "report.md").read_text()
    report.compare([r for r in HAND if r["method"] == "m"], baseline="base",
                   out_dir=work_dir / "nobase", n_boot=100)
    mj = load(work_dir / "nobase")
    assert "ER" not in mj["methods"]["m"] and "pass@1" in mj["methods"]["m"]
    assert "The baseline 'base' has no results rows" in (work_dir / "nobase" / "report.md").read_text()


def test_bad_rows_are_listed_not_dropped(work_dir):
    rows = HAND + [
        {"task_id": None, "method": "m", "sample_id": 9, "verdict": "AC", "time_ns": 1.0},
        row("t1", "base", 0, time=1.0),  # a duplicate of base's sample 0 on t1
        row("t2", "m", 7, time=float("nan")),  # correct, but no usable time
    ]
    report.compare(rows, baseline="base", out_dir=work_dir, n_boot=100)
    mj = load(work_dir)
    reasons = [e["reason"] for e in mj["excluded_rows"]]
    assert len(reasons) == 3
    assert any("no task_id" in r for r in reasons) and any("duplicate" in r for r in reasons)
    assert any("not a positive time" in r for r in reasons)
    # The duplicate did not replace the first row (T of base on t1 stays 10: ER as by hand);
    # the untimed correct sample counts for pass@1 (m on t2: 2 of 3) but not for T.
    assert mj["methods"]["m"]["ER"]["value"] == 0.5
    assert mj["methods"]["m"]["pass@1"]["value"] == pytest.approx((1 + 2 / 3 + 1 / 2) / 3)
    assert "3 row(s) were set aside" in (work_dir / "report.md").read_text()


def test_source_metrics_absent_without_their_inputs(work_dir):
    rows = [dict(r) for r in HAND]
    for r in rows:
        r.pop("ref_time_ns")
    report.compare(rows, baseline="base", out_dir=work_dir, n_boot=100,
                   source_metrics=report.SOURCE_METRICS["mercury"] + ("eff", "net"))
    absent = load(work_dir)["methods"]["m"]["absent"]
    assert "no reference runtimes" in absent["beyond@1"]
    assert "eff_score" in absent["eff@1"] and "ref_time_ns" in absent["NET"]
    with pytest.raises(ValueError, match="choose from"):
        report.summarize(HAND, baseline="base", source_metrics=("speed",))


def test_rows_read_back_from_parquet_give_the_same_metrics(work_dir):
    """Rows as the stage reads them: a Parquet file through pandas (nulls become NaN, ids numpy)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows, refs = synthetic(n_tasks=10, n=3)
    pq.write_table(pa.Table.from_pylist(rows), work_dir / "results.parquet")
    back = pd.read_parquet(work_dir / "results.parquet").to_dict("records")
    assert any(isinstance(r["time_ns"], float) and r["time_ns"] != r["time_ns"] for r in back)  # NaN
    opts = {"baseline": "efficoder", "n_boot": 200, "source_metrics": ("beyond", "eff", "net"),
            "reference_runtimes": refs}
    a = report.compare(rows, out_dir=work_dir / "a", **opts).metrics
    b = report.compare(back, out_dir=work_dir / "b", **opts).metrics
    assert a == b and load(work_dir / "b") == b


def test_bad_reference_runtimes_do_not_crash(work_dir):
    refs = {"t1": [1.0, 0.0], "t2": [5.0, 40.0], "t3": [5.0, 40.0]}
    report.compare(HAND, baseline="base", out_dir=work_dir, n_boot=50,
                   source_metrics=("beyond",), reference_runtimes=refs)
    absent = load(work_dir)["methods"]["m"]["absent"]
    assert "bad reference runtimes" in absent["beyond@1"] and "'t1'" in absent["beyond@1"]


def test_a_a_same_rows_under_two_names(work_dir):
    rows, _ = synthetic(n_tasks=15, n=2, methods={"a": (1.0, 0.6)})
    twice = rows + [{**r, "method": "a2"} for r in rows]
    report.compare(twice, baseline="a", out_dir=work_dir, n_boot=200)
    e = load(work_dir)["methods"]["a2"]
    assert (e["ER"]["value"], e["ER"]["wins"], e["ER"]["ties"]) == (0.0, 0, e["ER"]["tasks"])
    assert e["AS"]["value"] == 1.0 and e["AS"]["ci"] == [1.0, 1.0]
    assert e["pass@1"] == load(work_dir)["methods"]["a"]["pass@1"]  # same tasks, same resample
