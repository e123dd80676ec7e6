"""How a mini task is defined: statement, solutions, tests, reference.

A definition is data plus three small functions:
- `reference(input) -> output`: the trusted solver that produces every
  expected output (never typed by hand);
- `large(rng) -> [input, …]`: the 2–3 large tests, largest last;
- `small(rng) -> input`: a random small input, for `_generate --fuzz`, which
  checks every solution marked AC against the reference far beyond the
  shipped tests.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

VERDICTS = ("AC", "WA", "RE")
DIFFICULTIES = ("introductory", "interview")


@dataclass(frozen=True)
class Solution:
    label: str
    complexity: str
    code: str
    expected: str = "AC"


def ac(label: str, complexity: str, code: str) -> Solution:
    """A correct solution (passes every test)."""
    return Solution(label, complexity, _clean(code), "AC")


def wrong(label: str, complexity: str, code: str, verdict: str = "WA") -> Solution:
    """An intentionally wrong solution: fails at least one test, always with `verdict`."""
    assert verdict in VERDICTS and verdict != "AC", verdict
    return Solution(label, complexity, _clean(code), verdict)


@dataclass(frozen=True)
class Task:
    name: str
    difficulty: str
    statement: str
    input_format: str
    output_format: str
    reference: Callable[[str], str]
    example: str
    """Test 0, also shown in question.txt."""
    edge_cases: tuple[str, ...]
    """Hand-picked small tests."""
    large: Callable[[random.Random], list[str]]
    """The large tests (2–3), generated from a seeded rng; the last is the largest."""
    small: Callable[[random.Random], str]
    """A random small input, for fuzzing the solutions against the reference."""
    solutions: tuple[Solution, ...]

    def question(self) -> str:
        """question.txt in APPS's layout."""
        return (
            f"{_para(self.statement)}\n\n"
            f"-----Input-----\n\n{_para(self.input_format)}\n\n"
            f"-----Output-----\n\n{_para(self.output_format)}\n\n"
            f"-----Examples-----\nInput\n{self.example}\nOutput\n{self.expected(self.example)}"
        )

    def expected(self, inp: str) -> str:
        out = self.reference(inp)
        return out if out.endswith("\n") else out + "\n"

    def inputs(self) -> list[str]:
        """Every test input: the example, the edge cases, then the large ones."""
        # A string seed is hashed with SHA-512 by `random`, so this does not
        # depend on PYTHONHASHSEED: the same inputs on every run and machine.
        rng = random.Random(f"effiskel-mini/{self.name}")
        return [self.example, *self.edge_cases, *self.large(rng)]


def _clean(code: str) -> str:
    return textwrap.dedent(code).strip("\n") + "\n"


def _para(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


# ---- helpers for writing inputs ------------------------------------------------


def fmt(*rows) -> str:
    """Input text: one line per row; a list or tuple row is space-separated."""
    return "".join(
        (" ".join(map(str, r)) if isinstance(r, (list, tuple)) else str(r)) + "\n" for r in rows
    )


def nums(rng: random.Random, n: int, lo: int, hi: int) -> list[int]:
    """n uniform integers in [lo, hi]."""
    return [rng.randint(lo, hi) for _ in range(n)]


def array_input(rng: random.Random, n: int, lo: int, hi: int) -> str:
    """The common input "n, then n integers in [lo, hi] on one line"."""
    return fmt(n, nums(rng, n, lo, hi))


def words(rng: random.Random, n: int, min_len: int, max_len: int, alphabet: str) -> list[str]:
    """n random words over `alphabet` with lengths in [min_len, max_len]."""
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(min_len, max_len)))
        for _ in range(n)
    ]


def tokens(inp: str) -> list[int]:
    """All whitespace-separated tokens of an input, as ints (references use this)."""
    return list(map(int, inp.split()))


def ranges(rng: random.Random, n: int, q: int, max_len: int) -> list[tuple[int, int]]:
    """q random 1-indexed inclusive ranges [l, r] in 1..n, each at most max_len long."""
    out = []
    for _ in range(q):
        length = rng.randint(1, min(n, max_len))
        start = rng.randint(1, n - length + 1)
        out.append((start, start + length - 1))
    return out
