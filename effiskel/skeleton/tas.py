"""TAS, the Time-Aware Skeleton (paper §3.2, Algorithm 1 lines 15-25).

TAS(C_ref) = SSS(C_ref) ∪ hot statements of every efficient solution. Each
solution C_i has its own line profile, {line: (hits, time_ns)} as
`sandbox.types.LineProfile.lines` gives it, taken once per task. δ_i is its
row average: the mean time over its executed lines (hits > 0); a line is hot
if its time exceeds δ_i. (`include_hottest` also counts the hottest line,
so a flat profile marks one; an option of ours, off by default.)

A statement *part* is a simple statement (its whole span, all its lines) or
a compound statement's header, from its keyword to the colon ending the
header (`for x in a:`, `elif n > 1:`, `except KeyError:`, `def f(x) -> int:`),
never its body: a hot loop header says the loop is hot, not that every
statement in it is. A part is hot if one of its lines is. A hot line with no
part on it (blank, comment, `else:`, a decorator) adds nothing.

- The reference's own hot parts are added as they are.
- A hot part s of another solution reaches C_ref through its best-matching
  part r of C_ref: the highest Dice sim(s, r) of SSS (normalized AST
  profiles; a compound part is compared by its header, the node without its
  bodies and decorators), if that exceeds the SSS threshold. Only parts of at least `min_nodes` nodes are
  compared, as SSS compares only such candidates. Ties go to the part at the
  nearest relative place in its program (line / number of lines), so a
  statement that recurs (`l, r = map(...)` read before a loop and in it) is
  matched to its counterpart; then to the first. Algorithm 1 adds hot
  structures "outside S*": a hot part whose best match SSS keeps already
  adds nothing, so no separate test is needed.
"""

from __future__ import annotations

import ast
import math
import tokenize
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import CharMask, SourceLines
from effiskel.skeleton.sms import Token
from effiskel.skeleton.sss import Subtree, shape, similarity

_COMPOUND = tuple(
    getattr(ast, name)
    for name in (
        "For", "AsyncFor", "While", "If", "With", "AsyncWith", "FunctionDef",
        "AsyncFunctionDef", "ClassDef", "Try", "TryStar", "Match", "ExceptHandler",
    )
    if hasattr(ast, name)
)  # fmt: skip
# Fields of a compound statement outside its header span (decorators sit above `def`).
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases", "decorator_list")
_OPEN, _CLOSE = set("([{"), set(")]}")


class Part(NamedTuple):
    """One statement part: its [start, end) span, its lines and its profile for matching."""

    start: int
    end: int
    first_line: int
    last_line: int
    shape: Subtree | None  # None: fewer than min_nodes nodes, never matched across solutions
    where: float  # relative place in the program: first line / number of lines


def hot_lines(profile: Mapping, num_lines: int, include_hottest: bool = False) -> set[int]:
    """Lines whose time exceeds the mean over executed lines (and, optionally, the hottest).

    SkeletonInputError if the profile names a line the code does not have
    (it was taken of another program) or executed nothing.
    """
    executed: dict[int, float] = {}
    for line, value in profile.items():
        try:
            hits, time_ns = value
            number, hits, time_ns = int(line), int(hits), float(time_ns)
        except (TypeError, ValueError) as e:
            raise SkeletonInputError(
                f"line profile entry {line!r}: {value!r} is not line: (hits, time_ns)"
            ) from e
        if not 1 <= number <= num_lines:
            raise SkeletonInputError(
                f"line profile names line {number} but the code has {num_lines} lines; "
                "was it profiled from another program?"
            )
        if hits > 0:
            executed[number] = time_ns
    if not executed:
        raise SkeletonInputError(
            "line profile has no executed line (hits > 0); profile the solution on its tests"
        )
    delta = sum(executed.values()) / len(executed)
    hot = {line for line, t in executed.items() if t > delta}
    top = max(executed.values())
    if include_hottest and top > 0:
        hot |= {line for line, t in executed.items() if t == top}
    return hot


def statement_parts(
    tree: ast.AST, tokens: Sequence[Token], lines: SourceLines, min_nodes: int = 3,
    subtrees: Sequence[Subtree] | None = None,
) -> list[Part]:
    """Every simple statement and compound statement header, in `ast.walk` order.

    `subtrees`: the program's SSS `candidates(tree, lines, min_nodes)`, if at hand; a
    simple statement's profile is its candidate's (the first with its span: an `Expr`
    statement and its expression share one), so it is not computed twice.
    """
    starts = [t.start for t in tokens]
    known = None if subtrees is None else {(c.start, c.end): c for c in reversed(subtrees)}
    parts = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.stmt, ast.excepthandler)):
            continue
        start = lines.offset_utf8(node.lineno, node.col_offset)
        if isinstance(node, _COMPOUND):
            end = _header_end(tokens, bisect_left(starts, start), node.lineno)
            profile = shape(node, start, end, _BODIES)
        else:
            end = lines.offset_utf8(node.end_lineno, node.end_col_offset)
            # Every statement of min_nodes or more nodes is a candidate.
            profile = shape(node, start, end) if known is None else known.get((start, end))
        if profile is not None and profile.size < min_nodes:
            profile = None
        first = lines.line_of(start)
        last = lines.line_of(max(start, end - 1))
        parts.append(Part(start, end, first, last, profile, first / lines.count))
    return parts


def _header_end(tokens: Sequence[Token], first: int, lineno: int) -> int:
    """End of the ':' closing a compound header that starts at token `first`.

    It is the first ':' outside brackets that does not belong to a lambda
    (dict, slice and annotation colons sit inside brackets).
    """
    depth = lambdas = 0
    for tok in tokens[first:]:
        if tok.type == tokenize.OP and tok.string in _OPEN:
            depth += 1
        elif tok.type == tokenize.OP and tok.string in _CLOSE:
            depth -= 1
        elif depth == 0 and tok.type == tokenize.NAME and tok.string == "lambda":
            lambdas += 1
        elif depth == 0 and tok.type == tokenize.OP and tok.string == ":":
            if not lambdas:
                return tok.end
            lambdas -= 1
    raise SkeletonInputError(f"no ':' ends the compound statement on line {lineno}")


def hot_parts(parts: Sequence[Part], hot: set[int]) -> list[Part]:
    """The parts with a hot line."""
    return [p for p in parts if any(n in hot for n in range(p.first_line, p.last_line + 1))]


def best_match(s: Part, parts: Sequence[Part], threshold: float) -> Part | None:
    """The part of `parts` whose shape is most similar to `s`'s, if its Dice exceeds
    `threshold`; on ties the one nearest `s`'s relative place, then the first."""
    a = s.shape.size
    # Dice > t needs t·a/(2−t) < b < a(2−t)/t for sizes a, b: skip the others unmeasured.
    lo = a * threshold / (2 - threshold) - 1e-9
    hi = a * (2 - threshold) / threshold + 1e-9 if threshold > 0 else math.inf
    best, key = None, (threshold, 0.0)
    for p in parts:
        if p.shape is not None and lo < p.shape.size < hi:
            k = (similarity(s.shape, p.shape), -abs(p.where - s.where))
            if k > key:
                best, key = p, k
    return best


def tas_mask(
    sss: CharMask,
    ref_parts: Sequence[Part],
    ref_hot: set[int],
    others_hot: Sequence[Sequence[Part]] = (),
    threshold: float = 0.8,
) -> CharMask:
    """The TAS mask: the SSS mask, every part of the reference on one of its hot lines
    `ref_hot`, and the best match in the reference of each hot part of another solution
    (`others_hot`, one list per other solution; see `hot_parts`)."""
    spans = [(p.start, p.end) for p in hot_parts(ref_parts, ref_hot)]
    for hot in others_hot:
        for s in hot:
            match = best_match(s, ref_parts, threshold) if s.shape is not None else None
            if match is not None:
                spans.append((match.start, match.end))
    return sss | CharMask.from_spans(sss.code, spans)

