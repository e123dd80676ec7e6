"""Samples to evaluate, from any model: effiskel's own table, EvalPlus lines, ENAMEL's JSON.

`effiskel evaluate --samples SPEC` takes, once or several times:

- `DIR`: a generate stage's output (`DIR/samples`, or a directory of samples shards
  itself), every method in it;
- `FILE.jsonl:METHOD`: EvalPlus-style lines, each `{"task_id", "solution"}` (a whole
  program) or `{"task_id", "completion"}` (the task's prompt is put before it, as EvalPlus
  does); a task's lines are its samples 0, 1, … in file order;
- `FILE.json:METHOD`: ENAMEL's programs per task, a list of lists in the source's task
  order (`codes[i][j]`: sample j of task i) or a dict keyed by the task's index as a
  string (`codes[str(i)][j]`).

Every sample becomes one row of the INPUTS schema (generate's SAMPLES and `input`, the
argument it came from; effiskel/schema.py), so the stage reads one form. A task is named by our id (`humanevalplus/12`) or by the dataset's own
(`HumanEval/12`, `Mbpp/2`, a Mercury slug): `task_id_for`. ENAMEL's index i names task
`<source>/<i>`: HumanEval's numbering, which ENAMEL's files and every HumanEval-derived
source (humaneval, humanevalplus, enamel) follow.

Bad input never vanishes: a line that is not JSON or names no task is a row with status
"error" and no task (its reason names the file and line); a line or entry with no program
is a "no_program" row of its task (a failed sample, as generate writes one).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from effiskel.schema import INPUTS, SAMPLES, empty_row

REQUIRED = ("task_id", "method", "sample_id", "code", "status", "reason")
"""Columns a samples table must have to be evaluated."""


@dataclass(frozen=True)
class Spec:
    """One --samples argument: a samples table (method None) or a file under a method name."""

    path: str
    method: str | None

    def __str__(self) -> str:
        return self.path if self.method is None else f"{self.path}:{self.method}"


def parse_spec(text: str) -> Spec:
    """`DIR` or `FILE:METHOD`; ValueError naming the argument when it is neither."""
    if os.path.isdir(text):
        return Spec(text, None)
    path, sep, method = text.rpartition(":")
    if not sep or not method or not path:
        hint = "" if os.path.exists(text) else " (no such file or directory)"
        raise ValueError(f"--samples {text!r}{hint}: give a samples directory (a generate "
                         "stage's --out) or FILE.jsonl:METHOD / FILE.json:METHOD")
    if not os.path.isfile(path):
        raise ValueError(f"--samples {text!r}: {path} is not a file")
    if not path.endswith((".jsonl", ".json", ".jsonl.gz")):
        raise ValueError(f"--samples {text!r}: {path} is neither .jsonl (EvalPlus lines) nor "
                         ".json (ENAMEL's programs per task)")
    return Spec(path, method)


def task_id_for(ref, source: str) -> str:
    """Our task id for a task named in a samples file: ours as it is (`humanevalplus/12`),
    the dataset's own by its last part (`HumanEval/12` -> `humanevalplus/12`, as the
    loaders name them), anything else under the source (`two-sum` -> `mercury/two-sum`)."""
    ref = str(ref)
    if ref.startswith(f"{source}/"):
        return ref
    return f"{source}/{ref.rsplit('/', 1)[-1]}"


def read(spec: Spec, source: str) -> list[dict]:
    """The INPUTS rows of one --samples argument; each row's `input` names it."""
    if spec.method is None:
        rows = read_table(spec.path)
    elif spec.path.endswith(".json"):
        rows = read_enamel(spec.path, spec.method, source)
    else:
        rows = read_evalplus(spec.path, spec.method, source)
    for r in rows:
        r["input"] = str(spec)
    return rows


def samples_dir(path: str | Path) -> Path:
    """The samples shards of a generate output (DIR/samples) or the directory itself."""
    p = Path(path)
    return p / "samples" if (p / "samples").is_dir() else p


def read_table(path: str | Path) -> list[dict]:
    """Every row of a samples table (Parquet shards, generate's schema)."""
    import pyarrow.dataset as pads

    root = samples_dir(path)
    files = sorted(str(f) for f in root.glob("*.parquet"))
    if not files:
        raise ValueError(f"--samples {path}: no samples shards (*.parquet) in {root}; give a "
                         "generate stage's --out or its samples/ directory")
    ds = pads.dataset(files, format="parquet")
    missing = [c for c in REQUIRED if c not in ds.schema.names]
    if missing:
        raise ValueError(f"--samples {path}: the table in {root} lacks the columns {missing}; "
                         "is it a generate stage's samples table?")
    cols = [c for c in SAMPLES.names if c in ds.schema.names]
    rows = ds.to_table(columns=cols).to_pylist()
    return [{**empty_row(INPUTS), **r} for r in rows]


def _row(task_id: str | None, method: str, sample_id: int | None, **kw) -> dict:
    row = empty_row(INPUTS)
    row.update(task_id=task_id, method=method, sample_id=sample_id, **kw)
    return row


def _unreadable(method: str, where: str, why: str) -> dict:
    return _row(None, method, None, status="error", reason=f"{where}: {why}")


def read_evalplus(path: str | Path, method: str, source: str) -> list[dict]:
    """EvalPlus lines: `{"task_id", "solution"}` or `{"task_id", "completion"}`.

    A completion row has no code and keeps the completion: the stage puts the task's
    prompt before it (effiskel.evaluate.program_of)."""
    rows, counts = [], {}
    opener = _gzip_open if str(path).endswith(".gz") else open
    with opener(path) as f:
        for n, line in enumerate(f, 1):
            where = f"{path} line {n}"
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                rows.append(_unreadable(method, where, f"not JSON ({e.msg})"))
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get("task_id"), (str, int)):
                rows.append(_unreadable(method, where, "no task_id: EvalPlus lines are "
                                                       '{"task_id", "solution" | "completion"}'))
                continue
            task_id = task_id_for(rec["task_id"], source)
            sid = counts.get(task_id, 0)
            counts[task_id] = sid + 1
            if isinstance(rec.get("solution"), str):
                rows.append(_row(task_id, method, sid, code=rec["solution"],
                                 completion=rec["solution"], status="ok"))
            elif isinstance(rec.get("completion"), str):
                rows.append(_row(task_id, method, sid, completion=rec["completion"],
                                 status="ok"))
            else:
                rows.append(_row(task_id, method, sid, status="no_program",
                                 reason=f"{where}: neither a solution nor a completion string"))
    return rows


def _gzip_open(path):
    import gzip

    return gzip.open(path, "rt", encoding="utf-8")


def read_enamel(path: str | Path, method: str, source: str) -> list[dict]:
    """ENAMEL's programs per task: `codes[i][j]` (a list of lists) or `codes[str(i)][j]`."""
    try:
        codes = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"--samples {path}:{method}: not a JSON file ({e})") from None
    if isinstance(codes, list):
        entries = list(enumerate(codes))
    elif isinstance(codes, dict):
        entries = []
        for key, value in codes.items():
            if not str(key).isdigit():
                entries.append((key, None))
                continue
            entries.append((int(key), value))
        entries.sort(key=lambda kv: (not isinstance(kv[0], int), str(kv[0]).zfill(12)))
    else:
        raise ValueError(f"--samples {path}:{method}: ENAMEL's samples are a list of lists or "
                         f"a dict of lists, not a JSON {type(codes).__name__}")
    rows = []
    for i, programs in entries:
        if not isinstance(i, int):
            rows.append(_unreadable(method, f"{path} key {i!r}",
                                    "not a task index (ENAMEL keys are '0', '1', …)"))
            continue
        task_id = f"{source}/{i}"
        if not isinstance(programs, list):
            rows.append(_row(task_id, method, 0, status="no_program",
                             reason=f"{path} [{i}]: a list of programs expected, got "
                                    f"{type(programs).__name__}"))
            continue
        for j, code in enumerate(programs):
            if isinstance(code, str):
                rows.append(_row(task_id, method, j, code=code, completion=code, status="ok"))
            else:
                rows.append(_row(task_id, method, j, status="no_program",
                                 reason=f"{path} [{i}][{j}]: not a program string"))
    return rows
