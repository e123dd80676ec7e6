"""EvalPlus: HumanEval+ (``HumanEvalPlus.jsonl.gz``) and MBPP+ (``MbppPlus.jsonl.gz``).

Rows: task_id, prompt, entry_point, canonical_solution, base_input,
plus_input (lists of argument lists), atol, contract, and test (HumanEval+) or
assertion (MBPP+). Call mode; tests are base_input + plus_input with the
expected output unknown (``output = None``): EvalPlus computes it by running
the canonical solution, which metadata names (``reference_solution_id``); a
later step fills the outputs with the sandbox. The solution is prompt +
canonical_solution for HumanEval+ (the canonical is a body) and
canonical_solution alone for MBPP+ (its prompt is a docstring).

EvalPlus quirks we reproduce (evalplus v0.2/0.3, evalplus/data/mbpp.py and
evalplus/eval/__init__.py, _special_oracle.py):
- MBPP+ stores tuples, sets and complex numbers as JSON lists and strings;
  ``mbpp_deserialize_inputs`` rebuilds them per task id before calling the
  function. `MBPP_INPUT_FIXES` is that table, applied before encoding.
- Comparison: when atol is 0 and the expected value is a float (or list of
  floats) EvalPlus still allows 1e-6, so ``float_tolerance`` = atol or 1e-6.
- Special oracles become checkers: HumanEval/32 find_zero (|poly(xs, x)| <=
  atol), MBPP are_equivalent (anything passes), sum_div (or 0),
  surface_Area / digit_distance_nums (or the oracle's value), set-equality
  tasks, and "not None" tasks whose expected value is a flag: for those the
  step that fills outputs must store ``output is not None`` (metadata
  ``"expected_output_rule": "is_not_none"``), since the canonical returns
  re.Match objects a literal cannot hold.
Task ids: ``humanevalplus/<n>``, ``mbppplus/<n>``; solution ``<task_id>/canonical``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from effiskel.tasks.humaneval import task_number
from effiskel.tasks.reasons import BAD_TESTS, NO_TESTS
from effiskel.tasks.rows import (
    bad_record,
    call_test,
    error_task,
    record_source,
    solution_row,
    task_row,
)

FIELDS = ("task_id", "prompt", "entry_point", "canonical_solution")
DEFAULT_FLOAT_TOLERANCE = 1e-6


def _load(path: Path, loc: str, rec, dataset: str, **options) -> tuple[dict, list[dict]]:
    """One row; dataset ("humanevalplus" or "mbppplus") names the source and its quirks."""
    bad = bad_record(dataset, path, loc, rec, FIELDS)
    if bad:
        return bad, []
    task_id = task_number(dataset, rec["task_id"])
    code = (
        rec["prompt"] + rec["canonical_solution"]
        if dataset == "humanevalplus"
        else rec["canonical_solution"]
    )
    solutions = [solution_row(task_id, f"{task_id}/canonical", code, f"{dataset}:canonical")]
    atol = float(rec.get("atol") or 0)
    base, plus = _input_list(rec.get("base_input")), _input_list(rec.get("plus_input"))
    meta = {
        "source_task_id": rec["task_id"],
        "reference_solution_id": f"{task_id}/canonical",
        "num_base_inputs": len(base),
        "atol": atol,
        "contract": rec.get("contract"),
        "base_tests": rec.get("test") or rec.get("assertion"),
    }
    entry = rec["entry_point"]
    checker = _checker(dataset, entry, atol)
    if entry in MBPP_OUTPUT_NOT_NONE and dataset == "mbppplus":
        meta["expected_output_rule"] = "is_not_none"
    shared = {"mode": "call", "metadata": meta, "prompt": rec["prompt"]}
    where = f"{rec['task_id']} ({path})"

    def failed(kind: str, detail: str):
        return error_task(task_id, dataset, kind, detail, **shared), solutions

    try:
        inputs = base + plus
        if dataset == "mbppplus":
            inputs = fix_mbpp_inputs(rec["task_id"], inputs)
        tests = [call_test(args, has_expected=False) for args in inputs]
    except (TypeError, ValueError, IndexError) as e:
        return failed(BAD_TESTS, f"{where}: {e}")
    if not tests:
        return failed(NO_TESTS, f"{where} has no base_input or plus_input")
    task = task_row(
        task_id,
        dataset,
        entry_point=entry,
        tests=tests,
        checker=checker,
        float_tolerance=atol or DEFAULT_FLOAT_TOLERANCE,
        **shared,
    )
    return task, solutions


def _input_list(value) -> list:
    # MBPP+ writes an absent plus_input as {} (Mbpp/793).
    return list(value) if isinstance(value, list) else []


# ---- mbpp_deserialize_inputs, as data: task number -> how its JSON inputs become Python values.


def _tuples(args):  # every argument a tuple
    return [tuple(a) for a in args]


def _tuples_in_lists(args):  # every argument a list of tuples
    return [[tuple(x) for x in a] for a in args]


def _deep_tuple(x):
    return tuple(_deep_tuple(i) for i in x) if isinstance(x, list) else x


MBPP_INPUT_FIXES = {
    **dict.fromkeys(
        [
            2,
            116,
            132,
            143,
            222,
            261,
            273,
            394,
            399,
            421,
            424,
            429,
            470,
            560,
            579,
            596,
            616,
            630,
            726,
            740,
            744,
            809,
        ],
        _tuples,
    ),
    **dict.fromkeys(
        [63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780], _tuples_in_lists
    ),
    **dict.fromkeys([75, 413, 444, 753], lambda a: [[tuple(x) for x in a[0]], a[1]]),
    **dict.fromkeys([106, 750], lambda a: [a[0], tuple(a[1])]),
    115: lambda a: [
        [set(x) if isinstance(x, list) and x else {} for x in a[0]]
    ],  # sic: {} is a dict
    124: lambda a: (float(a[0]), complex(a[1])),
    **dict.fromkeys([250, 405, 446, 617, 720, 763, 808], lambda a: [tuple(a[0]), *a[1:]]),
    **dict.fromkeys([259, 401, 445], lambda a: _tuples(_tuples_in_lists(a))),
    278: lambda a: _tuples([[tuple(x) if isinstance(x, list) else x for x in a[0]]]),
    307: lambda a: [tuple(a[0]), a[1], a[2]],
    722: lambda a: [{k: tuple(v) for k, v in a[0].items()}, *a[1:]],
    252: lambda a: [complex(a[0])],
    **dict.fromkeys([580, 615, 791], _deep_tuple),
}


def fix_mbpp_inputs(task_id: str, inputs: list) -> list:
    fix = MBPP_INPUT_FIXES.get(int(task_id.rsplit("/", 1)[-1]))
    return [fix(args) for args in inputs] if fix else inputs


# ---- special oracles as checkers (check(input, expected, output); input = the argument list)

MBPP_OUTPUT_NOT_NONE = {"check_str", "text_match_three", "text_starta_endb"}
MBPP_OUTPUT_SET_EQ = {
    "similar_elements",
    "find_char_long",
    "common_in_nested_lists",
    "extract_singly",
    "larg_nnum",
    "intersection_array",
    "find_dissimilar",
    "Diff",
}

_POLY = """\
import math

def _poly(xs, x):
    return sum(c * math.pow(x, i) for i, c in enumerate(xs))

def check(input, expected, output):
    return abs(_poly(*input, output)) <= ATOL
"""
_SURFACE_AREA = """\
import math

def _surface_Area(base_edge, height):
    slant = math.sqrt((base_edge / 2) ** 2 + height ** 2)
    return round(base_edge ** 2 + 4 * (base_edge * slant) / 2)

def check(input, expected, output):
    return output == expected or abs(output - _surface_Area(*input)) <= ATOL
"""
_DIGIT_DISTANCE = """\
def _digit_distance_nums(a, b):
    a, b = str(a), str(b)
    n = max(len(a), len(b))
    return sum(abs(int(x) - int(y)) for x, y in zip(a.zfill(n), b.zfill(n)))

def check(input, expected, output):
    return output == expected or output == _digit_distance_nums(*input)
"""
_NOT_NONE = """\
def check(input, expected, output):
    flag = expected if isinstance(expected, bool) else expected is not None
    return output == flag if isinstance(output, bool) else flag == (output is not None)
"""
MBPP_CHECKERS = {
    "are_equivalent": "def check(input, expected, output):\n    return True\n",
    "sum_div": "def check(input, expected, output):\n    return output == expected or output == 0\n",
    "surface_Area": _SURFACE_AREA,
    "digit_distance_nums": _DIGIT_DISTANCE,
    **dict.fromkeys(
        MBPP_OUTPUT_SET_EQ,
        "def check(input, expected, output):\n    return set(output) == set(expected)\n",
    ),
    **dict.fromkeys(MBPP_OUTPUT_NOT_NONE, _NOT_NONE),
}


def _checker(dataset: str, entry_point: str, atol: float) -> str | None:
    if dataset == "humanevalplus":
        text = _POLY if entry_point == "find_zero" else None
    else:
        text = MBPP_CHECKERS.get(entry_point)
    return text.replace("ATOL", repr(atol)) if text else None


SOURCE_HUMANEVALPLUS = record_source("humanevalplus", partial(_load, dataset="humanevalplus"))
SOURCE_MBPPPLUS = record_source("mbppplus", partial(_load, dataset="mbppplus"))
