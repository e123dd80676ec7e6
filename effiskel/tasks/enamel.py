"""ENAMEL (Qiu et al., ICLR 2025): HumanEval problems with expert efficient
reference solutions and seeded input generators at four size levels.

Layout (the q-rz/enamel repository): ``dataset/enamel.csv`` with columns
task_id, prompt, input_generator, input_levels, reference_solution, checker,
entry_point (164 rows, one per HumanEval problem, in HumanEval order) and
``samples/{enamel-references,humaneval-canonical,humanevalplus-canonical}.json``
(a list with one list of code strings per problem).

What we follow from ENAMEL's own harness (``enam/evaluate.py``,
``enam/__init__.py`` and ``demo.py`` defaults in github.com/q-rz/enamel):
- the problem set: ENAMEL evaluates 142 of the 164 rows, ``PROBLEMSET =
  range(164) minus {2, 23, 41, 45, 53, 60, 71, 92, 97, 99, 102, 123, 124,
  135, 137, 138, 144, 148, 156, 157, 159, 160}``. The 22 left out are mostly
  problems whose inputs are O(1) or bounded in size (add, truncate_number,
  strlen, triangle_area, valid_date, bf, ...), where no solution can be
  measurably more efficient than another. They load as "skipped" rows
  (reason kind "excluded"); ``subset="all"`` loads them too.
- test inputs: for problem row i, level j (size = input_levels[j]) and case
  k < n_tests[j] with n_tests = (8, 4, 4, 4), the harness runs prompt +
  input_generator in a fresh scope holding ``time``, ``random``, ``string`` and
  its four helpers, seeds ``random.seed(998244353 ^ i ^ (offset_j + k))``
  where offset_j = n_tests[0] + ... + n_tests[j-1], and calls
  ``generate_input(size=size, lid=j, cid=k)``; the tuple it returns is the
  argument list. We do exactly that, in-process: the generators are dataset
  code, trusted as ENAMEL's harness trusts them. (They draw from the
  process-wide `random`, whose state is restored afterwards; so one process
  must not load ENAMEL units on two threads at once.) On the released csv the
  inputs of all four levels equal those of enam 0.2.0's ``make_tests``.
- expected outputs: ENAMEL computes them by running the reference solution, so
  our tests carry ``output = None`` and metadata names the reference
  (``reference_solution_id``); a later step fills them with the sandbox.
- the checker: ENAMEL runs prompt + "    pass" + checker, then
  ``__check(input, answer, output)``; ours is the same text plus
  ``check = __check`` (the sandbox calls ``check(input, expected, output)``).
  The prompt is kept because HumanEval/32's checker calls the prompt's poly().

Default levels: the largest only (what the profile check needs); any subset of
0..3 or "all" can be asked for. Solutions: the ENAMEL reference (the csv's
prompt + "\\n" + reference_solution, identical to enamel-references.json), and
the HumanEval and HumanEval+ canonical solutions from the samples files.
"""

from __future__ import annotations

import csv
import random
import string
import time
from pathlib import Path

from effiskel.tasks.common import (
    BAD_ROW,
    BAD_TESTS,
    EXCLUDED,
    GENERATOR_FAILED,
    Source,
    Unreadable,
    cached_by_mtime,
    call_test,
    error_task,
    failed_solution,
    read_json_file,
    solution_row,
    task_row,
)

NAME = "enamel"
SEED = 998244353  # demo.py --seed default
TESTS_PER_LEVEL = (8, 4, 4, 4)  # demo.py --n_tests default
EXCLUDED_ROWS = frozenset(
    {
        2,
        23,
        41,
        45,
        53,
        60,
        71,
        92,
        97,
        99,
        102,
        123,
        124,
        135,
        137,
        138,
        144,
        148,
        156,
        157,
        159,
        160,
    }
)
FIELDS = (
    "task_id",
    "prompt",
    "input_generator",
    "input_levels",
    "reference_solution",
    "checker",
    "entry_point",
)
SAMPLES = {"humaneval": "humaneval-canonical.json", "humanevalplus": "humanevalplus-canonical.json"}


def units(path: str | Path, **options) -> list[str]:
    """One unit per csv row (test generation is the costly part)."""
    return [str(i) for i in range(len(_rows(_csv_path(path))))]


def load_unit(
    path: str | Path, unit: str, levels="largest", subset: str = "enamel", **options
) -> list[tuple[dict, list[dict]]]:
    """Row `unit` of the csv: its task (tests at `levels`) and its three solutions.

    levels: "largest" (default), "all", or level indices (0..3) to generate.
    subset: "enamel" (ENAMEL's 142 problems; the others load as skipped) or "all".
    """
    csv_path = _csv_path(path)
    i = int(unit)
    rows = _rows(csv_path)
    row = rows[i]
    task_id = f"{NAME}/{i}"
    missing = [c for c in FIELDS if not row.get(c)]
    sizes = [int(s) for s in row.get("input_levels", "").split() if s.isdigit()]
    if missing or len(sizes) != len(TESTS_PER_LEVEL):
        detail = f"{csv_path} row {i} lacks {missing or 'four integer input_levels'}"
        return [(error_task(task_id, NAME, BAD_ROW, detail, mode="call"), [])]
    meta = {"source_task_id": row["task_id"], "reference_solution_id": f"{task_id}/reference"}
    shared = {"mode": "call", "metadata": meta, "prompt": row["prompt"]}
    if subset != "all" and i in EXCLUDED_ROWS:
        detail = (
            f"{row['task_id']} is not among the 142 problems ENAMEL evaluates "
            "(enam.PROBLEMSET) — load with subset='all' to include it"
        )
        return [(error_task(task_id, NAME, EXCLUDED, detail, status="skipped", **shared), [])]

    chosen = _levels(levels, len(sizes))
    meta.update(
        level_sizes=sizes,
        levels=chosen,
        tests_per_level=list(TESTS_PER_LEVEL),
        seed_rule="998244353 ^ row ^ (tests before the level + case)",
    )
    try:
        tests, test_levels = _generate(i, row, sizes, chosen)
    except Unreadable as e:
        task = error_task(task_id, NAME, e.kind, e.detail, **shared)
    else:
        meta["test_levels"] = test_levels
        task = task_row(
            task_id,
            NAME,
            entry_point=row["entry_point"],
            tests=tests,
            checker=f"{row['prompt']}\n    pass\n{row['checker']}\n\ncheck = __check\n",
            **shared,
        )
    return [(task, _solutions(csv_path, i, task_id, row))]


def _csv_path(path: str | Path) -> Path:
    p = Path(path)
    return p / "dataset" / "enamel.csv" if p.is_dir() else p


@cached_by_mtime
def _rows(csv_path: Path) -> list[dict]:
    # Generators and solutions are long multi-line fields; the csv module's
    # default field limit (128 KiB) is too small for a few of them.
    csv.field_size_limit(1 << 30)
    with open(csv_path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


_samples = cached_by_mtime(read_json_file)  # samples/*.json: every unit reads one entry


def _levels(levels, n: int) -> list[int]:
    if levels == "largest":
        return [n - 1]
    if levels == "all":
        return list(range(n))
    chosen = sorted({int(j) for j in levels})
    if not chosen or chosen[0] < 0 or chosen[-1] >= n:
        raise ValueError(f"ENAMEL levels {levels!r}: choose from 0..{n - 1}, 'largest' or 'all'")
    return chosen


def _generate(
    i: int, row: dict, sizes: list[int], levels: list[int]
) -> tuple[list[dict], list[int]]:
    tests, test_levels = [], []
    saved = random.getstate()  # the generators seed the process-wide `random`; leave it as found
    try:
        for j in levels:
            offset = sum(TESTS_PER_LEVEL[:j])
            for k in range(TESTS_PER_LEVEL[j]):
                scope = {"time": time, "random": random, "string": string, **_HELPERS}
                try:
                    exec(f"{row['prompt']}\n{row['input_generator']}\n", scope)  # noqa: S102 - dataset code
                    random.seed(SEED ^ i ^ (offset + k))
                    args = scope["generate_input"](size=sizes[j], lid=j, cid=k)
                except Exception as e:  # noqa: BLE001 - any failure of dataset code is this task's
                    raise Unreadable(
                        GENERATOR_FAILED,
                        f"{row['task_id']}: generate_input(size={sizes[j]}, "
                        f"lid={j}, cid={k}) raised {type(e).__name__}: {e}",
                    ) from None
                try:
                    tests.append(call_test(args, has_expected=False))
                except TypeError as e:
                    raise Unreadable(
                        BAD_TESTS, f"{row['task_id']} level {j} case {k}: {e}"
                    ) from None
                test_levels.append(j)
    finally:
        random.setstate(saved)
    return tests, test_levels


def _solutions(csv_path: Path, i: int, task_id: str, row: dict) -> list[dict]:
    out = [
        solution_row(
            task_id,
            f"{task_id}/reference",
            f"{row['prompt']}\n{row['reference_solution']}",
            "enamel:reference",
        )
    ]
    samples_dir = csv_path.parent.parent / "samples"
    for name, file in SAMPLES.items():
        sid = f"{task_id}/{name}"
        try:
            code = _samples(samples_dir / file)[i][0]
            if not isinstance(code, str):
                raise TypeError(type(code).__name__)
        except Unreadable as e:
            out.append(failed_solution(task_id, sid, f"{name}:canonical", e.kind, e.detail))
        except (IndexError, KeyError, TypeError) as e:
            detail = f"{samples_dir / file} has no code string at [{i}][0] ({e})"
            out.append(failed_solution(task_id, sid, f"{name}:canonical", BAD_ROW, detail))
        else:
            out.append(solution_row(task_id, sid, code, f"{name}:canonical"))
    return out


# ENAMEL's generator helpers (enam/datautils.py), written again here because
# generators call them by name. Each must draw from `random` in exactly the
# order the original does, or the seeded inputs would differ from ENAMEL's.


def rand_parens(size: int, valid: bool = True, par: str = "()", sep=""):
    """Random parenthesis groups of total length ~size (valid), or an invalid string."""
    if not valid:
        assert sep == ""
        half = (size + 1) // 2 - 1
        left = rand_parens(half, True, par)
        return left + par[1] + par[0] + rand_parens(half, True, par)
    size += size % 2
    groups: list[list[str]] = []
    depth = 0
    for i in range(size):
        # open when nothing is open; otherwise flip a coin while closing all is still possible
        if depth == 0 or (depth < size - i and random.randint(0, 1)):
            if depth == 0:
                groups.append([])
            groups[-1].append(par[0])
            depth += 1
        else:
            groups[-1].append(par[1])
            depth -= 1
    texts = ["".join(g) for g in groups]
    return texts if sep is None else sep.join(texts)


def miller_rabin(n: int, k: int = 5) -> bool:
    if n in (2, 3):
        return True
    if n == 1 or n % 2 == 0:
        return False
    r, d = 0, n - 1
    while d % 2 == 0:
        r, d = r + 1, d // 2
    for _ in range(k):
        x = pow(random.randint(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def rand_probably_prime(lb: int, ub: int | None = None) -> int:
    """A probable prime in [lb, ub], or in [lb // 2, lb] when ub is None."""
    if ub is None:
        lb = max(lb, 3)
        lb, ub = lb // 2, lb
    else:
        lb = max(lb, 0)
        ub = max(lb * 2, ub, 3)
    p = random.randint(lb, ub)
    while not miller_rabin(p):
        p = random.randint(lb, ub)
    return p


def rand_primality(size: int, lid: int, cid: int) -> int:
    size = max(size, 4)
    fixed = {0: 2 * 3 * 5 * 7 * 11 * 13 + 1, 1: 561, 2: 2, 3: 125}  # 59*509, Carmichael, 2, 5^3
    if lid == 0 and cid in fixed:
        return fixed[cid]
    m = int(size**0.5 + 1)
    if cid % 3 == 0:
        return rand_probably_prime(size)
    if cid % 3 == 1:
        return rand_probably_prime(m) ** 2
    p = rand_probably_prime(m)
    return p * rand_probably_prime(m)


_HELPERS = {f.__name__: f for f in (rand_parens, miller_rabin, rand_probably_prime, rand_primality)}

SOURCE = Source(NAME, units, load_unit)
