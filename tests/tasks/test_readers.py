"""Row-file readers under every loader: JSONL byte ranges, Parquet row groups,
compressed files (fixtures of the APPS and Mercury formats)."""

from __future__ import annotations

import gzip
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq

from effiskel.tasks import get_source, readers
from tests.tasks.loader_helpers import FIXTURES, load


def test_jsonl_byte_ranges_load_every_line_exactly_once(monkeypatch):
    path = FIXTURES / "apps_rows" / "train.jsonl"
    whole = [t["task_id"] for t, _ in load("apps", path)]
    for chunk in (1, 7, 64, 500):
        monkeypatch.setattr(readers, "JSONL_CHUNK_BYTES", chunk)
        units = get_source("apps").units(path)
        assert len(units) == -(-path.stat().st_size // chunk)
        assert [
            t["task_id"] for u in units for t, _ in get_source("apps").load_unit(path, u)
        ] == whole


def test_parquet_rows_split_by_row_group(work_dir):
    records = [
        json.loads(line)
        for line in (FIXTURES / "mercury" / "mercury.jsonl").read_text().splitlines()
    ]
    path = work_dir / "train-00000-of-00001.parquet"
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=1)
    units = get_source("mercury").units(path)
    assert units == [f"rowgroup:{i}" for i in range(len(records))]
    from_parquet = load("mercury", path)
    from_jsonl = load("mercury", FIXTURES / "mercury" / "mercury.jsonl")
    assert [(t["task_id"], t["status"], t["tests"]) for t, _ in from_parquet] == [
        (t["task_id"], t["status"], t["tests"]) for t, _ in from_jsonl
    ]


def test_compressed_rows_load_the_same_every_time_and_follow_file_changes(work_dir, monkeypatch):
    records = [
        json.loads(line)
        for line in (FIXTURES / "mercury" / "mercury.jsonl").read_text().splitlines()
    ]
    # a convert_offline that changes the record's own test lists in place
    records[0]["test_cases"] = json.loads(records[0]["test_cases"])
    records[0]["convert_offline"] = (
        "def convert_offline(case):\n    case[0].append(0)\n    return case\n"
    )
    path = work_dir / "mercury.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    monkeypatch.setattr(readers, "ROWS_PER_UNIT", 3)  # two units share the cached bytes
    first = [(t["task_id"], t["status"], t["tests"]) for t, _ in load("mercury", path)]
    assert len(first) == len(records)
    assert [(t["task_id"], t["status"], t["tests"]) for t, _ in load("mercury", path)] == first
    path.write_bytes(gzip.compress(json.dumps(records[1]).encode()))
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))  # a new version, whatever the clock
    assert [t["task_id"] for t, _ in load("mercury", path)] == [first[1][0]]
