"""One task's efficiency skeletons (paper §3.2): SMS, SSS and TAS rows of its efficient solutions.

`extract_task` is the row-level entry point the Ray stage maps over: one
task's top-K solutions in, one `schema.SKELETONS` row per solution and
strategy out. Each of the K solutions is in turn the reference C_ref against
the other K−1 (PAPER_NOTES, Stage 2: one training tuple per efficient
solution). It never raises for bad input: an unreadable solution is left out
of the others' pools (its reason goes into their rows' `reason`) and gets
error rows of its own, and a strategy that cannot be computed gets a row with
status "error" and a reason.
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
from effiskel.skeleton.sss import SharedSearch, candidates, parse
from effiskel.skeleton.tas import Part, hot_lines, hot_parts, statement_parts, tas_mask

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
    """Skeletons to extract, one row per strategy and efficient solution: any of sms, sss, tas."""
    max_solutions: int = 5
    """K: the K best-ranked solutions of a task; each is C_ref in turn against the others."""
    min_solutions: int = 2
    """Fewest usable solutions, reference included, for a skeleton; fewer gives error rows.
    With 1, a lone reference shares everything with itself: SMS keeps every token and
    SSS every candidate subtree."""
    min_nodes: int = 3
    """SSS: a candidate subtree (statement or expression) has at least this many AST nodes."""
    sss_threshold: float = 0.8
    """SSS: a reference subtree is shared if every other solution has one with Dice > this."""
    tas_include_hottest: bool = False
    """TAS: also count each solution's hottest line as hot when no line exceeds its row
    average δ (a flat profile). Not the paper's rule, so off by default."""

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
    """The `cfg.max_solutions` best-ranked solutions, best first."""
    return sorted(solutions, key=_rank)[: cfg.max_solutions]


def extract_task(
    task_id: str,
    prompt: str | None,
    solutions: Sequence[Mapping],
    line_profiles: Mapping[str, Mapping] | None = None,
    cfg: SkeletonConfig | None = None,
    profile_errors: Mapping[str, str] | None = None,
) -> list[dict]:
    """`schema.SKELETONS` rows of one task: for each of its efficient solutions in rank
    order (that solution as C_ref, `rank` = its place, 1 = fastest), one per strategy.

    `solutions`: dicts with `solution_id`, `code` and `rank` (1 = fastest); the
    `cfg.max_solutions` best-ranked are used (see `solution_pool`).
    `line_profiles`: {solution_id: {line: (hits, time_ns)}}, needed by TAS only;
    where one is missing, `profile_errors[solution_id]` says why (e.g. the
    profiled run failed). TAS of a reference without its own profile is an error
    row; a missing profile of another solution leaves its hot statements out,
    said in the row's `reason`.
    """
    cfg = cfg or SkeletonConfig()
    pool = solution_pool(solutions, cfg)
    if not pool:
        return [_error_row(task_id, prompt, None, None, s, 0, "task has no solutions")
                for s in cfg.strategies]

    read: list[Solution | str] = []  # each pool member: read, or why it cannot be
    for sol in pool:
        try:
            read.append(read_solution(str(sol.get("solution_id")), sol.get("code")))
        except SkeletonInputError as e:
            read.append(str(e))
    usable = [r for r in read if isinstance(r, Solution)]
    excluded = [f"solution {str(sol.get('solution_id'))!r} {r}"
                for sol, r in zip(pool, read) if isinstance(r, str)]
    note = f"left out {len(excluded)} of {len(pool)}: " + "; ".join(excluded) if excluded else None
    masks = _Masks(usable, line_profiles or {}, profile_errors or {}, cfg)
    rows, i = [], -1  # i: index of the reference among the usable solutions
    for rank, (sol, ref) in enumerate(zip(pool, read), 1):
        sid = str(sol.get("solution_id"))
        if isinstance(ref, str):
            # An unreadable reference keeps its code only if Parquet can store it.
            rows += [_error_row(task_id, prompt, sid, rank, s, len(usable),
                                f"reference solution {sid!r} {ref}", _storable(sol.get("code")))
                     for s in cfg.strategies]
            continue
        i += 1
        problem = _ref_problem(ref) or _count_problem(len(usable), cfg)
        if problem:
            rows += [_error_row(task_id, prompt, sid, rank, s, len(usable), problem, ref.code)
                     for s in cfg.strategies]
            continue
        for strategy in cfg.strategies:
            base = _base_row(task_id, prompt, sid, rank, strategy, len(usable), ref.code)
            try:
                mask, notes = masks.get(strategy, i)
                reason = "; ".join([n for n in (note, *notes) if n]) or None
                rows.append(_ok_row(base, mask, ref.tokens, reason))
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


def _ref_problem(ref: Solution) -> str | None:
    if not ref.tokens:
        return f"reference solution {ref.solution_id!r} has no code tokens (empty or comments only)"
    if MASK in ref.code:
        return f"reference solution {ref.solution_id!r} contains the text {MASK}; its skeleton would be ambiguous"
    return None


def _count_problem(usable: int, cfg: SkeletonConfig) -> str | None:
    if usable < cfg.min_solutions:
        return (
            f"only {usable} usable solution(s), need {cfg.min_solutions} (min_solutions): "
            "a skeleton is what several efficient solutions share"
        )
    return None


class _Masks:
    """Each strategy's mask with each usable solution as C_ref, computed on demand.

    What does not depend on the choice of C_ref is computed once per task:
    each solution's SSS candidates and the search index over them, its
    statement parts, and its hot lines (one line profile per solution).
    TAS reuses SSS.
    """

    def __init__(self, sols: list[Solution], profiles: Mapping[str, Mapping],
                 profile_errors: Mapping[str, str], cfg: SkeletonConfig):
        self.sols, self.cfg = sols, cfg
        self.profiles, self.profile_errors = profiles, profile_errors
        self._search: SharedSearch | None = None
        self._sss: dict[int, CharMask] = {}
        self._parts: dict[int, list[Part]] = {}
        self._hot: dict[int, set[int] | str] = {}

    def get(self, strategy: str, i: int) -> tuple[CharMask, list[str]]:
        """The mask of solution i as C_ref, and notes for the row's reason."""
        ref = self.sols[i]
        others = [o for j, o in enumerate(self.sols) if j != i]
        if strategy == "sms":
            return sms_mask(ref.code, ref.tokens, [o.tokens for o in others]), []
        if strategy == "sss":
            return self.sss(i), []
        ref_hot = self.hot(i)
        if isinstance(ref_hot, str):
            raise SkeletonInputError(ref_hot or (
                f"TAS needs the line profile of reference solution {ref.solution_id!r} and "
                "none was given; profile it with the sandbox's line profiler"))
        others_hot, notes = [], []
        for j, other in enumerate(self.sols):
            if j == i:
                continue
            hot = self.hot(j)
            if isinstance(hot, str):
                notes.append(f"TAS left out the hot statements of solution "
                             f"{other.solution_id!r}: {hot or 'no line profile was given'}")
            else:
                others_hot.append(hot_parts(self.parts(j), hot))
        mask = tas_mask(self.sss(i), self.parts(i), ref_hot, others_hot, self.cfg.sss_threshold)
        return mask, notes

    def search(self) -> SharedSearch:
        if self._search is None:
            subtrees = [candidates(s.tree, s.lines, self.cfg.min_nodes) for s in self.sols]
            self._search = SharedSearch(subtrees, self.cfg.sss_threshold)
        return self._search

    def sss(self, i: int) -> CharMask:
        if i not in self._sss:
            kept = self.search().maximal_shared(i)
            self._sss[i] = CharMask.from_spans(self.sols[i].code, ((s.start, s.end) for s in kept))
        return self._sss[i]

    def parts(self, i: int) -> list[Part]:
        if i not in self._parts:
            s = self.sols[i]
            self._parts[i] = statement_parts(s.tree, s.tokens, s.lines, self.cfg.min_nodes,
                                             self.search().solutions[i])
        return self._parts[i]

    def hot(self, i: int) -> set[int] | str:
        """Solution i's hot lines, or why it has none ("" when no profile was given)."""
        if i not in self._hot:
            sol = self.sols[i]
            profile = self.profiles.get(sol.solution_id)
            if profile is None:
                self._hot[i] = self.profile_errors.get(sol.solution_id) or ""
            else:
                try:
                    self._hot[i] = hot_lines(profile, sol.lines.count,
                                             self.cfg.tas_include_hottest)
                except SkeletonInputError as e:
                    self._hot[i] = f"line profile of solution {sol.solution_id!r}: {e}"
        return self._hot[i]


def _base_row(task_id, prompt, ref_id, rank, strategy, num_solutions, code) -> dict:
    return {**empty_row(SKELETONS), "task_id": str(task_id), "solution_id": ref_id,
            "rank": rank, "strategy": strategy, "prompt": prompt, "code": code,
            "num_solutions": num_solutions}


def _error_row(task_id, prompt, ref_id, rank, strategy, num_solutions, reason,
               code=None) -> dict:
    row = _base_row(task_id, prompt, ref_id, rank, strategy, num_solutions, code)
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
