"""The whole pipeline on the bundled mini suite, on an embedded local Ray: `effiskel demo`.

Stage 1 profiles every solution of every mini task and keeps the top-K;
Stage 2 extracts SMS, SSS and TAS skeletons and prints one task's side by
side; Stage 3 trains the tiny model with EffiCoder* (code loss only) and
EffiSkel (code + skeleton + mask) for a few steps on Ray Train + DeepSpeed
and prints the loss terms. Outputs go to build/demo (or --out); a rerun
resumes from what is there.
"""

from __future__ import annotations

import argparse
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


DEMO_TRAIN = Path(__file__).resolve().parents[1] / "configs" / "demo_train.yaml"


def loss_table(metrics_path: Path) -> str:
    """First and last logged step of a run: every loss term."""
    import json

    rows = [json.loads(line) for line in metrics_path.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if "loss" in r]
    if not rows:
        return "(no metrics)"
    keys = [k for k in ("loss", "loss_code", "loss_skeleton", "loss_mask") if k in rows[-1]]
    lines = ["  step " + " ".join(f"{k:>14}" for k in keys)]
    for r in (rows[0], rows[-1]):
        lines.append(f"  {r['step']:4d} " + " ".join(f"{r[k]:14.4f}" for k in keys))
    return "\n".join(lines)


def train_both(out: Path) -> str:
    from effiskel.config import load
    from effiskel.training import train
    from effiskel.training.config import TrainConfig

    report = []
    for method in ("efficoder", "effiskel"):
        cfg = load(TrainConfig, DEMO_TRAIN, ["--method", method, "--output_dir", str(out / "train"),
                                             "--data.path", str(out / "extract" / "skeletons")])
        result = train(cfg)
        report.append(f"{method} (weights α, β, γ = {cfg.weights}): adapter {result.adapter_dir}")
        report.append(loss_table(result.metrics_path))
    return "\n".join(report)


def main(argv: list[str] | None = None, prog: str = "python -m jobs.demo") -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="build/demo", help="output directory (default build/demo)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per test (paper: 30)")
    ap.add_argument("--task", default="mini/0000", help="task whose skeletons are shown")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also show Ray's and DeepSpeed's own logs (always in each stage's log file)")
    args = ap.parse_args(argv)
    from data_pipeline import extract, profile  # Ray: only once the arguments are good
    from data_pipeline.common import init_ray
    from data_pipeline.logs import stage_log

    out = Path(args.out)
    print("== Stage 1: profile the mini suite (run, time, rank; keep the top-5 per task)")
    profile.run(profile.ProfileConfig(source="mini", out=str(out / "profile"),
                                      repeat=args.repeat, verbose=args.verbose))
    print(efficient_table(out / "profile"))

    print("\n== Stage 2: efficiency skeletons (SMS, SSS, TAS) of the efficient sets")
    extract.run(extract.ExtractConfig(input=str(out / "profile"), out=str(out / "extract"),
                                      verbose=args.verbose))
    print(show_skeletons(out / "extract", args.task))

    print("\n== Stage 3: train the tiny model, EffiCoder* vs EffiSkel (Ray Train + DeepSpeed)")
    log = out / "train" / "train.log"
    with stage_log(log, args.verbose):
        init_ray(None)  # the stages' embedded Ray, or a fresh one if both were resumed
        print(train_both(out))
    print(f"Ray's and DeepSpeed's own logs: {log}")
    print(textwrap.dedent(f"""
        Tables: {out}/profile/{{tasks,runs,efficient}}, {out}/extract/skeletons
        (Parquet; pyarrow.dataset.dataset(PATH), pandas.read_parquet(PATH));
        adapters and metrics.jsonl under {out}/train."""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
