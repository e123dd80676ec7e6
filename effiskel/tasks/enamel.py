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
  argument list. We do exactly that, in a child process with PYTHONHASHSEED=0
  (`enamel_inputs.py`): the generators of rows 7, 64 and 80 iterate over sets
  of strings, so under a random hash seed each process would get other tests.
  The generators are dataset code, trusted as ENAMEL's harness trusts them.
  On the released csv the inputs of all four levels equal those of enam
  0.2.0's ``make_tests`` (for rows 7, 64 and 80: under PYTHONHASHSEED=0).
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
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from effiskel.tasks.readers import Unreadable, cached_by_mtime, read_json_file
from effiskel.tasks.reasons import BAD_ROW, BAD_TESTS, EXCLUDED, GENERATOR_FAILED
from effiskel.tasks.rows import (
    Source,
    call_test,
    error_task,
    failed_solution,
    solution_row,
    task_row,
)

NAME = "enamel"
SEED = 998244353  # demo.py --seed default
HASH_SEED = "0"  # PYTHONHASHSEED of the generators' process (see enamel_inputs.py)
GENERATOR_TIMEOUT_S = 600  # all cases of one row; the slowest row takes a few seconds
_INPUTS = Path(__file__).with_name("enamel_inputs.py")
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
    """The tests of csv row `i` at `levels`, generated in a child with PYTHONHASHSEED=0
    (see enamel_inputs.py: some generators depend on the order of a set of strings)."""
    cases = [[j, k, sizes[j], SEED ^ i ^ (sum(TESTS_PER_LEVEL[:j]) + k)]
             for j in levels for k in range(TESTS_PER_LEVEL[j])]
    request = {"task_id": row["task_id"], "cases": cases,
               "code": f"{row['prompt']}\n{row['input_generator']}\n"}
    try:
        proc = subprocess.run(
            [sys.executable, "-S", "-P", str(_INPUTS)], input=json.dumps(request).encode(),
            capture_output=True, timeout=GENERATOR_TIMEOUT_S,
            env={**os.environ, "PYTHONHASHSEED": HASH_SEED},
        )
    except subprocess.TimeoutExpired:
        raise Unreadable(GENERATOR_FAILED, f"{row['task_id']}: input generators ran over "
                                           f"{GENERATOR_TIMEOUT_S} s") from None
    try:
        status, payload = pickle.loads(proc.stdout)  # noqa: S301 - our own child's reply
    except Exception:  # noqa: BLE001 - no reply at all: the child itself failed
        tail = proc.stderr.decode(errors="replace").strip()[-500:]
        raise Unreadable(GENERATOR_FAILED, f"{row['task_id']}: the input generator process "
                                           f"exited {proc.returncode}: {tail}") from None
    if status != "ok":
        raise Unreadable(GENERATOR_FAILED, payload)
    tests, test_levels = [], []
    for j, k, args in payload:
        try:
            tests.append(call_test(args, has_expected=False))
        except TypeError as e:
            raise Unreadable(BAD_TESTS, f"{row['task_id']} level {j} case {k}: {e}") from None
        test_levels.append(j)
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


SOURCE = Source(NAME, units, load_unit)
