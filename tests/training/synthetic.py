"""Synthetic SKELETONS rows for the training tests (the real Stage 2 output comes from
effiskel.skeleton): small Python programs, a character mask that keeps keywords, builtins
and structure, and the skeleton Stage 2 renders from it (each masked run → `<MASK>`)."""

from __future__ import annotations

import io
import keyword
import random
import tokenize
from pathlib import Path

from data_pipeline.shards import write_shard
from effiskel import schema
from effiskel.skeleton.render import CharMask, render

BUILTINS = {
    "range",
    "len",
    "sorted",
    "sum",
    "min",
    "max",
    "print",
    "input",
    "int",
    "set",
    "dict",
    "list",
}

TEMPLATES = [
    (
        "Given n, return the sum of {f} of the integers below n.",
        "def {name}(n):\n    total = 0\n    for i in range(n):\n        total += {expr}\n    return total\n",
    ),
    (
        "Return the {k} largest values of the list xs, largest first.",
        "def {name}(xs):\n    return sorted(xs, reverse=True)[:{k}]\n",
    ),
    (
        "Count the distinct values in xs that are divisible by {k}.",
        "def {name}(xs):\n    seen = set()\n    for x in xs:\n        if x % {k} == 0:\n            seen.add(x)\n    return len(seen)\n",
    ),
    (
        "Read n and then n integers from standard input; print their maximum times {k}.",
        "n = int(input())\nbest = None\nfor _ in range(n):\n    v = int(input())\n    if best is None or v > best:\n        best = v\nprint(best * {k})\n",
    ),
    (
        "Return the index of target in the sorted list xs, or -1; xs has up to 10^{k} items.",
        "def {name}(xs, target):\n    lo, hi = 0, len(xs) - 1\n    while lo <= hi:\n        mid = (lo + hi) // 2\n        if xs[mid] == target:\n            return mid\n        if xs[mid] < target:\n            lo = mid + 1\n        else:\n            hi = mid - 1\n    return -1\n",
    ),
]
NAMES = ["solve", "answer", "compute", "run", "main_fn", "f"]
EXPRS = [("squares", "i * i"), ("cubes", "i * i * i"), ("doubles", "2 * i"), ("values", "i")]


def char_mask(code: str) -> str:
    """'1' on keywords, builtins, brackets/colons and all whitespace; '0' elsewhere."""
    mask = [1 if c.isspace() else 0 for c in code]
    line_starts = [0]
    for line in code.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        keep = (
            tok.type == tokenize.NAME and (keyword.iskeyword(tok.string) or tok.string in BUILTINS)
        ) or (tok.type == tokenize.OP and tok.string in "()[]:,")
        if keep and tok.start[0] == tok.end[0]:
            base = line_starts[tok.start[0] - 1]
            for j in range(base + tok.start[1], base + tok.end[1]):
                mask[j] = 1
    return "".join(map(str, mask))


def skeleton_rows(n: int = 40, seed: int = 0, strategy: str = "tas") -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        prompt_t, code_t = TEMPLATES[i % len(TEMPLATES)]
        f, expr = rng.choice(EXPRS)
        k = rng.randint(2, 9)
        code = code_t.format(name=rng.choice(NAMES), expr=expr, k=k)
        prompt = prompt_t.format(f=f, k=k)
        mask = char_mask(code)
        row = schema.empty_row(schema.SKELETONS)
        row.update(
            task_id=f"t{i:03d}",
            solution_id=f"t{i:03d}-s0",
            strategy=strategy,
            prompt=prompt,
            code=code,
            skeleton=render(CharMask.from_string(code, mask)),
            char_mask=mask,
            kept_fraction=mask.count("1") / len(mask),
            status="ok",
        )
        rows.append(row)
    return rows


def write_shards(rows: list[dict], out_dir: Path, shards: int = 2) -> Path:
    """`rows` as a SKELETONS table in `shards` Parquet shards, as Stage 2 writes them."""
    for s in range(shards):
        write_shard(rows[s::shards], schema.SKELETONS, out_dir / f"part-{s:05d}.parquet")
    return out_dir
