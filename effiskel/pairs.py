"""Preference pairs of one task for CodeDPO* and SkelDPO (PAPER_NOTES, "Preference pairs").

Rows in, rows out: one task's Stage 1 `efficient` rows (roles top_k, slowest,
incorrect) and Stage 2 `skeletons` rows → `schema.PAIRS` rows. The `effiskel pairs`
stage maps this over tasks and line-profiles the slow solutions in the sandbox.

- Correctness pairs (CodeDPO* stage 1): each efficient solution C_i, in rank order,
  against an incorrect solution of the task, taken round robin (the i-th efficient
  solution gets incorrect solution i mod m, in the order Stage 1 keeps them: wrong
  answers first). One pair per efficient solution.
- Efficiency pairs (CodeDPO* stage 2, SkelDPO): each efficient solution C_i against a
  correct solution of role `slowest` whose `time_ns` is at least `min_slowdown` times
  C_i's, slowest first and round robin over those that qualify for C_i (the i-th
  takes qualifying solution i mod m). `slowdown` is the ratio of the two `time_ns`.
  Only role-slowest rows are rejected: a top-K solution is itself an efficient one.
- Each efficiency pair carries its skeleton pair (SkelDPO): the chosen skeleton is the
  fast solution's own Stage 2 row (strategy `strategy`, that solution as C_ref); the
  rejected one is the slow solution's inefficiency skeleton against the fast one
  (`skeleton/inefficiency.py`), which needs the slow solution's line profile.

Nothing vanishes: a stage a task has no pair for gives one row of status "skipped"
whose reason says why (no incorrect solution, no slow solution, none slow enough,
...), and an efficiency pair without its skeleton pair keeps `skeleton_status`
"error" and a `skeleton_reason`. Reasons read "<kind>: <detail>"; `count_pairs`
counts pairs, and tasks without pairs by kind, for the stage's summary.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from effiskel.schema import PAIRS, empty_row
from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.extract import STRATEGIES, SkeletonConfig
from effiskel.skeleton.inefficiency import inefficiency_skeleton
from effiskel.tasks.reasons import reason, reason_kind

CORRECTNESS, EFFICIENCY = "correctness", "efficiency"
STAGES = (CORRECTNESS, EFFICIENCY)

# Reason kinds (what `count_pairs` counts by).
NO_EFFICIENT = "no-efficient-solution"
NO_INCORRECT = "no-incorrect-solution"
NO_SLOW = "no-slow-solution"
NOT_SLOW_ENOUGH = "not-slow-enough"
CHOSEN_SKELETON = "chosen-skeleton"
REJECTED_SKELETON = "rejected-skeleton"


@dataclass
class PairsConfig:
    """How the preference pairs are built; defaults are PAPER_NOTES'."""

    min_slowdown: float = 2.0
    """Efficiency pairs: the rejected solution's time_ns is at least this many times the
    chosen one's."""
    efficiency_pairs_per_task: int | None = None
    """At most this many efficiency pairs per task, the fastest efficient solutions' first;
    None: one per efficient solution with a slow enough partner. The paper's counts (Java:
    1,177 tasks, 1,177 pairs; Python: 3,742 tasks, 4,720 pairs) suggest about one per task."""
    strategy: str = "tas"
    """Strategy of the chosen skeleton: the fast solution's own Stage 2 row of it."""
    skeleton: SkeletonConfig = field(default_factory=SkeletonConfig)
    """The inefficiency skeleton's min_nodes, sss_threshold and tas_include_hottest
    (give Stage 2's values, so both skeletons of a pair are made alike)."""

    def __post_init__(self):
        if not self.min_slowdown >= 1:
            raise ValueError(
                f"min_slowdown must be at least 1 (a rejected solution is slower), "
                f"got {self.min_slowdown}"
            )
        if self.efficiency_pairs_per_task is not None and self.efficiency_pairs_per_task < 1:
            raise ValueError("efficiency_pairs_per_task must be at least 1 or null (no limit), "
                             f"got {self.efficiency_pairs_per_task}")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy {self.strategy!r} is not one of {list(STRATEGIES)}")


def build_pairs(
    task_id: str,
    efficient: Sequence[Mapping],
    skeletons: Sequence[Mapping],
    profiles: Mapping[str, Mapping],
    profile_errors: Mapping[str, str] | None = None,
    cfg: PairsConfig | None = None,
) -> list[dict]:
    """Every `schema.PAIRS` row of one task: `code_pairs`, then `add_skeletons`.

    `profiles`: {solution_id: line profile} of the slow solutions (`rejected_ids` says
    which); `profile_errors`: {solution_id: why it has none}.
    """
    cfg = cfg or PairsConfig()
    rows = code_pairs(task_id, efficient, cfg)
    return add_skeletons(rows, skeletons, profiles, profile_errors, cfg)


def code_pairs(task_id: str, efficient: Sequence[Mapping], cfg: PairsConfig | None = None
               ) -> list[dict]:
    """The task's correctness and efficiency pairs, without skeletons, or one skipped row per
    stage that has none. `efficient`: the task's `efficient` rows."""
    cfg = cfg or PairsConfig()
    other = {str(r.get("task_id")) for r in efficient} - {str(task_id)}
    if other:
        raise ValueError(f"rows of task(s) {sorted(other)} given as rows of task {task_id!r}")
    by_role: dict[str, list[Mapping]] = {"top_k": [], "slowest": [], "incorrect": []}
    for r in efficient:
        if r.get("role") in by_role and isinstance(r.get("code"), str):
            by_role[r["role"]].append(r)
    chosen = sorted(by_role["top_k"],
                    key=lambda r: (r.get("rank") is None, r.get("rank") or 0, str(r["solution_id"])))
    prompt = next((r.get("prompt") for r in efficient if r.get("prompt") is not None), None)
    rows = _correctness(task_id, prompt, chosen, by_role["incorrect"])
    rows += _efficiency(task_id, prompt, chosen, by_role["slowest"], cfg.min_slowdown,
                        cfg.efficiency_pairs_per_task)
    return rows


def _correctness(task_id, prompt, chosen: list[Mapping], incorrect: list[Mapping]) -> list[dict]:
    if not chosen:
        return [_skipped(task_id, prompt, CORRECTNESS,
                         reason(NO_EFFICIENT, "Stage 1 kept no efficient (top_k) solution"))]
    if not incorrect:
        return [_skipped(task_id, prompt, CORRECTNESS, reason(
            NO_INCORRECT, f"none of the task's solutions failed a test; keep more solutions "
                          f"in Stage 1 (its {len(chosen)} efficient one(s) get no pair)"))]
    return [_pair(task_id, prompt, CORRECTNESS, c, incorrect[i % len(incorrect)])
            for i, c in enumerate(chosen)]


def _efficiency(task_id, prompt, chosen: list[Mapping], slow: list[Mapping],
                min_slowdown: float, limit: int | None) -> list[dict]:
    if not chosen:
        return [_skipped(task_id, prompt, EFFICIENCY,
                         reason(NO_EFFICIENT, "Stage 1 kept no efficient (top_k) solution"))]
    slow = sorted((r for r in slow if _time(r) is not None),
                  key=lambda r: (-_time(r), str(r["solution_id"])))  # slowest first
    if not slow:
        return [_skipped(task_id, prompt, EFFICIENCY, reason(
            NO_SLOW, "Stage 1 kept no timed correct solution of role slowest (a task needs "
                     "more correct solutions than top_k; see its max_slow)"))]
    rows = []
    for i, c in enumerate(chosen):
        t = _time(c)
        qualify = [s for s in slow if t is not None and _time(s) >= min_slowdown * t]
        if qualify:
            s = qualify[i % len(qualify)]
            rows.append({**_pair(task_id, prompt, EFFICIENCY, c, s), "slowdown": _time(s) / t})
            if len(rows) == limit:
                break
    if not rows:
        best = max((_time(slow[0]) / _time(c) for c in chosen if _time(c)), default=None)
        ratio = f"{best:.4g}x" if best is not None else "unknown (no timed efficient solution)"
        return [_skipped(task_id, prompt, EFFICIENCY, reason(
            NOT_SLOW_ENOUGH, f"its slowest correct solution is {ratio} the time of the "
                             f"fastest efficient one, below min_slowdown = {min_slowdown}x"))]
    return rows


def rejected_ids(rows: Iterable[Mapping]) -> list[str]:
    """The slow solutions of the efficiency pairs among `rows`: those whose line profile
    the rejected skeletons need, each once, in order."""
    ids = (r["rejected_id"] for r in rows if r["stage"] == EFFICIENCY and r["status"] == "ok")
    return list(dict.fromkeys(ids))


def add_skeletons(
    rows: Sequence[Mapping],
    skeletons: Sequence[Mapping],
    profiles: Mapping[str, Mapping],
    profile_errors: Mapping[str, str] | None = None,
    cfg: PairsConfig | None = None,
) -> list[dict]:
    """`rows` with each efficiency pair's skeleton pair, or the reason it has none.

    `skeletons`: the task's Stage 2 rows (one per efficient solution as C_ref and
    strategy); `profiles` / `profile_errors` as in `build_pairs`.
    """
    cfg = cfg or PairsConfig()
    profile_errors = profile_errors or {}
    own = {str(s.get("solution_id")): s for s in skeletons if s.get("strategy") == cfg.strategy}
    out = []
    for row in rows:
        row = dict(row)
        if row["stage"] == EFFICIENCY and row["status"] == "ok":
            row.update(_skeleton_pair(row, own, profiles, profile_errors, cfg))
        out.append(row)
    return out


def _skeleton_pair(row: Mapping, own: Mapping[str, Mapping], profiles: Mapping[str, Mapping],
                   profile_errors: Mapping[str, str], cfg: PairsConfig) -> dict:
    fast, slow = row["chosen_id"], row["rejected_id"]
    ref = own.get(fast)
    if ref is None:
        return _no_skeleton(reason(CHOSEN_SKELETON, f"Stage 2 has no {cfg.strategy} row with "
                                                    f"solution {fast!r} as reference"))
    if ref.get("status") != "ok" or ref.get("skeleton") is None:
        return _no_skeleton(reason(CHOSEN_SKELETON, f"the {cfg.strategy} skeleton of solution "
                                                    f"{fast!r} failed: {ref.get('reason')}"))
    profile = profiles.get(slow)
    if profile is None and slow in profile_errors:
        return _no_skeleton(reason(REJECTED_SKELETON, profile_errors[slow]))
    try:
        ineff = inefficiency_skeleton(slow, row["rejected"], fast, row["chosen"], profile,
                                      cfg.skeleton)
    except SkeletonInputError as e:
        return _no_skeleton(reason(REJECTED_SKELETON, str(e)))
    return {"chosen_skeleton": ref["skeleton"], "rejected_skeleton": ineff.skeleton,
            "rejected_char_mask": ineff.mask.to_string(),
            "rejected_kept_fraction": ineff.kept_fraction, "skeleton_status": "ok",
            "skeleton_reason": None}


def _no_skeleton(why: str) -> dict:
    return {"chosen_skeleton": None, "rejected_skeleton": None, "skeleton_status": "error",
            "skeleton_reason": why}


def count_pairs(rows: Iterable[Mapping]) -> Counter:
    """Counts for the stage summary; Counters of several tasks add up.

    Keys: `pairs/<stage>` (usable pairs), `skeleton_pairs` (efficiency pairs with both
    skeletons), `tasks_without/<stage>/<reason kind>`, `no_skeleton/<reason kind>`.
    """
    counts: Counter = Counter()
    for r in rows:
        if r["status"] == "ok":
            counts[f"pairs/{r['stage']}"] += 1
            if r["stage"] == EFFICIENCY:
                if r.get("skeleton_status") == "ok":
                    counts["skeleton_pairs"] += 1
                else:
                    counts[f"no_skeleton/{reason_kind(r.get('skeleton_reason'))}"] += 1
        else:
            counts[f"tasks_without/{r['stage']}/{reason_kind(r.get('reason'))}"] += 1
    return counts


def _pair(task_id, prompt, stage: str, chosen: Mapping, rejected: Mapping) -> dict:
    return {**empty_row(PAIRS), "task_id": str(task_id), "stage": stage, "prompt": prompt,
            "chosen_id": str(chosen["solution_id"]), "chosen": chosen["code"],
            "chosen_rank": chosen.get("rank"), "chosen_time_ns": chosen.get("time_ns"),
            "rejected_id": str(rejected["solution_id"]), "rejected": rejected["code"],
            "rejected_verdict": rejected.get("verdict"),
            "rejected_time_ns": rejected.get("time_ns"), "status": "ok"}


def _skipped(task_id, prompt, stage: str, why: str) -> dict:
    return {**empty_row(PAIRS), "task_id": str(task_id), "stage": stage, "prompt": prompt,
            "status": "skipped", "reason": why}


def _time(row: Mapping) -> float | None:
    """The row's time_ns if it is a positive number, else None (not timed)."""
    t = row.get("time_ns")
    return float(t) if isinstance(t, (int, float)) and math.isfinite(t) and t > 0 else None
