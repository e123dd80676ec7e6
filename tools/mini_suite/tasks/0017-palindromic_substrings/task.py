"""Mini task 0017: count palindromic substrings."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt, words
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    Count the substrings of a string s that are palindromes (read the same
    forwards and backwards). Substrings at different positions count
    separately, even when they are equal as strings.
"""
INPUT_FORMAT = "One line with s: 1 to 500 lowercase English letters."
OUTPUT_FORMAT = "Print the number of palindromic substrings of s."
EXAMPLE = fmt("abcba")
EDGE_CASES = (fmt("z"), fmt("aaaa"), fmt("abba"))


def reference(inp: str) -> str:
    s = inp.split()[0]
    n, count = len(s), 0
    for center in range(2 * n - 1):
        lo, hi = center // 2, center // 2 + center % 2
        while lo >= 0 and hi < n and s[lo] == s[hi]:
            count += 1
            lo, hi = lo - 1, hi + 1
    return str(count)


def _runs(rng, n: int, alphabet: str, max_run: int) -> str:
    """A string of length n made of runs of one letter (many palindromes)."""
    out: list[str] = []
    while len(out) < n:
        out += rng.choice(alphabet) * rng.randint(1, max_run)
    return "".join(out[:n])


def large(rng):
    return [
        fmt(words(rng, 1, 400, 400, "abc")[0]),
        fmt(_runs(rng, 500, "ab", 12)),
        fmt(_runs(rng, 500, "abc", 40)),
    ]


def small(rng):
    return fmt(_runs(rng, rng.randint(1, 12), "ab"[: rng.randint(1, 2)] + "c", 3))


SOLUTIONS = (
    ac("all_substrings", "O(n^3)"),
    ac("dp_table", "O(n^2)"),
    # Row by row over lengths: s[i:i+L] is a palindrome iff its ends match
    # and s[i+1:i+L-1] (length L-2, kept from two rows back) is one; each
    # row is built by map() over C functions, without a Python-level loop.
    ac("dp_rows_map", "O(n^2)"),
    ac("expand_centers", "O(n + answer)"),
    ac("manacher", "O(n)"),
    # Expands odd-length palindromes only: misses "aa", "abba", ...
    wrong("odd_centers_only", "O(n + answer)"),
)
