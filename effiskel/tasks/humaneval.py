"""OpenAI HumanEval (``HumanEval.jsonl.gz``: task_id, prompt, entry_point,
canonical_solution, test).

Call mode; the solution is prompt + canonical_solution. The tests are
``check(candidate)`` assert code; we convert, with `ast`, each statement of
check's body of the form

    assert candidate(<args>) == <value>          (either side; also tuple(...) == tuple(...))
    assert candidate(<args>) is True|False|None
    assert candidate(<args>)  /  assert not candidate(<args>)   (expected True / False)
    assert abs(candidate(<args>) - <number>) < <tol>   (float_tolerance = tol)

into a test, where args and values are literals or arithmetic on number
literals (``3 * 19``, ``2.0/3.0``). Truthiness asserts become exact True/False
tests: stricter than the original, right for HumanEval's boolean functions.
Asserts of other shapes (loops over random inputs, comparisons with a helper's
result) are left out; the whole original check code stays in the task's
metadata ("check_code") with the counts "asserts" / "asserts_converted"
(``assert True`` placeholders are not counted). On the released file
1,121 of 1,133 asserts convert (98.9 %); 154 of 164 tasks convert fully and
161 get at least one test. HumanEval/32, /38 and /50 check only random inputs
(find_zero, decode_cyclic, decode_shift) and load as "no-tests" errors.
Task ids: ``humaneval/<n>``; the solution ``humaneval/<n>/canonical``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from effiskel.sandbox.values import literal_node
from effiskel.tasks.reasons import NO_TESTS
from effiskel.tasks.rows import (
    bad_record,
    call_test,
    error_task,
    record_source,
    solution_row,
    task_row,
)

NAME = "humaneval"
FIELDS = ("task_id", "prompt", "entry_point", "canonical_solution", "test")


def task_number(source: str, task_id: str) -> str:
    """'HumanEval/12' -> '<source>/12': ids stay distinct across sources sharing task ids."""
    return f"{source}/{task_id.rsplit('/', 1)[-1]}"


def _load(path: Path, loc: str, rec, **options) -> tuple[dict, list[dict]]:
    bad = bad_record(NAME, path, loc, rec, FIELDS)
    if bad:
        return bad, []
    task_id = task_number(NAME, rec["task_id"])
    solutions = [
        solution_row(
            task_id,
            f"{task_id}/canonical",
            rec["prompt"] + rec["canonical_solution"],
            "humaneval:canonical",
        )
    ]
    tests, tolerance, counts = convert_check(rec["test"])
    meta = {"source_task_id": rec["task_id"], "check_code": rec["test"], **counts}
    shared = {"mode": "call", "metadata": meta, "prompt": rec["prompt"]}
    if not tests:
        detail = (
            f"{rec['task_id']} ({path}): none of the {counts['asserts']} asserts in check() "
            "has a literal form we convert — its check code is kept in metadata"
        )
        return error_task(task_id, NAME, NO_TESTS, detail, **shared), solutions
    task = task_row(
        task_id,
        NAME,
        entry_point=rec["entry_point"],
        tests=tests,
        float_tolerance=tolerance,
        **shared,
    )
    return task, solutions


def convert_check(test_code: str) -> tuple[list[dict], float, dict]:
    """(tests, float tolerance, {"asserts", "asserts_converted"}) from HumanEval check code."""
    try:
        module = ast.parse(test_code)
    except SyntaxError:
        return [], 0.0, {"asserts": 0, "asserts_converted": 0}
    check = next(
        (n for n in module.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None
    )
    if check is None or not check.args.args:
        return [], 0.0, {"asserts": 0, "asserts_converted": 0}
    candidate = check.args.args[0].arg
    asserts = [n for n in ast.walk(check) if isinstance(n, ast.Assert) and not _is_placeholder(n)]
    tests, tolerance = [], 0.0
    for stmt in check.body:
        if isinstance(stmt, ast.Assert) and not _is_placeholder(stmt):
            converted = _convert(stmt.test, candidate)
            if converted:
                args, expected, tol = converted
                tests.append(call_test(args, expected))
                tolerance = max(tolerance, tol)
    return tests, tolerance, {"asserts": len(asserts), "asserts_converted": len(tests)}


def _is_placeholder(node: ast.Assert) -> bool:
    return isinstance(node.test, ast.Constant) and node.test.value is True


def _convert(test: ast.expr, candidate: str):
    """(args, expected, tolerance) for a convertible assert expression, else None."""
    try:
        if _is_call(test, candidate):
            return _args(test), True, 0.0
        if (
            isinstance(test, ast.UnaryOp)
            and isinstance(test.op, ast.Not)
            and _is_call(test.operand, candidate)
        ):
            return _args(test.operand), False, 0.0
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            left, op, right = _untuple(test.left), test.ops[0], _untuple(test.comparators[0])
            if isinstance(op, ast.Eq):
                if _is_call(left, candidate):
                    return _args(left), _value(right), 0.0
                if _is_call(right, candidate):
                    return _args(right), _value(left), 0.0
            if isinstance(op, ast.Is) and _is_call(left, candidate):
                value = _value(right)
                if value is True or value is False or value is None:
                    return _args(left), value, 0.0
            if isinstance(op, (ast.Lt, ast.LtE)) and _is_abs_diff(left, candidate):
                diff = left.args[0]
                tol = _value(right)
                if type(tol) in (int, float):
                    return _args(diff.left), _value(diff.right), float(tol)
    except (ValueError, ArithmeticError):  # not a literal (a variable, a helper's result)
        return None
    return None


def _untuple(node: ast.expr) -> ast.expr:
    """tuple(x) -> x: `tuple(candidate(a)) == tuple([1, 2])` compares candidate(a) with [1, 2]."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "tuple"
        and len(node.args) == 1
        and not node.keywords
    ):
        return node.args[0]
    return node


_ARITH = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
}


def _value(node: ast.expr):
    """A literal, allowing arithmetic on number literals (check code writes 3 * 19, 2.0/3.0)."""
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        a, b = _value(node.left), _value(node.right)
        if type(a) in (int, float) and type(b) in (int, float):
            return _ARITH[type(node.op)](a, b)
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_value(e) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    return literal_node(node)


def _is_call(node: ast.expr, candidate: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == candidate
        and not node.keywords
        and not any(isinstance(a, ast.Starred) for a in node.args)
    )


def _args(call: ast.Call) -> list:
    return [_value(a) for a in call.args]


def _is_abs_diff(node: ast.expr, candidate: str) -> bool:
    """abs(candidate(...) - value)"""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "abs"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.BinOp)
        and isinstance(node.args[0].op, ast.Sub)
        and _is_call(node.args[0].left, candidate)
    )


SOURCE = record_source(NAME, _load)
