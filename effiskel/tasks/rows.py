"""Rows every task loader builds: tasks, solutions, and the sources that make them.

The loader protocol (see `effiskel.tasks.SOURCES`): a source has
``units(path, **options) -> list[str]`` (cheap, small work units) and
``load_unit(path, unit, **options) -> list[(task_row, [solution_rows])]``.
`load_unit` never raises on bad data: whatever cannot be read becomes a row
with ``status`` "error" or "skipped" and a ``reason`` (see `reasons`), so the
pipeline's summary can count rows per kind (`reasons.reason_kind`, `count_skipped`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from effiskel.sandbox.values import to_literal
from effiskel.schema import SOLUTIONS, TASKS, empty_row
from effiskel.tasks.readers import Unreadable, read_records, record_units
from effiskel.tasks.reasons import BAD_ROW, reason


class Source(NamedTuple):
    """One registered task source (see `effiskel.tasks.SOURCES`)."""

    name: str
    units: Callable[..., list[str]]
    load_unit: Callable[..., list[tuple[dict, list[dict]]]]



def task_row(
    task_id: str,
    source: str,
    *,
    prompt: str | None,
    mode: str,
    tests: list[dict] | None = None,
    entry_point: str | None = None,
    checker: str | None = None,
    float_tolerance: float = 0.0,
    time_limit_s: float | None = None,
    metadata: dict | None = None,
    status: str = "ok",
    reason: str | None = None,
) -> dict:
    """A TASKS row. `tests` are {"input", "output"} dicts (output None = unknown)."""
    row = empty_row(TASKS)
    row.update(
        task_id=task_id,
        source=source,
        language="python",
        prompt=prompt,
        mode=mode,
        entry_point=entry_point,
        tests=list(tests or []),
        checker=checker,
        float_tolerance=float(float_tolerance),
        time_limit_s=time_limit_s,
        metadata=json.dumps(metadata or {}, sort_keys=True, ensure_ascii=False),
        status=status,
        reason=reason,
    )
    return row


def error_task(
    task_id: str,
    source: str,
    kind: str,
    detail: str,
    *,
    mode: str = "stdio",
    metadata: dict | None = None,
    status: str = "error",
    prompt: str | None = None,
) -> dict:
    """A task row that cannot be used, with the reason why."""
    return task_row(
        task_id,
        source,
        prompt=prompt,
        mode=mode,
        metadata=metadata,
        status=status,
        reason=reason(kind, detail),
    )


def solution_row(
    task_id: str,
    solution_id: str,
    code: str | None,
    origin: str,
    *,
    status: str = "ok",
    reason: str | None = None,
) -> dict:
    row = empty_row(SOLUTIONS)
    row.update(
        task_id=task_id,
        solution_id=solution_id,
        code=code,
        origin=origin,
        language="python",
        status=status,
        reason=reason,
    )
    return row


def failed_solution(task_id: str, solution_id: str, origin: str, kind: str, detail: str) -> dict:
    """A solution row that cannot be used, with the reason why."""
    return solution_row(
        task_id, solution_id, None, origin, status="error", reason=reason(kind, detail)
    )


def count_skipped(task_rows) -> Counter:
    """Items a loader skipped without writing a row each (CodeNet's other-language
    submissions), summed over tasks from their metadata's ``"skipped"`` map
    ``{"<kind>: <what>": count}``."""
    total: Counter = Counter()
    for r in task_rows:
        total.update(json.loads(r.get("metadata") or "{}").get("skipped", {}))
    return total


def record_id(source: str, locator: str) -> str:
    """Task id for a record whose own id could not be read: 'mercury/byte4096'."""
    return f"{source}/{locator.replace(' ', '')}"


def record_source(name: str, load_record: Callable[..., tuple[dict, list[dict]]]) -> Source:
    """A source whose records are the rows of one file: units are record ranges,
    an unreadable record is an error row, and each other record goes through
    ``load_record(path, locator, record, **options) -> (task, solutions)``."""

    def units(path, **options) -> list[str]:
        return record_units(path)

    def load_unit(path, unit: str, **options) -> list[tuple[dict, list[dict]]]:
        path = Path(path)
        return [
            (error_task(record_id(name, loc), name, rec.kind, rec.detail, mode="call"), [])
            if isinstance(rec, Unreadable)
            else load_record(path, loc, rec, **options)
            for loc, rec in read_records(path, unit)
        ]

    return Source(name, units, load_unit)


def bad_record(source: str, path: Path, loc: str, rec: Any, text_fields) -> dict | None:
    """An error task row when `rec` is not a dict with these text fields, else None."""
    missing = [
        f for f in text_fields if not isinstance(rec, dict) or not isinstance(rec.get(f), str)
    ]
    if not missing:
        return None
    detail = f"{path} {loc} lacks text fields {missing} — is this the right file for {source}?"
    return error_task(record_id(source, loc), source, BAD_ROW, detail, mode="call")


def call_test(args, expected=None, *, has_expected: bool = True) -> dict:
    """A call-mode test: the argument list and, when known, the expected value."""
    return {
        "input": to_literal(list(args)),
        "output": to_literal(expected) if has_expected else None,
    }


def with_prelude(prelude: str, code: str) -> str:
    """Code preceded by the harness prelude a benchmark ran it under."""
    return prelude + "\n" + code
