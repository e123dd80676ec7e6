"""Mini task 0020: least rotation."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, periodic, words
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    Rotating a string s = s_0 s_1 ... s_{n-1} by k gives s_k ... s_{n-1} s_0 ...
    s_{k-1}. Find the lexicographically smallest rotation of s and print the
    smallest k that gives it.
"""
INPUT_FORMAT = "One line with s: 1 to 1000 lowercase English letters."
OUTPUT_FORMAT = "Print the smallest k (0 <= k < n) whose rotation is the smallest."
EXAMPLE = fmt("cabcabd")
EDGE_CASES = (fmt("a"), fmt("bbbb"), fmt("abab"), fmt("bca"))


def reference(inp: str) -> str:
    s = inp.split()[0]
    d, n = s + s, len(s)
    return str(min(range(n), key=lambda k: d[k : k + n]))


def large(rng):
    return [
        fmt(words(rng, 1, 1000, 1000, "ab")[0]),
        fmt("".join(rng.choice(["ab", "aab"]) for _ in range(250))),
        fmt("a" * 549 + "b" + "a" * 100),
    ]


def small(rng):
    return fmt(periodic(rng, rng.randint(1, 10), "ab"[: rng.randint(1, 2)], 0.3))


SOLUTIONS = (
    ac("compare_char_by_char", "O(n^2)"),
    # Prefix doubling, as for suffix arrays: after round r, equal ranks mean
    # equal first 2^r letters (cyclically); once 2^r >= n, equal rotations.
    ac("prefix_doubling", "O(n log^2 n)"),
    ac("min_of_slices", "O(n^2)"),
    ac("booth", "O(n)"),
    # The classic "minimum expression" two-pointer scan: candidates i and j,
    # k = length of their common prefix; the loser jumps past it.
    ac("two_candidates", "O(n)"),
    # `<=` keeps the last of several equal smallest rotations, not the first:
    # wrong exactly when s is periodic.
    wrong("last_of_ties", "O(n^2)"),
)
