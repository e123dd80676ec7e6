"""APPS (Hendrycks et al., 2021) in both published forms.

Directory layout (the release tarball): ``<root>/<split>/<NNNN>/`` with
``question.txt``, ``solutions.json`` (a list of code strings),
``input_output.json`` (``{"inputs", "outputs", optional "fn_name"}``),
``metadata.json`` (difficulty, url) and optional ``starter_code.py``. `path`
may be the root (holding train/, test/), one split directory, or any directory
of problem directories (the bundled mini suite).

Row layout (Hugging Face ``codeparrot/apps`` saved as .jsonl or .parquet):
columns problem_id, question, solutions and input_output (JSON strings, ""
when absent), difficulty, url, starter_code. The split in task ids comes from
the file name (train.jsonl, test-00000-of-00001.parquet).

Quirks handled, following APPS's own ``testing_util.py``:
- with ``fn_name`` the task is call mode: each input is the argument list;
  expected outputs are often wrapped in a one-element list and tuples are
  compared as lists, so call-mode tasks carry APPS's comparison as a checker.
  A starter with ``class Solution`` (LeetCode problems) makes the entry point
  ``Solution.<fn_name>``.
- stdio inputs/outputs may be strings or lists of lines; lists are joined
  with newlines. APPS also accepts outputs equal as floats (np.allclose,
  rtol 1e-5), hence ``float_tolerance`` = 1e-5 for stdio tasks.
Task ids: ``apps/<split>/<NNNN>``; solution ids ``<task_id>/s<k>`` (k = index in
solutions.json). When metadata.json lists ``"solutions": [{"label", ...}]`` (the
mini suite does), solution k's origin is ``<source>:<label>``, else the source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from effiskel.tasks.readers import (
    Unreadable,
    parse_json_field,
    read_json_file,
    read_records,
    read_text,
    record_units,
    split_name,
)
from effiskel.tasks.reasons import BAD_JSON, BAD_ROW, BAD_TESTS, MISSING_FILE, NO_TESTS
from effiskel.tasks.rows import (
    Source,
    call_test,
    error_task,
    failed_solution,
    record_id,
    solution_row,
    task_row,
)

NAME = "apps"
PROBLEM_FILES = ("question.txt", "solutions.json", "input_output.json", "metadata.json")
SPLITS = ("train", "test")
STDIO_FLOAT_TOLERANCE = 1e-5

# APPS's call-based comparison (testing_util.py), as a sandbox checker.
CALL_CHECKER = """\
def check(input, expected, output):
    # APPS stores most expected values wrapped in a one-element list and
    # compares tuples as lists.
    if isinstance(output, tuple):
        output = list(output)
    if output == expected:
        return True
    if isinstance(expected, list) and expected:
        if output == expected[0]:
            return True
        try:
            return isinstance(output[0], tuple) and [list(x) for x in output] == expected[0]
        except Exception:
            return False
    return False
"""


def units(path: str | Path, **options) -> list[str]:
    """Problem directories relative to `path` ("train/0000"), or record ranges of a row file."""
    root = Path(path)
    if root.is_file():
        return record_units(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no APPS directory or row file there — pass --data PATH")
    return [str(d.relative_to(root)) for d in problem_dirs(root)]


def problem_dirs(root: Path) -> list[Path]:
    """Problem directories under `root`: children holding any APPS problem file, or,
    for split directories (train/, test/, or any child holding only directories),
    their children. A child with neither (empty, or only unrecognised files such as
    `Question.txt`) is a broken problem, not a split: it is listed, so its task row
    says what is missing instead of vanishing. Names starting with "_" or "." are
    not data (`__pycache__/`, `.git/`)."""

    def subdirs(d: Path) -> list[Path]:
        return sorted(p for p in d.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))

    found = []
    for child in subdirs(root):
        if any((child / f).exists() for f in PROBLEM_FILES):
            found.append(child)
        elif child.name in SPLITS or subdirs(child):
            found.extend(subdirs(child))
        else:
            found.append(child)
    return found


def load_unit(
    path: str | Path, unit: str, source: str = NAME, **options
) -> list[tuple[dict, list[dict]]]:
    root = Path(path)
    if root.is_file():
        split = split_name(root)
        return [
            _from_record(source, root, split, loc, rec) for loc, rec in read_records(root, unit)
        ]
    return [load_problem_dir(root / unit, f"{source}/{unit}", source)]


def load_problem_dir(d: Path, task_id: str, source: str = NAME) -> tuple[dict, list[dict]]:
    # question.txt and input_output.json are required; the rest may be absent.
    parts = {
        "question": ("question.txt", read_text, True),
        "input_output": ("input_output.json", read_json_file, True),
        "metadata": ("metadata.json", read_json_file, False),
        "solutions": ("solutions.json", read_json_file, False),
        "starter_code": ("starter_code.py", read_text, False),
    }
    raw: dict[str, Any] = {"dir": str(d)}
    for key, (file, read, required) in parts.items():
        try:
            raw[key] = read(d / file) if required or (d / file).exists() else None
        except Unreadable as e:
            raw[key] = _with_spelling_hint(e, d, file)
    return build(task_id, source, raw)


def _with_spelling_hint(e: Unreadable, d: Path, file: str) -> Unreadable:
    """A missing file that exists under another spelling (Question.txt) says so."""
    if e.kind != MISSING_FILE or not d.is_dir():
        return e
    near = sorted(p.name for p in d.iterdir() if p.name.lower() == file.lower())
    if not near:
        return e
    return Unreadable(e.kind, f"{d / file} does not exist (found {', '.join(near)}: APPS "
                              f"names it {file}) — rename it")


def _from_record(
    source: str, file: Path, split: str, loc: str, rec: Any
) -> tuple[dict, list[dict]]:
    where = f"{file} {loc}"
    if isinstance(rec, Unreadable):
        return error_task(record_id(f"{source}/{split}", loc), source, rec.kind, rec.detail), []
    if (
        not isinstance(rec, dict)
        or "problem_id" not in rec
        or not isinstance(rec.get("question"), str)
    ):
        return error_task(
            record_id(f"{source}/{split}", loc),
            source,
            BAD_ROW,
            f"{where} is not an APPS row (needs problem_id, question, ...)",
        ), []
    pid = rec["problem_id"]
    task_id = (
        f"{source}/{split}/{int(pid):04d}" if str(pid).isdigit() else f"{source}/{split}/{pid}"
    )
    raw = {
        "question": rec["question"],
        "dir": where,
        "starter_code": rec.get("starter_code") or "",
        "metadata": {"difficulty": rec.get("difficulty"), "url": rec.get("url")},
    }
    for key in ("input_output", "solutions"):
        value = rec.get(key)
        try:
            raw[key] = (
                parse_json_field(value, f"{where} column {key}")
                if value not in (None, "")
                else None
            )
        except Unreadable as e:
            raw[key] = Unreadable(e.kind, f"{e.detail} — the row's {key} is not valid JSON")
    return build(task_id, source, raw)


def build(task_id: str, source: str, raw: dict) -> tuple[dict, list[dict]]:
    """Task and solution rows from one problem's parsed parts (either layout).
    A part that failed to read is an Unreadable in `raw`."""
    meta = raw.get("metadata")
    meta = dict(meta) if isinstance(meta, dict) else {}
    labels = [s.get("label") if isinstance(s, dict) else None for s in meta.get("solutions") or []]
    solutions = _solutions(
        task_id,
        raw,
        lambda k: (
            f"{source}:{labels[k]}" if k is not None and k < len(labels) and labels[k] else source
        ),
    )
    if isinstance(raw.get("metadata"), Unreadable):
        meta["metadata_error"] = raw["metadata"].detail
    starter = raw.get("starter_code") or ""
    for part in ("question", "input_output", "starter_code"):
        if isinstance(raw.get(part), Unreadable):
            e = raw[part]
            kind = NO_TESTS if part == "input_output" and e.kind == MISSING_FILE else e.kind
            return error_task(task_id, source, kind, e.detail, metadata=meta), solutions
    io = raw.get("input_output")
    if not isinstance(io, dict) or not io.get("inputs"):
        return error_task(
            task_id,
            source,
            NO_TESTS,
            f"{raw['dir']}: input_output has no inputs "
            "— the problem cannot be judged; add tests or leave it out",
            metadata=meta,
        ), solutions
    prompt = raw["question"] + (f"\n\n{starter}" if starter else "")
    meta.update(num_solutions=len(solutions), has_starter_code=bool(starter))
    try:
        if io.get("fn_name"):
            fn = io["fn_name"]
            entry = f"Solution.{fn}" if "class Solution" in starter else fn
            tests = [call_test(_as_args(i), o) for i, o in _pairs(io, raw["dir"])]
            meta["fn_name"] = fn
            task = task_row(
                task_id,
                source,
                prompt=prompt,
                mode="call",
                entry_point=entry,
                tests=tests,
                checker=CALL_CHECKER,
                metadata=meta,
            )
        else:
            tests = [
                {"input": _stdin_text(i), "output": _lines_text(o)}
                for i, o in _pairs(io, raw["dir"])
            ]
            task = task_row(
                task_id,
                source,
                prompt=prompt,
                mode="stdio",
                tests=tests,
                float_tolerance=STDIO_FLOAT_TOLERANCE,
                metadata=meta,
            )
    except (Unreadable, TypeError) as e:
        detail = e.detail if isinstance(e, Unreadable) else f"{raw['dir']}: {e}"
        return error_task(task_id, source, BAD_TESTS, detail, metadata=meta), solutions
    return task, solutions


def _pairs(io: dict, where: str):
    inputs, outputs = io.get("inputs"), io.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs):
        raise Unreadable(
            BAD_TESTS,
            f"{where}: input_output needs equally long 'inputs' and 'outputs' lists "
            f"(got {type(inputs).__name__}/{type(outputs).__name__})",
        )
    return zip(inputs, outputs)


def _as_args(x) -> list:
    return x if isinstance(x, list) else [x]


def _lines_text(x) -> str:
    return "\n".join(map(str, x)) if isinstance(x, list) else str(x)


def _stdin_text(x) -> str:
    text = _lines_text(x)
    return text if text.endswith("\n") or not text else text + "\n"


def _solutions(task_id: str, raw: dict, origin) -> list[dict]:
    sols = raw.get("solutions")
    if sols is None:
        return []
    whole = f"{task_id}/solutions"  # one row stands for a solutions file we cannot read
    if isinstance(sols, Unreadable):
        return [failed_solution(task_id, whole, origin(None), sols.kind, sols.detail)]
    if not isinstance(sols, list):
        detail = f"{raw['dir']} solutions is a {type(sols).__name__}, not a list of code strings"
        return [failed_solution(task_id, whole, origin(None), BAD_JSON, detail)]
    return [
        solution_row(task_id, f"{task_id}/s{k}", code, origin(k))
        if isinstance(code, str)
        else failed_solution(
            task_id,
            f"{task_id}/s{k}",
            origin(k),
            BAD_ROW,
            f"{raw['dir']} solution {k} is a {type(code).__name__}, not code text",
        )
        for k, code in enumerate(sols)
    ]


SOURCE = Source(NAME, units, load_unit)
