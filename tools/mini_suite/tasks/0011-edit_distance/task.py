"""Mini task 0011: edit distance."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, words
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    The edit distance between two strings is the minimum number of single-letter
    insertions, deletions and substitutions that turn one into the other.
    Compute the edit distance between a and b.
"""
INPUT_FORMAT = """
    Two lines, with a and b: each 1 to 260 lowercase English letters.
"""
OUTPUT_FORMAT = "Print the edit distance."
EXAMPLE = fmt("flaw", "lawn")
EDGE_CASES = (
    fmt("a", "a"),
    fmt("abc", "xyz"),
    fmt("kitten", "sitting"),
    fmt("intention", "execution"),
)


def reference(inp: str) -> str:
    a, b = inp.split()
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return str(prev[-1])


def _mutate(rng, s: str, edits: int, alphabet: str) -> str:
    """s after `edits` random insertions, deletions and substitutions."""
    out = list(s)
    for _ in range(edits):
        i = rng.randrange(len(out) + 1)
        kind = rng.choice("ids") if out and i < len(out) else "i"
        if kind == "i":
            out.insert(i, rng.choice(alphabet))
        elif kind == "d" and len(out) > 1:
            del out[i]
        else:
            out[i] = rng.choice(alphabet)
    return "".join(out)


def _edit_input(rng, n: int, edits: int | None, alphabet: str) -> str:
    a = words(rng, 1, n, n, alphabet)[0]
    b = words(rng, 1, n, n, alphabet)[0] if edits is None else _mutate(rng, a, edits, alphabet)
    return fmt(a, b)


def large(rng):
    return [
        _edit_input(rng, 200, None, "abcd"),
        _edit_input(rng, 240, 12, "abcdefghijklmnopqrstuvwxyz"),
    ]


def small(rng):
    return fmt(*words(rng, 2, 1, 6, "abc"))


SOLUTIONS = (
    ac("memo_recursion", "O(n*m)"),
    ac("table_2d", "O(n*m)"),
    ac("two_rows", "O(n*m)"),
    # Ukkonen's band: an alignment of cost <= d never leaves the diagonals
    # |i - j| <= d, so try d = 1, 2, 4, ... with only those cells.
    ac("band_doubling", "O((n + m)*distance)"),
    # Myers/Hyyro bit-parallel edit distance: one column of the table is a
    # pair of bit vectors (+1 / -1 vertical steps) updated with word ops.
    ac("bit_parallel", "O(n*m/64)"),
    # n + m - 2*LCS is the distance with insertions and deletions only; a
    # substitution costs 2 there instead of 1.
    wrong("via_lcs", "O(n*m)"),
)
