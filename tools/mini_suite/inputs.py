"""Helpers for writing a mini task's inputs (its task.py imports them).

A helper lives here once a second task uses it; one task's own helpers stay in
its task.py.
"""

from __future__ import annotations

import random


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


def n_k_input(rng: random.Random, n: int, k: int | None, lo: int, hi: int) -> str:
    """The common input "n k, then n integers in [lo, hi]"; k=None draws k in [1, n]."""
    return fmt((n, rng.randint(1, n) if k is None else k), nums(rng, n, lo, hi))


def periodic(rng: random.Random, n: int, period: str, noise: float) -> str:
    """n letters repeating `period`, each replaced by a random one with probability noise."""
    return "".join(
        rng.choice("ab") if rng.random() < noise else period[i % len(period)] for i in range(n)
    )
