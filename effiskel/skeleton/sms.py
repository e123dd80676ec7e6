"""SMS, the String-based Matching Skeleton (paper §3.2, Algorithm 1 lines 1-9).

normalize(C) is the token sequence of Python `tokenize` without comments,
NL/NEWLINE/INDENT/DEDENT and the encoding/end markers; tokens are equal when
their (type, string) are. L* is the fold of pairwise longest common
subsequences starting from T_ref: L = T_ref, then L = LCS(L, T_i) for each
other solution, remembering which positions of T_ref survive. A token of
C_ref is kept iff its position survives (positions, not set membership: the
second `i` of the reference is not kept just because some `i` is common).
Exact multi-sequence LCS is NP-hard; the fold is a common subsequence of all
K sequences by construction and optimal for K = 2.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Sequence
from typing import NamedTuple

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import CharMask, SourceLines

_DROPPED = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


class Token(NamedTuple):
    """One normalized token: its type, text and [start, end) character offsets."""

    type: int
    string: str
    start: int
    end: int


def normalize(code: str, lines: SourceLines | None = None) -> list[Token]:
    """The normalized token sequence of `code`; SkeletonInputError if it does not tokenize."""
    lines = lines or SourceLines(code)
    tokens = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type in _DROPPED:
                continue
            if tok.type == tokenize.ERRORTOKEN:
                if tok.string.isspace():  # tokenize emits these just before a real error
                    continue
                raise SkeletonInputError(
                    f"does not tokenize: unexpected {tok.string!r} at line {tok.start[0]} "
                    f"col {tok.start[1]}; fix or drop this solution"
                )
            start = lines.offset(*tok.start)
            tokens.append(Token(tok.type, tok.string, start, start + len(tok.string)))
    except (tokenize.TokenError, SyntaxError) as e:
        raise SkeletonInputError(f"does not tokenize: {e}; fix or drop this solution") from e
    return tokens


def lcs_pairs(a: Sequence, b: Sequence) -> list[tuple[int, int]]:
    """Index pairs (i, j), both increasing, of one longest common subsequence of a and b."""
    n, m = len(a), len(b)
    head = 0
    while head < n and head < m and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and tail < m - head and a[n - 1 - tail] == b[m - 1 - tail]:
        tail += 1
    # A common prefix or suffix is part of some optimal LCS, so only the
    # middle needs the DP; near-identical solutions cost almost nothing.
    middle = _bit_parallel_lcs(a[head : n - tail], b[head : m - tail])
    return (
        [(k, k) for k in range(head)]
        + [(i + head, j + head) for i, j in middle]
        + [(n - tail + k, m - tail + k) for k in range(tail)]
    )


def _bit_parallel_lcs(a: Sequence, b: Sequence) -> list[tuple[int, int]]:
    """LCS by the bit-vector DP (Crochemore et al. 2001), one Python int per row.

    Row i is a bit vector V_i over b where a 0 bit j means DP[i][j+1] =
    DP[i][j] + 1; a row costs O(len(b)/64) word operations. The traceback
    reads those bits: on a mismatch, a set bit means DP[i][j] = DP[i][j-1]
    (step left), a clear bit means DP[i][j] = DP[i-1][j] (step up).
    """
    m = len(b)
    if not a or not m:
        return []
    full = (1 << m) - 1
    match: dict = {}
    for j, x in enumerate(b):
        match[x] = match.get(x, 0) | (1 << j)
    rows = []
    v = full
    for x in a:
        u = v & match.get(x, 0)
        v = ((v + u) | (v - u)) & full
        rows.append(v)
    pairs = []
    i, j = len(a), m
    while i and j:
        if a[i - 1] == b[j - 1]:
            i, j = i - 1, j - 1
            pairs.append((i, j))
        elif rows[i - 1] >> (j - 1) & 1:
            j -= 1
        else:
            i -= 1
    pairs.reverse()
    return pairs


def common_positions(ref: Sequence, others: Sequence[Sequence]) -> list[int]:
    """Positions of `ref` surviving the fold L = LCS(L, T_i) over `others`, in order."""
    positions = list(range(len(ref)))
    current = list(ref)
    for other in others:
        pairs = lcs_pairs(current, other)
        positions = [positions[i] for i, _ in pairs]
        current = [current[i] for i, _ in pairs]
    return positions


def sms_mask(code: str, ref: list[Token], others: list[list[Token]]) -> CharMask:
    """The SMS mask of reference `code` (tokens `ref`) against the other solutions' tokens."""
    ids: dict[tuple[int, str], int] = {}  # (type, string) → small int: cheap equality and hashing

    def keys(tokens: list[Token]) -> list[int]:
        return [ids.setdefault((t.type, t.string), len(ids)) for t in tokens]

    positions = common_positions(keys(ref), [keys(t) for t in others])
    return CharMask.from_spans(code, ((ref[p].start, ref[p].end) for p in positions))
