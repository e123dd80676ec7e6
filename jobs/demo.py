"""Every method side by side on the bundled mini suite, on an embedded local Ray: `effiskel demo`.

`effiskel experiment --config configs/experiment-demo.yaml` with the tiny base model, plus
what a reader wants to see on the way: Stage 1's fastest and slowest solution per task,
one task's SMS, SSS and TAS skeletons side by side, and two sample sets built from the mini
suite's own fastest and slowest solutions, evaluated beside the methods so the report shows
a real speed gap. Outputs go to build/demo (or --out); a rerun continues where it stopped.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import textwrap
from pathlib import Path


def side_by_side(columns: dict[str, str], width: int = 46) -> str:
    """Texts in columns of `width` characters, long lines cut with '…'."""
    split = {k: v.splitlines() for k, v in columns.items()}
    height = max(len(v) for v in split.values())

    def cell(text: str) -> str:
        return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)

    lines = [" | ".join(cell(k.upper()) for k in split), "-+-".join("-" * width for _ in split)]
    for i in range(height):
        lines.append(" | ".join(cell(v[i] if i < len(v) else "") for v in split.values()))
    return "\n".join(line.rstrip() for line in lines)


def _label(run: dict) -> str:
    """A solution's name for a table: its origin without the source ("mini:quadratic")."""
    return (run["origin"] or "").split(":")[-1][:24]


def efficient_table(out: Path, limit: int = 12) -> str:
    """Per task: the fastest and slowest correct solution and the speed gap."""
    import pyarrow.dataset as pads

    rows = pads.dataset(out / "runs", format="parquet").to_table(
        columns=["task_id", "origin", "verdict", "time_ns"]).to_pylist()
    by: dict[str, list[dict]] = {}
    for r in rows:
        if r["verdict"] == "AC":
            by.setdefault(r["task_id"], []).append(r)
    lines = [f"{'task':10} {'fastest':24} {'ms':>7}  {'slowest':24} {'ms':>7} {'gap':>6}"]
    for task_id in sorted(by)[:limit]:
        rs = sorted(by[task_id], key=lambda r: r["time_ns"])
        fast, slow = rs[0], rs[-1]
        lines.append(f"{task_id:10} {_label(fast):24} {fast['time_ns'] / 1e6:7.2f}  "
                     f"{_label(slow):24} {slow['time_ns'] / 1e6:7.2f} "
                     f"{slow['time_ns'] / fast['time_ns']:5.1f}x")
    return "\n".join(lines)


def show_skeletons(out: Path, task_id: str | None = None) -> str:
    import pyarrow.dataset as pads

    # Every efficient solution is C_ref of its own rows; show the fastest's.
    rows = [r for r in pads.dataset(out / "skeletons", format="parquet").to_table().to_pylist()
            if r["status"] == "ok" and r["rank"] == 1]
    tasks = sorted({r["task_id"] for r in rows})
    if not tasks:
        return "(no skeletons)"
    task_id = task_id if task_id in tasks else tasks[0]
    mine = {r["strategy"]: r for r in rows if r["task_id"] == task_id}
    code = next(iter(mine.values()))["code"]
    header = (f"{task_id}: the fastest solution (C_ref) and its skeletons; kept fraction "
              + ", ".join(f"{s} {mine[s]['kept_fraction']:.0%}" for s in ("sms", "sss", "tas")
                          if s in mine))
    columns = {"code": code, **{s: mine[s]["skeleton"] for s in ("sms", "sss", "tas") if s in mine}}
    return header + "\n" + side_by_side(columns, width=38)


DEMO = Path(__file__).resolve().parents[1] / "configs" / "experiment-demo.yaml"
SAMPLE_SETS = ("mini-fastest", "mini-slowest")


def write_sample_sets(out: Path, limit: int | None) -> None:
    """Two sample sets from Stage 1's measurements of the mini suite's own solutions: each
    task's fastest correct solution (mini-fastest) and its slowest (mini-slowest), as
    EvalPlus-style lines, for the first `limit` tasks (those the methods are sampled on)."""
    import json

    import pyarrow.dataset as pads

    rows = pads.dataset(out / "profile" / "efficient", format="parquet").to_table(
        columns=["task_id", "role", "rank", "code"]).to_pylist()
    ranked: dict[str, list[dict]] = {}
    for r in rows:
        if r["role"] in ("top_k", "slowest") and r["code"]:
            ranked.setdefault(r["task_id"], []).append(r)
    tasks = sorted(ranked)[:limit]
    (out / "samples").mkdir(parents=True, exist_ok=True)
    for name, pick in zip(SAMPLE_SETS, (min, max)):
        lines = [json.dumps({"task_id": t, "solution": pick(ranked[t], key=lambda r: r["rank"])
                             ["code"]}) for t in tasks]
        (out / "samples" / f"{name}.jsonl").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None, prog: str = "python -m jobs.demo") -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="build/demo", help="output directory (default build/demo)")
    ap.add_argument("--task", default="mini/0000", help="task whose skeletons are shown")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also show Ray's and DeepSpeed's own logs (always in each stage's log file)")
    args = ap.parse_args(argv)
    if not DEMO.is_file():
        print(f"{prog}: error: {DEMO} is missing: the demo runs from a checkout of the project",
              file=sys.stderr)
        return 2
    from effiskel.config import ExperimentConfig, load
    from jobs.experiment import run_experiment  # Ray: only once the arguments are good

    out = Path(args.out)
    cfg = load(ExperimentConfig, DEMO, ["--out", str(out), "--verbose", str(args.verbose).lower()])
    bench = cfg.benchmarks[0]
    cfg.benchmarks[0] = dataclasses.replace(bench, samples=[
        f"{out / 'samples' / name}.jsonl:{name}" for name in SAMPLE_SETS])
    hooks = {
        "profile": lambda o: (write_sample_sets(o, bench.limit),
                              print(efficient_table(o / "profile"))),
        "extract": lambda o: print(show_skeletons(o / "extract", args.task)),
    }
    run_experiment(cfg, after=hooks)
    print(textwrap.dedent(f"""
        The tiny model is a randomly initialised 2-layer, width-64 Llama trained for a few
        steps on CPU: it writes almost no working program, so its methods read 0 % and "—"
        above. mini-fastest and mini-slowest are the mini suite's own fastest and slowest
        correct solutions (Stage 1's measurements), timed here beside the methods: their row
        shows a real speed gap. Tables under {out} (Parquet): profile/, extract/, pairs/,
        generate/, evaluate/; adapters and metrics.jsonl under {out}/train."""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
