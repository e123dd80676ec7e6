"""Parquet shards with deterministic names and atomic writes: the resume mechanism.

Every unit of work writes its output as `OUT/<table>/<name>.parquet`, where
the name is derived from the unit alone. A shard is written to a temporary
file and renamed into place, so a shard that exists is complete — it is its
own `_SUCCESS` marker — and a crash leaves at most a temporary file, which
the next run removes. Rerunning a stage therefore skips exactly the finished
units and writes every row once.

Paths are local or on a shared filesystem every node mounts (NFS, a cluster
volume); each table is readable with `pyarrow.dataset.dataset(OUT/<table>)`,
pandas and Hugging Face `datasets`.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from effiskel.schema import to_table

TMP_MARK = ".tmp-"


def shard_name(*parts: object) -> str:
    """A file-system-safe, collision-free name for a unit of work."""
    raw = "/".join(str(p) for p in parts)
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", raw)[-80:].strip("._") or "unit"
    return f"{readable}-{hashlib.sha1(raw.encode()).hexdigest()[:10]}"


def shard_path(out: str | os.PathLike, table: str, name: str) -> Path:
    return Path(out) / table / f"{name}.parquet"


def write_shard(rows: list[dict], schema: pa.Schema, path: Path) -> None:
    """Write rows atomically: complete or absent, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}{TMP_MARK}{uuid.uuid4().hex[:8]}")
    pq.write_table(to_table(rows, schema), tmp)
    os.replace(tmp, path)


def read_shard(path: Path, columns: list[str] | None = None) -> list[dict]:
    return pq.read_table(path, columns=columns).to_pylist()


def remove_partial(out: str | os.PathLike) -> int:
    """Delete temporary files a crashed run left behind; returns how many."""
    n = 0
    root = Path(out)
    if root.is_dir():
        for p in root.rglob(f"*{TMP_MARK}*"):
            p.unlink(missing_ok=True)
            n += 1
    return n
