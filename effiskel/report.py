"""The side-by-side comparison: `results` rows in, REPORT_DIR files out (ARCHITECTURE, "compare").

`compare(rows, baseline=M, out_dir=D)` reads the per-sample rows of the `results` table of
every method (task_id, method, sample_id, verdict, time_ns, max_rss_kb, repeats,
ref_time_ns, …; ARCHITECTURE.md "Tables") and writes:

- `metrics.json`: {"baseline", "tasks", "methods": {M: {"pass@k", "ER", "AS", "beyond@k",
  "eff@k", "NET", "NMU"}}, …}, every value a fraction or ratio, each with its bootstrap
  interval; a metric the input cannot support is absent (its reason under "absent").
- `report.md` and a self-contained `report.html`: the paper's Table 3, one row per method,
  and a note of what was measured.
- `speedups.png`, `times.png`, `pass_at_k.png`.

Rules (all formulas are in `effiskel.metrics`):
- A sample is correct iff its verdict is "AC". Every row of a method counts as one of its
  samples, whatever its verdict (a completion without a program is a failed sample).
- The tasks of the comparison are every task that appears in the rows. pass@k of a method
  needs k samples on *every* task; one task with fewer makes it absent, not averaged over
  the rest (the reason names the tasks).
- T of a task and method is its fastest correct sample (`metrics.fastest_correct_time`);
  ER and AS of each method are against the baseline, over the tasks both solve.
- A row that cannot be read (no task_id or method, a duplicate sample, a correct sample
  with no usable time) is never dropped silently: it is listed in "excluded_rows" with its
  reason and counted in the report's notes.

Matplotlib is imported inside the plotting functions (Agg backend), so importing this
module stays cheap.
"""

from __future__ import annotations

import base64
import html
import json
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from effiskel import metrics as M

DEFAULT_KS = (1, 2, 5, 10, 20, 50, 100)
# Which source-specific metrics a task source supports (PAPER_NOTES, "Evaluation").
SOURCE_METRICS = {"mercury": ("beyond",), "enamel": ("eff",), "effibench": ("net", "nmu")}
EXTRA_METRICS = ("beyond", "eff", "net", "nmu")
PLOTS = ("speedups.png", "times.png", "pass_at_k.png")


# ---------------------------------------------------------------------------- reading rows


def _number(value) -> float | None:
    """A finite float, or None for a missing value (None, NaN from Parquet nulls, text)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _positive(value) -> float | None:
    x = _number(value)
    return x if x is not None and x > 0 else None


def _sample_order(sample_id) -> tuple:
    """Sort key for sample ids: numbers numerically ("10" after "9"), then text."""
    x = _number(sample_id)
    return (0, x, "") if x is not None else (1, 0.0, str(sample_id))


@dataclass
class _Sample:
    sample_id: object
    correct: bool
    time: float | None  # the sample's T when correct and timed
    row: Mapping


@dataclass
class _Method:
    name: str
    samples: dict[str, list[_Sample]] = field(default_factory=dict)  # task → samples
    untimed: int = 0  # correct samples without a usable time

    def counts(self, tasks: Sequence[str]) -> dict[str, tuple[int, int]]:
        return {t: (len(self.samples.get(t, [])), sum(s.correct for s in self.samples.get(t, [])))
                for t in tasks}

    def times(self) -> dict[str, float]:
        out = {}
        for task, ss in self.samples.items():
            t = M.fastest_correct_time((s.correct, s.time) for s in ss)
            if t is not None:
                out[task] = t
        return out


def _read(rows: Iterable[Mapping]) -> tuple[dict[str, _Method], list[dict]]:
    methods: dict[str, _Method] = {}
    excluded: list[dict] = []
    seen = set()
    for i, row in enumerate(rows):
        task, method, sid = row.get("task_id"), row.get("method"), row.get("sample_id")
        where = {"row": i, "task_id": task, "method": method, "sample_id": sid}
        if task is None or str(task) == "" or method is None or str(method) == "":
            excluded.append({**where, "reason": "no task_id or no method: the row belongs to "
                                                "no task of any method"})
            continue
        task, method = str(task), str(method)
        if sid is not None and (task, method, str(sid)) in seen:
            excluded.append({**where, "reason": "duplicate sample_id for this task and method; "
                                                "the first row was kept"})
            continue
        seen.add((task, method, str(sid)))
        correct = row.get("verdict") == "AC"
        time = _positive(row.get("time_ns")) if correct else None
        m = methods.setdefault(method, _Method(method))
        if correct and time is None:
            m.untimed += 1
            excluded.append({**where, "reason": f"correct (AC) but time_ns={row.get('time_ns')!r} "
                             "is not a positive time: counted for pass@k, not for T"})
        m.samples.setdefault(task, []).append(_Sample(sid, correct, time, row))
    for m in methods.values():
        for ss in m.samples.values():
            ss.sort(key=lambda s: _sample_order(s.sample_id))
    return methods, excluded


# ---------------------------------------------------------------------------- metrics


@dataclass
class Summary:
    """What `compare` computed: the metrics.json content and what the plots draw."""

    metrics: dict
    times: dict[str, dict[str, float]]  # method → task → T (ns), solved tasks only
    notes: list[str]


def summarize(
    rows: Iterable[Mapping], *, baseline: str, source_metrics: Sequence[str] = (),
    reference_runtimes: Mapping[str, Sequence[float]] | None = None,
    ks: Sequence[int] = DEFAULT_KS, n_boot: int = 2000, seed: int = 0, level: float = 0.95,
    rel_tol: float = 0.0,
) -> Summary:
    """Every metric of every method against `baseline` (see the module docstring).

    `source_metrics`: any of "beyond" (Mercury's Beyond@k; needs `reference_runtimes`,
    task → runtimes of its correct reference solutions, in time_ns's unit), "eff" (ENAMEL's
    eff@k; needs an `eff_score` per row, `metrics.enamel_sample_score`), "net" and "nmu"
    (EffiBench; need `ref_time_ns`, resp. `max_rss_kb` and `ref_max_rss_kb`, per correct
    row). `SOURCE_METRICS` says which apply to which source.
    """
    unknown = sorted(set(source_metrics) - set(EXTRA_METRICS))
    if unknown:
        raise ValueError(f"source_metrics {unknown}: unknown; choose from {list(EXTRA_METRICS)} "
                         f"(per source: {SOURCE_METRICS})")
    methods, excluded = _read(rows)
    tasks = sorted({t for m in methods.values() for t in m.samples})
    order = ([baseline] if baseline in methods else []) + [n for n in methods if n != baseline]
    times = {name: methods[name].times() for name in order}
    boot = {"n_boot": n_boot, "seed": seed, "level": level}
    notes = []
    out = {
        "baseline": baseline,
        "tasks": len(tasks),
        "settings": {**boot, "rel_tol": rel_tol, "winsorize_pct": [5.0, 95.0],
                     "source_metrics": list(source_metrics), "correct": "verdict == 'AC'"},
        "methods": {},
    }
    if not methods:
        notes.append("No results rows: nothing was evaluated, so there is nothing to compare.")
    elif baseline not in methods:
        notes.append(f"The baseline {baseline!r} has no results rows: ER and AS, which compare "
                     f"each method with it, are absent. Methods present: {order}.")
    # Show a k when at least one method has k samples on every task; the others then say why not.
    most = max((min(n for n, _ in m.counts(tasks).values()) for m in methods.values()), default=0)
    ks_shown = [k for k in sorted(set(ks)) if k <= most]

    for name in order:
        m = methods[name]
        counts = m.counts(tasks)
        entry: dict = {"samples": sum(n for n, _ in counts.values()),
                       "samples_per_task": [min(n for n, _ in counts.values()),
                                            max(n for n, _ in counts.values())],
                       "solved": len(times[name])}
        absent: dict[str, str] = {}
        for k in ks_shown:
            per_task = M.pass_at_k_per_task(counts, k)
            if per_task is None:
                short = sorted(t for t, (n, _) in counts.items() if n < k)
                absent[f"pass@{k}"] = f"fewer than {k} samples on {len(short)} task(s): {_few(short)}"
            else:
                entry[f"pass@{k}"] = {"value": M.mean_over_tasks(per_task), "tasks": len(per_task),
                                      "ci": M.bootstrap_mean_ci(per_task, **boot)}
        if name != baseline and baseline in methods:
            er = M.efficiency_ratio(method=times[name], baseline=times[baseline], rel_tol=rel_tol)
            if er is None:
                why = (f"no task solved by both {name!r} ({len(times[name])} solved) and the "
                       f"baseline {baseline!r} ({len(times[baseline])} solved)")
                absent["ER"] = absent["AS"] = why
            else:
                ci = M.paired_bootstrap(method=times[name], baseline=times[baseline],
                                        rel_tol=rel_tol, **boot)
                entry["ER"] = {**er, "ci": ci["ER"]}
                entry["AS"] = {**M.average_speedup(method=times[name], baseline=times[baseline]),
                               "ci": ci["AS"]}
        if "beyond" in source_metrics:
            _beyond(entry, absent, m, counts, ks_shown, reference_runtimes, boot)
        if "eff" in source_metrics:
            _eff(entry, absent, m, ks_shown, boot)
        for key, metric, value, ref in (("net", "NET", "time_ns", "ref_time_ns"),
                                        ("nmu", "NMU", "max_rss_kb", "ref_max_rss_kb")):
            if key in source_metrics:
                _effibench(entry, absent, m, metric, value, ref, boot)
        if not times[name]:
            notes.append(f"{name} solves no task: its pass@k is 0 and it has no time to compare.")
        if absent:
            entry["absent"] = absent
        out["methods"][name] = entry
    if methods and len(methods) == 1 and baseline in methods:
        notes.append(f"Only the baseline {baseline!r} was given: there is no method to compare "
                     "with it, so no ER or AS.")
    if excluded:
        notes.append(f"{len(excluded)} row(s) were set aside or counted only for pass@k; "
                     "see excluded_rows in metrics.json.")
    out["notes"] = notes
    out["measured"] = _measured(methods)
    out["excluded_rows"] = [{k: _jsonable(v) for k, v in e.items()} for e in excluded]
    return Summary(metrics=out, times=times, notes=notes)


def _few(items: Sequence[str], n: int = 5) -> str:
    return ", ".join(items[:n]) + (f" … (+{len(items) - n})" if len(items) > n else "")


def _jsonable(v):
    """Ids as JSON has them: numpy numbers become Python ones, NaN and objects text."""
    if v is None or isinstance(v, (str, bool)):
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real) and math.isfinite(v):
        return float(v)
    return str(v)


def _beyond(entry, absent, m: _Method, counts, ks, reference_runtimes, boot):
    if reference_runtimes is None:
        absent["beyond@1"] = "no reference runtimes were given (the task's correct reference solutions)"
        return
    if m.untimed:
        absent["beyond@1"] = f"{m.untimed} correct sample(s) have no time, so their b is unknown"
        return
    runtimes = {t: [s.time if s.correct else None for s in m.samples.get(t, [])] for t in counts}
    for k in ks:
        try:
            b = M.beyond_at_k(runtimes, reference_runtimes, k)
        except ValueError as e:  # a reference runtime that is no time: say so, do not crash
            absent[f"beyond@{k}"] = f"bad reference runtimes: {e}"
            continue
        if b is None:
            short = any(n < k for n, _ in counts.values())
            absent[f"beyond@{k}"] = (f"fewer than {k} samples on some task" if short else
                                     "no task could be scored (no reference spread)")
            continue
        entry[f"beyond@{k}"] = {"value": b["value"], "tasks": b["tasks"],
                                "ci": M.bootstrap_mean_ci(b["per_task"], **boot),
                                "excluded": b["excluded"]}


def _eff(entry, absent, m: _Method, ks, boot):
    scores, missing = {}, 0
    for t, ss in m.samples.items():
        for s in ss:
            e = _number(s.row.get("eff_score"))
            if e is None or e < 0:
                missing += 1
            scores.setdefault(t, []).append(e)
    if missing:
        absent["eff@1"] = (f"{missing} row(s) have no valid eff_score (ENAMEL's per-sample score, "
                           "metrics.enamel_sample_score)")
        return
    for k in ks:
        per_task = M.eff_at_k_per_task(scores, k)
        if per_task is None:
            absent[f"eff@{k}"] = f"fewer than {k} samples on some task"
            continue
        entry[f"eff@{k}"] = {"value": M.mean_over_tasks(per_task), "tasks": len(per_task),
                             "ci": M.bootstrap_mean_ci(per_task, **boot)}


def _effibench(entry, absent, m: _Method, metric, value_col, ref_col, boot):
    pairs, missing = {}, 0
    for t, ss in m.samples.items():
        for s in ss:
            if not s.correct:
                continue
            v, r = _positive(s.row.get(value_col)), _positive(s.row.get(ref_col))
            if v is None or r is None:
                missing += 1
            else:
                pairs.setdefault(t, []).append((v, r))
    if missing:
        absent[metric] = f"{missing} correct row(s) lack a positive {value_col} or {ref_col}"
        return
    res = M.effibench_normalized(pairs)
    if res is None:
        absent[metric] = "no correct sample"
        return
    entry[metric] = {"value": res["value"], "tasks": res["tasks"],
                     "ci": M.bootstrap_mean_ci(res["per_task"], **boot)}


def _measured(methods: Mapping[str, _Method]) -> dict:
    """Repeats behind the timed samples, for the report's note."""
    reps = [int(r) for m in methods.values() for ss in m.samples.values() for s in ss
            if s.time is not None and (r := _number(s.row.get("repeats"))) is not None]
    return {"timed_samples": sum(s.time is not None for m in methods.values()
                                 for ss in m.samples.values() for s in ss),
            "repeats": [min(reps), max(reps)] if reps else None}


# ---------------------------------------------------------------------------- the table


def _pct(d: dict | None) -> str:
    return "—" if d is None else f"{100 * d['value']:.2f} [{100 * d['ci'][0]:.1f}, {100 * d['ci'][1]:.1f}]"


def _num(d: dict | None, fmt: str = ".3f") -> str:
    return "—" if d is None else f"{d['value']:{fmt}} [{d['ci'][0]:{fmt}}, {d['ci'][1]:{fmt}}]"


_LABELS = {"beyond@1": "Beyond@1 %", "eff@1": "eff@1", "NET": "NET", "NMU": "NMU"}


def table(summary: Summary) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the paper's Table 3: one row per method, baseline first."""
    mj = summary.metrics
    methods = mj["methods"]
    ks = sorted({int(key[5:]) for e in methods.values() for key in e if key.startswith("pass@")})
    extras = [key for key in ("beyond@1", "eff@1", "NET", "NMU")
              if any(key in e or key in e.get("absent", {}) for e in methods.values())]
    header = (["method"] + [f"Pass@{k} % [95% CI]" for k in ks]
              + ["ER % vs baseline [95% CI]", "AS [95% CI]"]
              + [f"{_LABELS[key]} [95% CI]" for key in extras]
              + ["solved", "tasks compared", "ties"])
    rows = []
    for name, e in methods.items():
        row = [name] + [_pct(e.get(f"pass@{k}")) for k in ks]
        if name == mj["baseline"]:
            row += ["(baseline)", "(baseline)"]
        else:
            row += [_pct(e.get("ER")), _num(e.get("AS"), ".2f")]
        row += [_pct(e.get(key)) if key == "beyond@1" else _num(e.get(key)) for key in extras]
        er = e.get("ER")
        row += [f"{e['solved']} / {mj['tasks']}", str(er["tasks"]) if er else "—",
                str(er["ties"]) if er else "—"]
        rows.append(row)
    return header, rows


def _note_lines(summary: Summary) -> list[str]:
    mj = summary.metrics
    s, meas = mj["settings"], mj["measured"]
    per_task = {n: e["samples_per_task"] for n, e in mj["methods"].items()}
    spread = sorted({f"{a}" if a == b else f"{a}–{b}" for a, b in per_task.values()})
    reps = meas["repeats"]
    lines = [
        f"{mj['tasks']} task(s); {len(mj['methods'])} method(s); samples per task: "
        f"{', '.join(spread) or 'none'}; {meas['timed_samples']} correct sample(s) timed"
        + (f" with {reps[0]}–{reps[1]} repeats per input" if reps and reps[0] != reps[1]
           else f" with {reps[0]} repeats per input" if reps else "") + ".",
        "A sample is correct when its verdict is AC. T of a task = the time of its fastest "
        "correct sample (mean over inputs of the mean over repeats).",
        f"ER = share of the tasks solved by both where the method is faster than the baseline "
        f"{mj['baseline']!r}; ties (relative tolerance {s['rel_tol']:g}) are no win and are "
        "counted apart. AS = mean of T_baseline / T_method over the same tasks, winsorized at "
        "P5–P95; AS > 1 means the method is faster.",
        f"Intervals: paired percentile bootstrap over tasks, {s['n_boot']} resamples, seed "
        f"{s['seed']}, {100 * s['level']:g} %. Pass@k, ER and Beyond@k are in % in this "
        "table; metrics.json holds fractions.",
    ]
    for name, e in mj["methods"].items():
        by_reason: dict[str, list[str]] = {}
        for metric, why in e.get("absent", {}).items():
            by_reason.setdefault(why, []).append(metric)
        for why, names in by_reason.items():
            lines.append(f"{name}: {' and '.join(names)} absent: {why}.")
    return lines + summary.notes


def _markdown(summary: Summary, plots: Sequence[str]) -> str:
    header, rows = table(summary)

    def cells(r):
        return "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |"

    mj = summary.metrics
    out = [f"# Comparison against {mj['baseline']}", "", cells(header),
           "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    out += [cells(r) for r in rows] or ["", "*No method has results.*"]
    out += ["", "## What was measured", ""] + [f"- {line}" for line in _note_lines(summary)]
    out += ["", "## Plots", ""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(out) + "\n"


def _html(summary: Summary, images: Mapping[str, bytes]) -> str:
    header, rows = table(summary)
    esc = html.escape
    mj = summary.metrics
    th = "".join(f"<th>{esc(h)}</th>" for h in header)
    trs = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    notes = "".join(f"<li>{esc(line)}</li>" for line in _note_lines(summary))
    figs = "".join(
        f'<figure><img alt="{esc(name)}" src="data:image/png;base64,'
        f'{base64.b64encode(data).decode("ascii")}"><figcaption>{esc(name)}</figcaption></figure>'
        for name, data in images.items())
    style = ("body{font-family:sans-serif;margin:2em;max-width:1200px}"
             "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:4px 8px}"
             "td:not(:first-child){text-align:right}img{max-width:100%}")
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Comparison against "
            f"{esc(mj['baseline'])}</title><style>{style}</style></head><body>"
            f"<h1>Comparison against {esc(mj['baseline'])}</h1>"
            f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"
            f"<h2>What was measured</h2><ul>{notes}</ul><h2>Plots</h2>{figs}</body></html>\n")


# ---------------------------------------------------------------------------- plots


def _time_unit(values: Sequence[float]) -> tuple[float, str]:
    """A divisor and unit name that put the median time between 1 and 1000."""
    med = sorted(values)[len(values) // 2] if values else 1.0
    for div, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if med >= div:
            return div, unit
    return 1.0, "ns"


def _colors(names: Sequence[str]) -> dict[str, str]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    return {n: matplotlib.colors.to_hex(cmap(i % 10)) for i, n in enumerate(names)}


def _tasks(n: int) -> str:
    return f"{n} task" if n == 1 else f"{n} tasks"


def _nothing_paired(summary: Summary) -> str:
    """Why no method can be paired with the baseline, for an empty plot."""
    base = summary.metrics["baseline"]
    if not summary.times:
        return "No results rows: nothing was evaluated."
    if base not in summary.times:
        return f"The baseline '{base}' has no results rows: nothing to compare with."
    if len(summary.times) == 1:
        return f"Only the baseline '{base}' has results: no method to compare with it."
    return f"No task is solved by both the baseline '{base}' and another method."


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=11,
            transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_speedups(summary: Summary, path: Path) -> None:
    """Per-task speedup T_baseline / T_method of each method: box and points, log scale."""
    import matplotlib.pyplot as plt
    import numpy as np

    base = summary.metrics["baseline"]
    others = [n for n in summary.times if n != base]
    data = {n: M.speedups(method=summary.times[n], baseline=summary.times.get(base, {}))
            for n in others}
    data = {n: sorted(v.values()) for n, v in data.items() if v}
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.7 * max(1, len(data))))
    if not data:
        _empty(ax, _nothing_paired(summary) + "\nThere is no speedup to show.")
    else:
        colors = _colors(summary.times)
        names = list(data)
        rng = np.random.default_rng(0)
        for i, n in enumerate(names):
            v = np.array(data[n])
            ax.boxplot(v, positions=[i], orientation="horizontal", widths=0.5, showfliers=False,
                       medianprops={"color": "black"})
            ax.scatter(v, i + rng.uniform(-0.18, 0.18, v.size), s=12, alpha=0.6,
                       color=colors[n], zorder=3)
            e = summary.metrics["methods"][n]
            ax.annotate(f"AS {e['AS']['value']:.2f}\nER {100 * e['ER']['value']:.0f} %", (1.01, i),
                        xycoords=("axes fraction", "data"), va="center", fontsize=9)
        ax.set_xscale("log")
        span = [x for v in data.values() for x in v] + [1.0]  # 1 (no speedup) always in view
        ax.set_xlim(min(span) / 1.25, max(span) * 1.25)
        _plain_log_ticks(ax.xaxis, span)
        ax.axvline(1.0, color="grey", ls="--", lw=1)
        ax.set_yticks(range(len(names)),
                      [f"{n}\n({_tasks(len(data[n]))})" for n in names])
        ax.set_ylim(len(names) - 0.4, -0.6)  # first method on top
        ax.set_xlabel(f"speedup = T({base}) / T(method), log scale;  > 1: faster than {base}")
        ax.set_title(f"Per-task speedup against {base} (tasks solved by both)")
        ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    _save(fig, path)


def _plain_log_ticks(axis, values: Sequence[float]) -> None:
    """Ticks at 1-2-5 steps labelled as plain numbers (0.5, 1, 2), not as powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    lo, hi = min(values) / 1.3, max(values) * 1.3
    decades = range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
    for steps in ((1, 2, 5), (1, 1.5, 2, 3, 5, 7), (1, 1.1, 1.2, 1.3, 1.5, 1.7, 2, 2.5, 3, 4, 5, 6, 8)):
        ticks = [m * 10.0**e for e in decades for m in steps if lo <= m * 10.0**e <= hi]
        if len(ticks) >= 3:  # a narrow range needs finer steps to show any scale at all
            break
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())


def plot_times(summary: Summary, path: Path) -> None:
    """Per-task time of each method (y) against the baseline's (x), log-log, with y = x."""
    import matplotlib.pyplot as plt

    base = summary.metrics["baseline"]
    bt = summary.times.get(base, {})
    pts = {n: [(bt[t], summary.times[n][t]) for t in M.common_tasks(summary.times[n], bt)]
           for n in summary.times if n != base}
    pts = {n: p for n, p in pts.items() if p}
    fig, ax = plt.subplots(figsize=(6.5, 6))
    if not pts:
        _empty(ax, _nothing_paired(summary) + "\nThere are no paired times to show.")
    else:
        allv = [v for p in pts.values() for xy in p for v in xy]
        div, unit = _time_unit(allv)
        lo, hi = min(allv) / div / 1.5, max(allv) / div * 1.5
        colors = _colors(summary.times)
        for n, p in pts.items():
            ax.scatter([x / div for x, _ in p], [y / div for _, y in p], s=16, alpha=0.7,
                       color=colors[n], label=f"{n} ({_tasks(len(p))})")
        ax.plot([lo, hi], [lo, hi], color="grey", ls="--", lw=1, label="equal time")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal")
        _plain_log_ticks(ax.xaxis, [lo, hi])
        _plain_log_ticks(ax.yaxis, [lo, hi])
        ax.set_xlabel(f"T({base}) per task [{unit}]")
        ax.set_ylabel(f"T(method) per task [{unit}]")
        ax.set_title(f"Fastest correct sample per task\n(below the line: faster than {base})")
        ax.legend(loc="best", fontsize=9)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    _save(fig, path)


def plot_pass_at_k(summary: Summary, path: Path) -> None:
    """Pass@k of each method with its bootstrap interval."""
    import matplotlib.pyplot as plt
    import numpy as np

    methods = summary.metrics["methods"]
    series = {n: sorted((int(key[5:]), v) for key, v in e.items() if key.startswith("pass@"))
              for n, e in methods.items()}
    series = {n: s for n, s in series.items() if s}
    ks = sorted({k for s in series.values() for k, _ in s})
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if not series:
        _empty(ax, "No method has pass@k: no samples, or fewer samples than k on some task.")
    else:
        colors = _colors(list(methods))
        if len(ks) == 1:  # one k: a bar per method reads better than single dots
            names = list(series)
            vals = [series[n][0][1] for n in names]
            ax.bar(range(len(names)), [v["value"] for v in vals],
                   yerr=np.array([[v["value"] - v["ci"][0] for v in vals],
                                  [v["ci"][1] - v["value"] for v in vals]]),
                   color=[colors[n] for n in names], capsize=4)
            for i, v in enumerate(vals):  # a 0 bar is invisible without its number
                ax.annotate(f"{100 * v['value']:.1f} %", (i, v["ci"][1]), xytext=(0, 4),
                            textcoords="offset points", ha="center", fontsize=9)
            base = summary.metrics["baseline"]
            ax.set_xticks(range(len(names)), [f"{n}\n(baseline)" if n == base else n for n in names],
                          rotation=20, ha="right")
            ax.set_ylabel(f"pass@{ks[0]}")
        else:
            width = 0.04 * (len(series) - 1)
            for i, (n, s) in enumerate(series.items()):
                shift = 2 ** (width * (i / max(1, len(series) - 1) - 0.5)) if width else 1
                x = [k * shift for k, _ in s]
                y = [v["value"] for _, v in s]
                err = [[v["value"] - v["ci"][0] for _, v in s], [v["ci"][1] - v["value"] for _, v in s]]
                label = f"{n} (baseline)" if n == summary.metrics["baseline"] else n
                ax.errorbar(x, y, yerr=err, marker="o", capsize=3, color=colors[n], label=label)
            ax.set_xscale("log", base=2)
            ax.set_xticks(ks, [str(k) for k in ks])
            ax.minorticks_off()
            ax.set_xlabel("k (samples drawn per task)")
            ax.set_ylabel("pass@k")
            ax.legend(loc="best", fontsize=9)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"Pass@k with {100 * summary.metrics['settings']['level']:g} % bootstrap intervals")
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    _save(fig, path)


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    # No "Software" text chunk: the PNG then names no URL, and the HTML embedding it none.
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


# ---------------------------------------------------------------------------- compare


def write_report(summary: Summary, out_dir: str | Path) -> dict[str, Path]:
    """Write metrics.json, the three plots, report.md and report.html into `out_dir`."""
    import matplotlib

    matplotlib.use("Agg")  # files only; never a display
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"metrics.json": out / "metrics.json"}
    paths["metrics.json"].write_text(json.dumps(summary.metrics, indent=2, allow_nan=False) + "\n")
    for name, draw in zip(PLOTS, (plot_speedups, plot_times, plot_pass_at_k)):
        paths[name] = out / name
        draw(summary, paths[name])
    paths["report.md"] = out / "report.md"
    paths["report.md"].write_text(_markdown(summary, PLOTS), encoding="utf-8")
    paths["report.html"] = out / "report.html"
    paths["report.html"].write_text(
        _html(summary, {p: (out / p).read_bytes() for p in PLOTS}), encoding="utf-8")
    return paths


def compare(rows: Iterable[Mapping], *, baseline: str, out_dir: str | Path, **options) -> Summary:
    """`summarize` the rows (options as there), then `write_report` into `out_dir`."""
    summary = summarize(rows, baseline=baseline, **options)
    write_report(summary, out_dir)
    return summary
