"""What every task loader shares: row builders, reason kinds, Python-literal
values for call-mode tests, and readers for the record files sources ship in.

The loader protocol (see `effiskel.tasks.SOURCES`): a source has
``units(path, **options) -> list[str]`` (cheap, small work units) and
``load_unit(path, unit, **options) -> list[(task_row, [solution_rows])]``.
`load_unit` never raises on bad data: whatever cannot be read becomes a row
with ``status`` "error" or "skipped" and a ``reason`` of the form
``"<kind>: <what, naming the file> — <what to do>"``, so the pipeline's summary
can count rows per kind (`reason_kind`, `count_skipped`).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from effiskel.sandbox.values import to_literal
from effiskel.schema import SOLUTIONS, TASKS, empty_row

# Reason kinds: the word before the first ":" of a row's `reason`.
MISSING_FILE = "missing-file"  # a file the layout requires is absent
BAD_JSON = "bad-json"  # a JSON file / line / field does not parse
NOT_UTF8 = "not-utf8"  # a text file is not UTF-8
BAD_ROW = "bad-row"  # a record lacks a field or has one of the wrong type
NO_TESTS = "no-tests"  # the task has no usable test
BAD_TESTS = "bad-tests"  # tests exist but are malformed (lengths, values we cannot encode)
GENERATOR_FAILED = "generator-failed"  # a dataset's own input generator raised
UNSUPPORTED_LANGUAGE = "unsupported-language"  # skipped: not Python 3
UNSUPPORTED = "unsupported"  # skipped: needs machinery call mode lacks
EXCLUDED = "excluded"  # skipped: the benchmark itself leaves the task out


class Source(NamedTuple):
    """One registered task source (see `effiskel.tasks.SOURCES`)."""

    name: str
    units: Callable[..., list[str]]
    load_unit: Callable[..., list[tuple[dict, list[dict]]]]


# ---------------------------------------------------------------- rows


def reason(kind: str, detail: str) -> str:
    return f"{kind}: {detail}"


def reason_kind(text: str | None) -> str:
    """The kind of a `reason` ("" for none): what the pipeline's summary counts by."""
    return text.split(":", 1)[0] if text else ""


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


# ---------------------------------------------------------------- files


class Unreadable(Exception):
    """A file that cannot be used; `kind` is one of the reason kinds above."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def read_text(path: Path) -> str:
    """A UTF-8 text file, or Unreadable naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Unreadable(
            MISSING_FILE, f"{path} does not exist — restore it from the dataset"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Unreadable(
            NOT_UTF8, f"{path} is not UTF-8 ({e.reason} at byte {e.start}) — re-encode it as UTF-8"
        ) from None


def read_json_file(path: Path) -> Any:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise Unreadable(BAD_JSON, f"{path}: {e} — fix or re-download the file") from None


def parse_json_field(text: Any, what: str) -> Any:
    """A JSON-encoded string field of a record (HF APPS, Mercury), or Unreadable."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise Unreadable(BAD_JSON, f"{what}: {e}") from None


def cached_by_mtime(read: Callable[[Path], Any]) -> Callable[[Path], Any]:
    """`read(path)`, remembered per version of the file (its path and mtime).

    A Ray actor loads many units of a source in one process, and each unit
    would otherwise read and parse the same shared file again. Callers must not
    change what it returns; failures are not remembered."""

    @functools.lru_cache(maxsize=4)
    def cached(path: Path, mtime_ns: int) -> Any:
        return read(path)

    @functools.wraps(read)
    def wrapper(path: Path) -> Any:
        try:
            mtime_ns = path.stat().st_mtime_ns
        except OSError:
            return read(path)  # `read` reports the missing file in its own words
        return cached(path, mtime_ns)

    return wrapper


# Records of one file (jsonl, jsonl.gz, json, json.gz, parquet) split into units,
# so a worker reads only its share. Plain jsonl is split by byte ranges (a line
# belongs to the range its first byte is in), parquet by row group; compressed
# or whole-document JSON cannot be seeked, so it is split by row ranges: the
# file's bytes are read once per process, and each unit parses its own lines
# (of a whole document, all of it — fine for the small files that format holds).
JSONL_CHUNK_BYTES = 8 << 20
ROWS_PER_UNIT = 32


def record_units(path: str | Path) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file — pass the dataset file with --data")
    name = path.name
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq

        return [f"rowgroup:{i}" for i in range(pq.ParquetFile(path).num_row_groups)]
    if name.endswith(".jsonl"):
        size = path.stat().st_size
        return [
            f"bytes:{s}-{min(s + JSONL_CHUNK_BYTES, size)}"
            for s in range(0, max(size, 1), JSONL_CHUNK_BYTES)
        ]
    try:
        n, _ = _whole_records(path, 0, 0)
    except Unreadable:
        n = 1  # one unit, which reports the unreadable file as an error row
    return [f"rows:{s}-{min(s + ROWS_PER_UNIT, n)}" for s in range(0, max(n, 1), ROWS_PER_UNIT)]


def read_records(path: str | Path, unit: str) -> Iterator[tuple[str, Any]]:
    """(locator, record) for each record of `unit`; the record is an Unreadable
    when that line/file does not parse. The locator names the record for ids and
    error messages ("row 12", "byte 4096")."""
    path = Path(path)
    kind, _, span = unit.partition(":")
    if kind == "rowgroup":
        import pyarrow.parquet as pq

        group, parquet = int(span), pq.ParquetFile(path)
        rows = parquet.read_row_group(group).to_pylist()
        start = sum(parquet.metadata.row_group(g).num_rows for g in range(group))
        for i, rec in enumerate(rows):
            yield f"row {start + i}", rec
        return
    lo, hi = (int(x) for x in span.split("-"))
    if kind == "bytes":
        yield from _jsonl_byte_range(path, lo, hi)
    elif kind == "rows":
        try:
            _, records = _whole_records(path, lo, hi)
        except Unreadable as e:
            yield "file", e
            return
        for i, rec in enumerate(records, lo):
            yield f"row {i}", rec
    else:
        raise ValueError(
            f"unknown unit {unit!r} for {path}: expected rowgroup:N, bytes:A-B or rows:A-B"
        )


def _jsonl_byte_range(path: Path, lo: int, hi: int) -> Iterator[tuple[str, Any]]:
    with open(path, "rb") as f:
        if lo > 0:
            f.seek(lo - 1)
            f.readline()  # the line that started before `lo` belongs to the previous unit
        while f.tell() < hi:
            at = f.tell()
            line = f.readline()
            if not line:
                break
            if not line.strip():
                continue
            yield f"byte {at}", _json_line(line, f"{path} line at byte {at}")


def _json_line(line: bytes, where: str) -> Any:
    try:
        return json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return Unreadable(NOT_UTF8, f"{where} is not UTF-8 — re-encode the file")
    except json.JSONDecodeError as e:
        return Unreadable(BAD_JSON, f"{where}: {e} — fix or drop the line")


@cached_by_mtime
def _file_bytes(path: Path) -> bytes:
    """A record file's bytes, decompressed. The bytes are what is cached, not
    the records: a loader may change a record in place (Mercury's convert_offline)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise Unreadable(BAD_JSON, f"{path}: {e}") from None


def _whole_records(path: Path, lo: int, hi: int) -> tuple[int, list]:
    """(how many records a file split by row ranges holds, its records lo..hi)."""
    data = _file_bytes(path)
    if path.name.removesuffix(".gz").endswith(".jsonl"):
        lines = [(i, line) for i, line in enumerate(data.splitlines()) if line.strip()]
        return len(lines), [_json_line(line, f"{path} line {i + 1}") for i, line in lines[lo:hi]]
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unreadable(NOT_UTF8, f"{path} is not UTF-8 — re-encode it") from None
    except json.JSONDecodeError as e:
        raise Unreadable(BAD_JSON, f"{path}: {e} — fix or re-download the file") from None
    # A JSON array of records, or an object keyed by record id.
    records = list(doc.values()) if isinstance(doc, dict) else list(doc)
    return len(records), records[lo:hi]


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


def split_name(path: Path) -> str:
    """'train' for train.jsonl, train-00000-of-00001.parquet, ...: names ids of row files."""
    m = re.match(r"[A-Za-z]+", path.name)
    return m.group(0).lower() if m else "all"


def call_test(args, expected=None, *, has_expected: bool = True) -> dict:
    """A call-mode test: the argument list and, when known, the expected value."""
    return {
        "input": to_literal(list(args)),
        "output": to_literal(expected) if has_expected else None,
    }


def with_prelude(prelude: str, code: str) -> str:
    """Code preceded by the harness prelude a benchmark ran it under."""
    return prelude + "\n" + code
