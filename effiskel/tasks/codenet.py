"""IBM Project CodeNet: AIZU and AtCoder problems with millions of judged submissions.

Layout (the released tarball):
- ``metadata/pXXXXX.csv``: one row per submission (submission_id, problem_id,
  user_id, date, language, original_language, filename_ext, status, cpu_time,
  memory, code_size, accuracy); ``metadata/problem_list.csv``: id, name,
  dataset, time_limit (ms), memory_limit (KB), rating, tags, complexity.
- ``data/pXXXXX/<language>/<submission_id>.<filename_ext>``: the code.
- ``derived/input_output/data/pXXXXX/{input.txt,output.txt}``: one test.
- ``problem_descriptions/pXXXXX.html``: the statement, converted to text.

One unit per problem. Python 3 only for now: a submission is loaded when its
``language`` is "Python" and its ``original_language`` names version 3
("Python (3.4.3)", "Python3", "PyPy3 (2.4.0)"); AIZU's bare "Python" and
every "2.x" are Python 2, which our Python 3 sandbox cannot judge. Everything
else is counted, not written: the task's metadata holds ``"skipped":
{"unsupported-language: C++": 1234, ...}`` (`rows.count_skipped` sums these
over a run), so a corpus of millions of C++ submissions costs no rows.
CodeNet's own verdict rides along in the solution's origin (``codenet:Accepted``,
``codenet:Wrong Answer``); its judged time limit becomes ``time_limit_s``.
Task ids: ``codenet/pXXXXX``; solution ids ``codenet/pXXXXX/sNNNNNNNNN``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from effiskel.tasks.readers import Unreadable, cached_by_mtime, read_text
from effiskel.tasks.reasons import BAD_ROW, MISSING_FILE, NO_TESTS, UNSUPPORTED_LANGUAGE
from effiskel.tasks.rows import Source, error_task, failed_solution, solution_row, task_row

NAME = "codenet"
_PYTHON3 = re.compile(r"(python|pypy)\s*3|\(\s*3\.", re.IGNORECASE)
SUBMISSION_COLUMNS = ("submission_id", "language", "original_language", "filename_ext", "status")


def units(path: str | Path, **options) -> list[str]:
    """Problem ids with a metadata csv (problem_list.csv excluded)."""
    meta = Path(path) / "metadata"
    if not meta.is_dir():
        raise FileNotFoundError(
            f"{meta}: not a CodeNet root (no metadata/ directory) — pass --data Project_CodeNet"
        )
    return sorted(p.stem for p in meta.glob("p*.csv") if re.fullmatch(r"p\d+", p.stem))


def load_unit(path: str | Path, unit: str, **options) -> list[tuple[dict, list[dict]]]:
    root = Path(path)
    task_id = f"{NAME}/{unit}"
    meta_file = root / "metadata" / f"{unit}.csv"
    try:
        submissions = list(csv.DictReader(io.StringIO(read_text(meta_file))))
    except Unreadable as e:
        return [(error_task(task_id, NAME, e.kind, e.detail), [])]
    except csv.Error as e:
        return [(error_task(task_id, NAME, BAD_ROW, f"{meta_file}: {e}"), [])]

    skipped: Counter = Counter()
    solutions = []
    for k, sub in enumerate(submissions):
        lacks = [c for c in SUBMISSION_COLUMNS if sub.get(c) is None]
        if lacks:
            detail = f"{meta_file} line {k + 2} lacks {lacks}"
            solutions.append(
                failed_solution(task_id, f"{task_id}/row{k + 2}", NAME, BAD_ROW, detail)
            )
            continue
        lang, original = sub["language"], sub["original_language"]
        if lang != "Python":
            skipped[f"{UNSUPPORTED_LANGUAGE}: {lang}"] += 1
            continue
        if not _PYTHON3.search(original):
            skipped[f"{UNSUPPORTED_LANGUAGE}: Python 2 ({original})"] += 1
            continue
        sid = sub["submission_id"]
        code_file = root / "data" / unit / lang / f"{sid}.{sub['filename_ext']}"
        origin = f"{NAME}:{sub['status']}"
        try:
            solutions.append(
                solution_row(task_id, f"{task_id}/{sid}", read_text(code_file), origin)
            )
        except Unreadable as e:
            solutions.append(failed_solution(task_id, f"{task_id}/{sid}", origin, e.kind, e.detail))

    limits = _problem_limits(root / "metadata" / "problem_list.csv").get(unit, {})
    meta = {
        "problem_id": unit,
        "submissions": len(submissions),
        "python3_submissions": len(solutions),
        "skipped": dict(skipped),
        **limits,
    }
    io_dir = root / "derived" / "input_output" / "data" / unit
    try:
        prompt = html_to_text(read_text(root / "problem_descriptions" / f"{unit}.html"))
    except Unreadable as e:
        return [(error_task(task_id, NAME, e.kind, e.detail, metadata=meta), solutions)]
    try:
        test = {
            "input": read_text(io_dir / "input.txt"),
            "output": read_text(io_dir / "output.txt"),
        }
    except Unreadable as e:
        kind = NO_TESTS if e.kind == MISSING_FILE else e.kind
        return [
            (error_task(task_id, NAME, kind, e.detail, metadata=meta, prompt=prompt), solutions)
        ]
    time_limit = limits.get("time_limit_ms")
    task = task_row(
        task_id,
        NAME,
        prompt=prompt,
        mode="stdio",
        tests=[test],
        metadata=meta,
        time_limit_s=time_limit / 1000 if time_limit else None,
    )
    return [(task, solutions)]


@cached_by_mtime
def _problem_limits(problem_list: Path) -> dict[str, dict]:
    """problem_list.csv as {problem id: {"name", "dataset", "time_limit_ms", "memory_limit_kb"}}."""
    try:
        rows = csv.DictReader(io.StringIO(read_text(problem_list)))
        return {
            r["id"]: {
                "name": r.get("name"),
                "dataset": r.get("dataset"),
                "time_limit_ms": _int(r.get("time_limit")),
                "memory_limit_kb": _int(r.get("memory_limit")),
            }
            for r in rows
        }
    except (Unreadable, csv.Error, KeyError):
        return {}  # limits are extras; a task is usable without them


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


class _TextExtractor(HTMLParser):
    """Visible text of a problem statement, with line breaks where blocks end."""

    BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "pre",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
            "ul",
            "ol",
        }
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    # entities are already decoded (convert_charrefs); &nbsp; reads better as a space
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


SOURCE = Source(NAME, units, load_unit)
