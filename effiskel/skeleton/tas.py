"""TAS, the Time-Aware Skeleton (paper §3.2, Algorithm 1 lines 15-25).

TAS = SSS ∪ the reference's hot statements. The input is the reference's
line profile, {line: (hits, time_ns)} as `sandbox.types.LineProfile.lines`
gives it. δ is the row average: the mean time over the executed lines
(hits > 0). A line is hot if its time exceeds δ; the hottest line also
counts (when its time is positive), so a flat profile, where no line
exceeds the mean, still marks its hotspot.

A hot line adds every statement part on it. A part is a simple statement
(its whole span, all its lines) or a compound statement's header, from its
keyword to the colon ending the header (`for x in a:`, `elif n > 1:`,
`except KeyError:`, `def f(x) -> int:`), never its body: a hot loop header
says the loop is hot, not that every statement in it is. A hot line with no
part on it (blank, comment, `else:`, a decorator) adds nothing.
"""

from __future__ import annotations

import ast
import tokenize
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import CharMask, SourceLines
from effiskel.skeleton.sms import Token

_COMPOUND = tuple(
    getattr(ast, name)
    for name in (
        "For", "AsyncFor", "While", "If", "With", "AsyncWith", "FunctionDef",
        "AsyncFunctionDef", "ClassDef", "Try", "TryStar", "Match", "ExceptHandler",
    )
    if hasattr(ast, name)
)  # fmt: skip
_OPEN, _CLOSE = set("([{"), set(")]}")


def hot_lines(profile: Mapping, num_lines: int, include_hottest: bool = True) -> set[int]:
    """Lines whose time exceeds the mean over executed lines (and the hottest ones).

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
                f"line profile names line {number} but the reference has {num_lines} lines; "
                "was it profiled from another program?"
            )
        if hits > 0:
            executed[number] = time_ns
    if not executed:
        raise SkeletonInputError(
            "line profile has no executed line (hits > 0); profile the reference on its tests"
        )
    delta = sum(executed.values()) / len(executed)
    hot = {line for line, t in executed.items() if t > delta}
    top = max(executed.values())
    if include_hottest and top > 0:
        hot |= {line for line, t in executed.items() if t == top}
    return hot


def statement_parts(
    tree: ast.AST, tokens: Sequence[Token], lines: SourceLines
) -> list[tuple[int, int]]:
    """[start, end) spans of every simple statement and compound statement header."""
    starts = [t.start for t in tokens]
    parts = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.stmt, ast.excepthandler)):
            continue
        start = lines.offset_utf8(node.lineno, node.col_offset)
        if isinstance(node, _COMPOUND):
            end = _header_end(tokens, bisect_left(starts, start), node.lineno)
        else:
            end = lines.offset_utf8(node.end_lineno, node.end_col_offset)
        parts.append((start, end))
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


def tas_mask(
    sss: CharMask,
    tree: ast.AST,
    tokens: Sequence[Token],
    profile: Mapping,
    include_hottest: bool = True,
    lines: SourceLines | None = None,
) -> CharMask:
    """The TAS mask: the SSS mask plus every statement part on a hot line of the reference.

    `lines`: the reference's SourceLines, when the caller has them already."""
    lines = lines or SourceLines(sss.code)
    hot = hot_lines(profile, lines.count, include_hottest)
    by_line: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start, end in statement_parts(tree, tokens, lines):
        for line in range(lines.line_of(start), lines.line_of(max(start, end - 1)) + 1):
            by_line[line].append((start, end))
    spans = [span for line in sorted(hot) for span in by_line.get(line, ())]
    return sss | CharMask.from_spans(sss.code, spans)
