"""Mini task 0030: longest valid parentheses substring (stack)."""

from __future__ import annotations

from tools.mini_suite.inputs import fmt
from tools.mini_suite.spec import ac, wrong

DIFFICULTY = "interview"
STATEMENT = """
    A string of brackets is valid if every '(' can be matched with a later ')'
    so that the pairs are properly nested, like "(()())". Given a string of
    '(' and ')', find the length of its longest valid substring (0 if there
    is none).
"""
INPUT_FORMAT = "One line with s: 1 to 1200 characters, each '(' or ')'."
OUTPUT_FORMAT = "Print the length of the longest valid substring."
EXAMPLE = fmt("(()")
EDGE_CASES = (fmt(")"), fmt("()(()"), fmt("(()))())("))


def reference(inp: str) -> str:
    s = inp.split()[0]
    best, stack = 0, [-1]
    for i, ch in enumerate(s):
        if ch == "(":
            stack.append(i)
        else:
            stack.pop()
            if stack:
                best = max(best, i - stack[-1])
            else:
                stack.append(i)
    return str(best)


def _paren_string(rng, n: int, p_open: float) -> str:
    return "".join("(" if rng.random() < p_open else ")" for _ in range(n))


def large(rng):
    return [
        fmt(_paren_string(rng, 1200, 0.5)),
        fmt(_paren_string(rng, 1000, 0.52)),
        fmt("(" * 300 + "()" * 300 + ")" * 100),
    ]


def small(rng):
    return fmt(_paren_string(rng, rng.randint(1, 12), 0.5))


SOLUTIONS = (
    ac("scan_each_start", "O(n^2)"),
    # Per start, prefix balances in C: the valid prefixes end at zeros
    # before the first -1.
    ac("accumulate_each_start", "O(n^2) in C"),
    # With prefix balances b, s[i:e] is valid iff b[e] == b[i] and b stays
    # >= b[i] in between: jump (sparse table of minima) to the first drop
    # below b[i], then take the last equal balance before it.
    ac("prefix_min_jumps", "O(n log n)"),
    ac("dp_ending_here", "O(n)"),
    ac("stack_of_indices", "O(n)"),
    # Left-to-right counts catch every valid run except those ending with
    # surplus '('; the right-to-left pass catches those.
    ac("two_pass_counters", "O(n)"),
    # Counts every matched pair in the whole string, as if all matched pairs
    # formed one contiguous valid substring.
    wrong("count_matched_pairs", "O(n)"),
)
