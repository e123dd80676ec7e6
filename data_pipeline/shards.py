"""Parquet shards with deterministic names and atomic writes: the resume mechanism.

Every unit of work writes its output as `OUT/<table>/<name>.parquet`, where
the name is derived from the unit alone. A shard is written to a temporary
file and renamed into place, so a crash leaves at most a temporary file,
which the next run removes. Rerunning a stage therefore skips exactly the
finished units and writes every row once.

A shard that exists is trusted only once it reads back: a disk that filled
up, a copy cut short or a hand edit can leave a file under the final name
that is not a shard. `Shards.done` checks the Parquet footer (the trailing
magic bytes, a footer length that fits the file, metadata that parses, every
column of the table's schema present: a few KB read, never the data);
`Shards.reuse` reads the whole shard, each data page against the CRC it was
written with. Either way a shard that fails is removed and redone, and the
stage's summary lists it.

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

from effiskel.schema import ALL, to_table

TMP_MARK = ".tmp-"


class ShardWriteError(Exception):
    """A shard could not be written (disk full, permissions): one line naming the path and
    the cause. The stage stops; a rerun after the cause is fixed resumes."""

    def __init__(self, path: Path, cause: OSError):
        # pyarrow's own text names the temporary file; the errno says what the user must fix
        why = f"[Errno {cause.errno}] {os.strerror(cause.errno)}" if cause.errno else str(cause)
        super().__init__(f"cannot write {path}: {why}")
        self.path = str(path)


class DamagedShard(Exception):
    """A shard exists but does not read back (truncated, corrupt, not Parquet)."""

    def __init__(self, path: Path, why: str):
        super().__init__(f"{path} does not read back: {why}")
        self.path, self.why = str(path), why


def shard_name(*parts: object) -> str:
    """A file-system-safe, collision-free name for a unit of work."""
    raw = "/".join(str(p) for p in parts)
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", raw)[-80:].strip("._") or "unit"
    return f"{readable}-{hashlib.sha1(raw.encode()).hexdigest()[:10]}"


def shard_path(out: str | os.PathLike, table: str, name: str) -> Path:
    return Path(out) / table / f"{name}.parquet"


def write_shard(rows: list[dict], schema: pa.Schema, path: Path) -> None:
    """Write rows atomically: complete or absent, never half-written. A failed write
    (ENOSPC, EACCES, ...) leaves no temporary file and raises ShardWriteError."""
    tmp = path.with_name(f"{path.name}{TMP_MARK}{uuid.uuid4().hex[:8]}")
    table = to_table(rows, schema)  # a bad value is the stage's bug, not the disk's
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, tmp, write_page_checksum=True)  # a CRC per page: see read_shard
        os.replace(tmp, path)
    except OSError as e:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise ShardWriteError(path, e) from e


def read_shard(path: Path, columns: list[str] | None = None) -> list[dict]:
    """The rows of a shard, every data page checked against its CRC: a flipped byte that
    would otherwise decode to different values is an error instead."""
    return pq.read_table(path, columns=columns, page_checksum_verification=True).to_pylist()


def footer_problem(path: Path, schema: pa.Schema) -> str | None:
    """Why the shard at `path` cannot be trusted from its footer alone, or None."""
    try:
        names = set(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as e:  # ArrowInvalid: no magic, footer cut short
        return f"{type(e).__name__}: {e}"
    missing = [n for n in schema.names if n not in names]
    return f"lacks the columns {missing}" if missing else None


def remove_partial(out: str | os.PathLike) -> int:
    """Delete temporary files a crashed run left behind; returns how many."""
    n = 0
    root = Path(out)
    if root.is_dir():
        for p in root.rglob(f"*{TMP_MARK}*"):
            p.unlink(missing_ok=True)
            n += 1
    return n


class Shards:
    """The shards of one stage output (or input) directory, by table and name.

    `done` and `reuse` are for a stage's own output from an earlier run: a shard
    that does not read back is removed (the stage then redoes it) and noted in
    `redone`. `read` is for a previous stage's output, which this stage must not
    delete: it raises DamagedShard and the stage reports the unit.
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.redone: list[str] = []  # "path: why" of every damaged shard removed

    def path(self, table: str, name: str) -> Path:
        return shard_path(self.root, table, name)

    def done(self, table: str, name: str) -> bool:
        """The shard exists and its footer checks out (see the module docstring)."""
        path = self.path(table, name)
        if not path.exists():
            return False
        why = footer_problem(path, ALL[table])
        if why is None:
            return True
        self._remove(path, why)
        return False

    def reuse(self, table: str, name: str, columns: list[str] | None = None) -> list[dict] | None:
        """The rows of the shard written by an earlier run, or None to redo it."""
        path = self.path(table, name)
        if not path.exists():
            return None
        try:
            return self.read(table, name, columns)
        except DamagedShard as e:
            self._remove(path, e.why)
            return None

    def read(self, table: str, name: str, columns: list[str] | None = None) -> list[dict]:
        path = self.path(table, name)
        why = footer_problem(path, ALL[table])
        if why is None:
            try:
                return read_shard(path, columns)
            except (OSError, pa.ArrowException) as e:  # a data page that does not decode
                why = f"{type(e).__name__}: {e}"
        raise DamagedShard(path, why)

    def write(self, table: str, name: str, rows: list[dict]) -> None:
        write_shard(rows, ALL[table], self.path(table, name))

    def _remove(self, path: Path, why: str) -> None:
        path.unlink(missing_ok=True)
        self.redone.append(f"{path}: {why}")
