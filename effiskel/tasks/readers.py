"""Readers for the files task sources ship in: text and JSON files, JSON lines, Parquet rows.

Each names the file and what to do when it cannot be used (`Unreadable`, whose
`kind` is one of `reasons`' kinds), and the record readers split big row files
into small work units.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from effiskel.tasks.reasons import BAD_JSON, MISSING_FILE, NOT_UTF8


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


def split_name(path: Path) -> str:
    """'train' for train.jsonl, train-00000-of-00001.parquet, ...: names ids of row files."""
    m = re.match(r"[A-Za-z]+", path.name)
    return m.group(0).lower() if m else "all"
