"""Mini task 0018: anagram groups."""

from __future__ import annotations

from collections import Counter

from tools.mini_suite.inputs import fmt, words
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "introductory"
STATEMENT = """
    Two words are anagrams if one is a rearrangement of the letters of the
    other ("listen" and "silent"; a word is an anagram of itself). Split the
    given words into groups of anagrams. Print how many groups there are and
    how many words the largest group has.
"""
INPUT_FORMAT = """
    The first line contains n (1 <= n <= 5000). Each of the next n lines contains
    a word of 1 to 10 lowercase English letters. Words may repeat.
"""
OUTPUT_FORMAT = "Print two integers: the number of groups and the size of the largest group."
EXAMPLE = fmt(6, "listen", "silent", "enlist", "google", "banana", "tinsel")
EDGE_CASES = (
    fmt(1, "a"),
    fmt(4, "ab", "ba", "ab", "abb"),
    fmt(3, "aab", "abb", "bab"),
)


def reference(inp: str) -> str:
    groups = Counter("".join(sorted(w)) for w in inp.split()[1:])
    return f"{len(groups)} {max(groups.values())}"


def _anagram_input(rng, n: int, groups: int, min_len: int, max_len: int, alphabet: str) -> str:
    """n words, each a shuffle of one of `groups` random base words."""
    bases = words(rng, groups, min_len, max_len, alphabet)
    out = []
    for _ in range(n):
        letters = list(rng.choice(bases))
        rng.shuffle(letters)
        out.append("".join(letters))
    return fmt(n, *out)


def large(rng):
    return [
        _anagram_input(rng, 3000, 200, 1, 10, "abcdefghijklmnopqrstuvwxyz"),
        _anagram_input(rng, 4000, 300, 3, 8, "abcdef"),
    ]


def small(rng):
    return _anagram_input(rng, rng.randint(1, 8), rng.randint(1, 5), 1, 3, "abc")


SOLUTIONS = (
    ac("scan_group_list", "O(n*groups)"),
    ac("letter_count_key", "O(n*(L + 26))"),
    ac("sort_keys_groupby", "O(n*L log L + n log n)"),
    ac("dict_sorted_key", "O(n*L log L)"),
    ac("counter_bulk", "O(n*L log L)"),
    # Keys on the set of letters: "aab" and "abb" land in one group.
    wrong("letter_set_key", "O(n*L log L)"),
)
