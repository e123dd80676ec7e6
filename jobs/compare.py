"""Compare: every method's metrics against a baseline, from evaluate's results tables.

Reads the results of one or more `effiskel evaluate` outputs (--runs DIR …) and writes
REPORT_DIR/metrics.json, report.md, a self-contained report.html and the plots
(effiskel/report.py), then prints the paper's Table 3 form and the report's path.
Pass@k, ER and AS with paired bootstrap intervals; Beyond@k (Mercury), eff@k (ENAMEL),
NET and NMU (EffiBench) where the source supports them. Rows of tasks that could not be
evaluated (status skipped: not in the source, no tests, the reference fails) are nobody's
fault and left out; rows whose sandbox failed (status error) too; both are counted in the
report's notes. No Ray.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from effiskel.config import CompareConfig, fail, parse

COLUMNS = ["task_id", "method", "sample_id", "source", "verdict", "status", "reason", "time_ns",
           "repeats", "max_rss_kb", "ref_time_ns", "ref_max_rss_kb", "ref_times_ns",
           "eff_score"]


def results_dir(path: str | Path) -> Path:
    p = Path(path)
    return p / "results" if (p / "results").is_dir() else p


def read_runs(runs: list[str]) -> tuple[list[dict], dict[str, str]]:
    """Every results row of the runs, and which run each method comes from. A method found
    in two runs is an error: its samples were timed beside different companions."""
    import pyarrow.dataset as pads

    if not runs:
        raise ValueError("no --runs given: name one or more `effiskel evaluate` output "
                         "directories")
    rows, owner = [], {}
    for run in runs:
        root = results_dir(run)
        files = sorted(str(f) for f in root.glob("*.parquet"))
        if not files:
            raise ValueError(f"--runs {run}: no results shards (*.parquet) in {root}; is it an "
                             "`effiskel evaluate` output directory?")
        ds = pads.dataset(files, format="parquet")
        missing = [c for c in COLUMNS if c not in ds.schema.names]
        if missing:
            raise ValueError(f"--runs {run}: the table in {root} lacks the columns {missing}")
        got = ds.to_table(columns=COLUMNS).to_pylist()
        for m in sorted({r["method"] for r in got if r["method"] is not None}):
            if m in owner:
                raise ValueError(f"method {m!r} is in both {owner[m]} and {run}: compare each "
                                 "method's results from one evaluate run")
            owner[m] = run
        rows += got
    return rows, owner


def compare(cfg: CompareConfig):
    """Read the runs, compute every metric, write the report; returns report.Summary.
    Raises ValueError on input that cannot be compared (naming it)."""
    from effiskel import report

    rows, owner = read_runs(cfg.runs)
    methods = sorted({r["method"] for r in rows if r["method"] is not None})
    if cfg.baseline not in methods:
        raise ValueError(f"--baseline {cfg.baseline!r} is not among the methods of the runs "
                         f"({', '.join(methods) or 'none'})")
    sources = sorted({r["source"] for r in rows if r["source"]})
    if len(sources) > 1:
        raise ValueError(f"the runs evaluate different sources ({', '.join(sources)}): "
                         "compare one source at a time")
    source = sources[0] if sources else None
    kept = [r for r in rows if r["status"] == "ok"]
    aside = [r for r in rows if r["status"] != "ok"]
    extras = report.SOURCE_METRICS.get(source, ())
    refs = None
    if "beyond" in extras:
        refs = {}
        for r in kept:
            if r["ref_times_ns"] and r["task_id"] not in refs:
                refs[r["task_id"]] = list(r["ref_times_ns"])
    summary = report.summarize(kept, baseline=cfg.baseline, source_metrics=extras,
                               reference_runtimes=refs, ks=cfg.ks, n_boot=cfg.n_boot,
                               seed=cfg.seed, level=cfg.level, rel_tol=cfg.rel_tol)
    notes = _set_aside_notes(aside)
    if len(set(owner.values())) > 1:
        notes.append("Methods come from different evaluate runs ("
                     + "; ".join(f"{m}: {r}" for m, r in sorted(owner.items()))
                     + "): those of different runs were not timed interleaved, so their ER and "
                       "AS compare times taken at different moments.")
    summary.notes.extend(notes)
    summary.metrics["notes"] = summary.notes
    summary.metrics["source"] = source
    summary.metrics["runs"] = owner
    summary.metrics["set_aside"] = {
        status: {"rows": sum(n for (s, _), n in counts.items() if s == status),
                 "by_reason": {why: n for (s, why), n in counts.items() if s == status}}
        for counts in [Counter((r["status"], _kind(r["reason"])) for r in aside)]
        for status in sorted({r["status"] for r in aside})}
    report.write_report(summary, cfg.out)
    return summary


def _kind(reason: str | None) -> str:
    from effiskel.evaluate import reason_head

    return reason_head(reason) or "no reason given"


def _set_aside_notes(aside: list[dict]) -> list[str]:
    notes = []
    skipped = [r for r in aside if r["status"] == "skipped"]
    if skipped:
        tasks = sorted({r["task_id"] for r in skipped if r["task_id"]})
        why = Counter(_kind(r["reason"]) for r in skipped).most_common(1)[0][0]
        notes.append(f"{len(tasks)} task(s) ({len(skipped)} rows) could not be evaluated and "
                     f"are left out of every metric (most often: {why}); e.g. "
                     f"{', '.join(tasks[:5])}.")
    errors = [r for r in aside if r["status"] not in ("skipped", "ok")]
    if errors:
        why = Counter(_kind(r["reason"]) for r in errors).most_common(1)[0][0]
        notes.append(f"{len(errors)} row(s) are left out because the sandbox failed or the input "
                     f"was unreadable (most often: {why}); rerun evaluate on a fresh --out to "
                     "judge them.")
    return notes


def format_table(summary) -> str:
    """The Table 3 form as aligned text, for the terminal."""
    from effiskel import report

    header, rows = report.table(summary)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                        enumerate(zip(r, widths))) for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None, prog: str = "python -m jobs.compare") -> int:
    from jobs.evaluate import gather

    argv = gather(sys.argv[1:] if argv is None else argv, "runs")
    cfg = parse(CompareConfig, argv, prog, __doc__)
    try:
        summary = compare(cfg)
    except ValueError as e:
        fail(prog, e)
    print(format_table(summary))
    for note in summary.notes:
        print(f"note: {note}")
    print(f"report: {Path(cfg.out) / 'report.html'} (and report.md, metrics.json, plots)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
