"""Efficiency skeletons (paper §3.2): SMS, SSS and TAS of one task's efficient solutions.

`extract_task` is the row-level entry point the Ray stage maps over: one
task's top-K solutions in, one `schema.SKELETONS` row per strategy out. It
never raises for bad input: an unreadable solution is left out (its reason
goes into the rows' `reason`), and a strategy that cannot be computed gets a
row with status "error" and a reason.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from effiskel.schema import SKELETONS, empty_row
from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import (
    MASK,
    CharMask,
    SourceLines,
    check_skeleton,
    kept_fraction,
    render,
)
from effiskel.skeleton.sms import Token, normalize, sms_mask
from effiskel.skeleton.sss import Subtree, candidates, parse, sss_mask
from effiskel.skeleton.tas import tas_mask

__all__ = [
    "STRATEGIES",
    "CharMask",
    "SkeletonConfig",
    "SkeletonInputError",
    "Solution",
    "extract_task",
    "read_solution",
    "render",
    "solution_pool",
]

STRATEGIES = ("sms", "sss", "tas")


@dataclass
class SkeletonConfig:
    """How Stage 2 extracts skeletons; defaults are the paper's."""

    strategies: tuple[str, ...] = STRATEGIES
    """Skeletons to extract, one row per strategy per task: any of sms, sss, tas."""
    max_solutions: int = 5
    """K: the skeleton is what the K best-ranked solutions share; rank 1 is the reference."""
    min_solutions: int = 2
    """Fewest usable solutions, reference included, for a skeleton; fewer gives error rows.
    With 1, a lone reference shares everything with itself: SMS keeps every token and
    SSS every candidate subtree."""
    min_nodes: int = 3
    """SSS: a candidate subtree (statement or expression) has at least this many AST nodes."""
    sss_threshold: float = 0.8
    """SSS: a reference subtree is shared if every other solution has one with Dice > this."""
    tas_include_hottest: bool = True
    """TAS: also keep the hottest line's statement when no line exceeds the row average δ
    (a flat profile); the paper's rule alone would keep no hotspot then."""

    def __post_init__(self):
        if len(set(self.strategies)) != len(self.strategies):
            raise ValueError(f"strategies: {list(self.strategies)} names one strategy twice")
        unknown = set(self.strategies) - set(STRATEGIES)
        if unknown:
            raise ValueError(
                f"strategies: unknown {sorted(unknown)}; choose from {list(STRATEGIES)}"
            )
        for name in ("max_solutions", "min_solutions", "min_nodes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0 <= self.sss_threshold <= 1:
            raise ValueError(f"sss_threshold must lie in [0, 1], got {self.sss_threshold}")


@dataclass
class Solution:
    """One solution read once for all strategies: its text, tokens and AST."""

    solution_id: str
    code: str
    lines: SourceLines
    tokens: list[Token]
    tree: ast.Module


_BARE_CR = re.compile(r"\r(?!\n)")


def read_solution(solution_id: str, code: str | bytes) -> Solution:
    """Tokenize and parse one solution; SkeletonInputError says why it cannot be used."""
    if isinstance(code, bytes):
        try:
            code = code.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SkeletonInputError(f"is not UTF-8 ({e.reason} at byte {e.start})") from e
    if not isinstance(code, str):
        raise SkeletonInputError(f"has code of type {type(code).__name__}, expected text")
    bare = _BARE_CR.search(code)
    if bare:
        # tokenize and ast disagree on line numbers after a bare CR.
        raise SkeletonInputError(
            f"has a bare carriage return at character {bare.start()}; convert line endings to \\n"
        )
    tree = parse(code)  # first: it also rejects NUL bytes and unencodable text
    lines = SourceLines(code)
    return Solution(solution_id, code, lines, normalize(code, lines), tree)


def solution_pool(solutions: Sequence[Mapping], cfg: SkeletonConfig) -> list[Mapping]:
    """The `cfg.max_solutions` best-ranked solutions, best first: pool[0] is C_ref."""
    return sorted(solutions, key=_rank)[: cfg.max_solutions]


def extract_task(
    task_id: str,
    prompt: str | None,
    solutions: Sequence[Mapping],
    line_profile: Mapping | None = None,
    cfg: SkeletonConfig | None = None,
    profile_error: str | None = None,
) -> list[dict]:
    """One `schema.SKELETONS` row per strategy in `cfg.strategies` for one task.

    `solutions`: dicts with `solution_id`, `code` and `rank` (1 = fastest);
    the `cfg.max_solutions` best-ranked are used and the best is the
    reference C_ref (see `solution_pool`). `line_profile`: the reference's
    {line: (hits, time_ns)}, needed by TAS only; when it is missing,
    `profile_error` says why (e.g. the profiled run failed).
    """
    cfg = cfg or SkeletonConfig()
    pool = solution_pool(solutions, cfg)
    if not pool:
        return [
            _error_row(task_id, prompt, None, s, 0, "task has no solutions") for s in cfg.strategies
        ]

    usable, excluded, ref_error = [], [], None
    for i, sol in enumerate(pool):
        sid = str(sol.get("solution_id"))
        try:
            usable.append(read_solution(sid, sol.get("code")))
        except SkeletonInputError as e:
            if i == 0:
                ref_error = f"reference solution {sid!r} {e}"
            else:
                excluded.append(f"solution {sid!r} {e}")
    ref_id = str(pool[0].get("solution_id"))
    problem = ref_error or _pool_problem(usable, cfg)
    if problem:
        # An unreadable reference keeps its code only if Parquet can store it.
        code = usable[0].code if ref_error is None else _storable(pool[0].get("code"))
        return [
            _error_row(task_id, prompt, ref_id, s, len(usable), problem, code)
            for s in cfg.strategies
        ]

    note = f"left out {len(excluded)} of {len(pool)}: " + "; ".join(excluded) if excluded else None
    masks = _Masks(usable[0], usable[1:], line_profile, profile_error, cfg)
    rows = []
    for strategy in cfg.strategies:
        base = _base_row(task_id, prompt, ref_id, strategy, len(usable), usable[0].code)
        try:
            rows.append(_ok_row(base, masks.get(strategy), usable[0].tokens, note))
        except SkeletonInputError as e:
            rows.append({**base, "status": "error", "reason": str(e)})
        except Exception as e:  # noqa: BLE001 -- a bug must not take the task's other rows down
            rows.append(
                {**base, "status": "error", "reason": f"internal error (please report): {e!r}"}
            )
    return rows


def _rank(sol: Mapping) -> float:
    """Sort key: the rank, with a missing or non-numeric rank last."""
    try:
        return float(sol.get("rank"))
    except (TypeError, ValueError):
        return math.inf


def _storable(code) -> str | None:
    """`code` if it is text that encodes to UTF-8, else None."""
    if not isinstance(code, str):
        return None
    try:
        code.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return code


def _pool_problem(usable: list[Solution], cfg: SkeletonConfig) -> str | None:
    ref = usable[0]
    if not ref.tokens:
        return f"reference solution {ref.solution_id!r} has no code tokens (empty or comments only)"
    if MASK in ref.code:
        return f"reference solution {ref.solution_id!r} contains the text {MASK}; its skeleton would be ambiguous"
    if len(usable) < cfg.min_solutions:
        return (
            f"only {len(usable)} usable solution(s), need {cfg.min_solutions} (min_solutions): "
            "a skeleton is what several efficient solutions share"
        )
    return None


class _Masks:
    """Each strategy's mask for one task, computed on demand; TAS reuses SSS."""

    def __init__(self, ref: Solution, others: list[Solution], line_profile,
                 profile_error: str | None, cfg: SkeletonConfig):
        self.ref, self.others, self.cfg = ref, others, cfg
        self.line_profile, self.profile_error = line_profile, profile_error
        self._sss: CharMask | None = None

    def get(self, strategy: str) -> CharMask:
        if strategy == "sms":
            return sms_mask(self.ref.code, self.ref.tokens, [o.tokens for o in self.others])
        if strategy == "sss":
            return self.sss()
        if self.line_profile is None:
            raise SkeletonInputError(self.profile_error or (
                f"TAS needs the line profile of reference solution {self.ref.solution_id!r} "
                "and none was given; profile it with the sandbox's line profiler"
            ))
        return tas_mask(
            self.sss(),
            self.ref.tree,
            self.ref.tokens,
            self.line_profile,
            self.cfg.tas_include_hottest,
            self.ref.lines,
        )

    def sss(self) -> CharMask:
        if self._sss is None:
            self._sss = sss_mask(
                self.ref.code,
                self._subtrees(self.ref),
                [self._subtrees(o) for o in self.others],
                self.cfg.sss_threshold,
            )
        return self._sss

    def _subtrees(self, sol: Solution) -> list[Subtree]:
        return candidates(sol.tree, sol.lines, self.cfg.min_nodes)


def _base_row(task_id, prompt, ref_id, strategy, num_solutions, code) -> dict:
    return {**empty_row(SKELETONS), "task_id": str(task_id), "solution_id": ref_id,
            "strategy": strategy, "prompt": prompt, "code": code,
            "num_solutions": num_solutions}


def _error_row(task_id, prompt, ref_id, strategy, num_solutions, reason, code=None) -> dict:
    row = _base_row(task_id, prompt, ref_id, strategy, num_solutions, code)
    return {**row, "status": "error", "reason": reason}


def _ok_row(base: dict, mask: CharMask, ref_tokens: list[Token], note: str | None) -> dict:
    skeleton = render(mask)
    check_skeleton(mask, skeleton)  # cheap; a wrong skeleton must never reach training
    return {
        **base,
        "skeleton": skeleton,
        "char_mask": mask.to_string(),
        "kept_fraction": kept_fraction(mask, ((t.start, t.end) for t in ref_tokens)),
        "num_masks": skeleton.count(MASK),  # the reference has no literal <MASK>
        "status": "ok",
        "reason": note,
    }
