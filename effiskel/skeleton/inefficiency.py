"""The inefficiency skeleton: what a slow solution does that a fast one does not (SkelDPO).

SkelDPO's skeleton pair puts the fast solution's efficiency skeleton (TAS) against the
slow solution's *inefficiency skeleton* (PAPER_NOTES, "Preference pairs"): the slow
solution's statements that have no matching subtree (Dice > the SSS threshold) in the
fast solution, together with its hot lines (line time > its own δ), rendered with
`<MASK>` like every skeleton. Precisely:

- S* = the slow solution's maximal subtrees shared with the fast solution: SSS of the
  slow solution against the fast one alone (`sss.SharedSearch`, Dice > threshold).
- A statement of the slow solution (an SSS candidate, so of at least `min_nodes` nodes)
  is *unmatched* if neither it nor anything enclosing it is in S*. It is kept as its
  statement part (`tas.statement_parts`): a simple statement whole, a compound one by
  its header only, since its body's statements are judged each on its own. So a loop
  that gained one statement shows its header and that statement, not its whole body.
- Every part on a hot line is kept too: a line whose time exceeds δ, the mean time over
  the slow solution's executed lines (`tas.hot_lines` of its own profile, as TAS).

Everything else is masked; identical programs share everything, so only hot parts stay.
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from collections.abc import Mapping
from typing import NamedTuple

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.extract import SkeletonConfig, Solution, read_solution
from effiskel.skeleton.render import MASK, CharMask, check_skeleton, kept_fraction, render
from effiskel.skeleton.sss import SharedSearch, candidates
from effiskel.skeleton.tas import Part, hot_lines, hot_parts, statement_parts


class InefficiencySkeleton(NamedTuple):
    """A slow solution's inefficiency skeleton and what it was made of."""

    mask: CharMask
    skeleton: str
    kept_fraction: float
    """Fraction of the slow solution's tokens with a kept character."""
    unmatched: int
    """Statements with no matching subtree in the fast solution."""
    hot: int
    """Statement parts on a hot line (some of them unmatched too)."""


def inefficiency_skeleton(
    slow_id: str,
    slow_code: str | bytes,
    fast_id: str,
    fast_code: str | bytes,
    slow_profile: Mapping | None,
    cfg: SkeletonConfig | None = None,
) -> InefficiencySkeleton:
    """The inefficiency skeleton of solution `slow_id` against the faster `fast_id`.

    `slow_profile`: the slow solution's line profile, {line: (hits, time_ns)}
    (`sandbox.types.LineProfile.lines`). `cfg` gives `min_nodes`, the threshold
    (`sss_threshold`) and `tas_include_hottest`. Raises SkeletonInputError, naming the
    solution and what to do, if either program cannot be read or the profile is
    missing or is not one of the slow solution.
    """
    cfg = cfg or SkeletonConfig()
    slow = _read("slow", slow_id, slow_code)
    fast = _read("fast", fast_id, fast_code)
    if MASK in slow.code:
        raise SkeletonInputError(
            f"slow solution {slow_id!r} contains the text {MASK}; its skeleton would be ambiguous"
        )
    if slow_profile is None:
        raise SkeletonInputError(
            f"the inefficiency skeleton needs the line profile of slow solution {slow_id!r} and "
            "none was given; profile it with the sandbox's line profiler"
        )
    try:
        hot = hot_lines(slow_profile, slow.lines.count, cfg.tas_include_hottest)
    except SkeletonInputError as e:
        raise SkeletonInputError(f"line profile of slow solution {slow_id!r}: {e}") from e
    slow_subtrees = candidates(slow.tree, slow.lines, cfg.min_nodes)
    fast_subtrees = candidates(fast.tree, fast.lines, cfg.min_nodes)
    shared = SharedSearch([slow_subtrees, fast_subtrees], cfg.sss_threshold).maximal_shared(0)
    parts = statement_parts(slow.tree, slow.tokens, slow.lines, cfg.min_nodes, slow_subtrees)
    unmatched = unmatched_parts(slow, parts, {(s.start, s.end) for s in slow_subtrees},
                                [(s.start, s.end) for s in shared])
    kept = unmatched + hot_parts(parts, hot)
    mask = CharMask.from_spans(slow.code, ((p.start, p.end) for p in kept))
    skeleton = render(mask)
    check_skeleton(mask, skeleton)  # cheap; a wrong skeleton must never reach training
    return InefficiencySkeleton(
        mask=mask,
        skeleton=skeleton,
        kept_fraction=kept_fraction(mask, ((t.start, t.end) for t in slow.tokens)),
        unmatched=len(unmatched),
        hot=len(kept) - len(unmatched),
    )


def unmatched_parts(sol: Solution, parts: list[Part], candidate_spans: set[tuple[int, int]],
                    shared: list[tuple[int, int]]) -> list[Part]:
    """The parts of `sol`'s statements that are SSS candidates (their [start, end) span is in
    `candidate_spans`) and lie inside none of the disjoint `shared` spans."""
    part_at = {p.start: p for p in parts}  # no two statements start at one character
    shared = sorted(shared)
    starts = [s for s, _ in shared]
    out = []
    for node in ast.walk(sol.tree):
        if not isinstance(node, ast.stmt):
            continue
        start = sol.lines.offset_utf8(node.lineno, node.col_offset)
        end = sol.lines.offset_utf8(node.end_lineno, node.end_col_offset)
        if (start, end) not in candidate_spans:
            continue  # under min_nodes nodes: SSS never compares it
        k = bisect_right(starts, start) - 1  # the shared span starting last at or before it
        if k < 0 or shared[k][1] < end:
            out.append(part_at[start])
    return out


def _read(role: str, solution_id: str, code) -> Solution:
    try:
        sol = read_solution(solution_id, code)
    except SkeletonInputError as e:
        raise SkeletonInputError(f"{role} solution {solution_id!r} {e}") from e
    if not sol.tokens:
        raise SkeletonInputError(
            f"{role} solution {solution_id!r} has no code tokens (empty or comments only)"
        )
    return sol
