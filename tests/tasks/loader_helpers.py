"""What the loader tests share: loading a source, checking rows against their schemas,
and judging a solution (or calling a checker) as the pipeline would."""

from __future__ import annotations

import json
from pathlib import Path

from effiskel import schema
from effiskel.sandbox import RunResult, Sandbox
from effiskel.tasks import iter_source

FIXTURES = Path(__file__).parent / "fixtures"


def load(name, path=None, **options):
    return list(iter_source(name, path, **options))


def by_id(pairs):
    return {t["task_id"]: (t, sols) for t, sols in pairs}


def assert_schema(pairs):
    """Every row fits its Arrow schema (what the pipeline writes)."""
    schema.to_table([t for t, _ in pairs], schema.TASKS)
    schema.to_table([s for _, sols in pairs for s in sols], schema.SOLUTIONS)


def run(code: str) -> dict:
    """The globals of a checker from the data under test, to call its check() directly."""
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - trusted fixture and benchmark code
    return namespace


def judge(sb: Sandbox, code: str, task: dict) -> RunResult:
    """`code` judged by the sandbox on every test of `task`, as the task row asks."""
    return sb.run(
        code,
        task["tests"],
        mode=task["mode"],
        entry_point=task["entry_point"],
        checker=task["checker"],
        float_tolerance=task["float_tolerance"],
        output_rule=json.loads(task["metadata"]).get("expected_output_rule"),
        stop_on_failure=False,
    )
