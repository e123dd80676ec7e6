"""Loader of the bundled mini suite (``effiskel/tasks/mini/``): stdio tasks in APPS
layout, each with solutions of clearly different speed and at least one wrong
one. Its metadata.json also lists ``{"solutions": [{"label", "complexity",
"expected"}, ...]}`` aligned with solutions.json; the labels become origins
(``mini:quadratic``) and the whole list stays in the task's metadata.
Loading is the APPS loader with source "mini"; `path` defaults to the bundled
directory. Task ids: ``mini/<problem dir>``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from effiskel.tasks import apps
from effiskel.tasks.mini import MINI_DIR as BUNDLED
from effiskel.tasks.rows import Source

NAME = "mini"


def units(path: str | Path | None = None, **options) -> list[str]:
    return apps.units(path or BUNDLED)


def load_unit(path: str | Path | None, unit: str, **options) -> list[tuple[dict, list[dict]]]:
    return apps.load_unit(path or BUNDLED, unit, source=NAME)


SOURCE = Source(NAME, units, load_unit)


def copy_tasks(root: str | Path, task_ids: list[str]) -> Path:
    """A corpus of some bundled tasks: their problem directories copied under `root`
    (profile it with `--source mini --data ROOT`)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for t in task_ids:
        shutil.copytree(BUNDLED / t.split("/")[-1], root / t.split("/")[-1])
    return root


def correct_solutions(task: dict, solutions: list[dict]) -> list[str]:
    """The codes of a loaded task's solutions that the suite expects to pass, in the suite's
    order: from naive to efficient."""
    labels = json.loads(task["metadata"])["solutions"]
    return [s["code"] for s, lab in zip(solutions, labels) if lab["expected"] == "AC"]


def write_sample_sets(root: str | Path, task_ids: list[str]) -> list[str]:
    """Two sample sets of the suite's own solutions, as EvalPlus lines: `fast` (each task's
    most efficient correct solution) and `naive` (its first correct one). Returns their
    `effiskel evaluate --samples` specs (FILE.jsonl:METHOD)."""
    from effiskel.tasks import iter_source

    mini = {t["task_id"]: (t, sols) for t, sols in iter_source(NAME)}
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    specs = []
    for name, pick in (("fast", -1), ("naive", 0)):
        lines = [json.dumps({"task_id": t, "solution": correct_solutions(*mini[t])[pick]})
                 for t in task_ids]
        path = root / f"{name}.jsonl"
        path.write_text("\n".join(lines) + "\n")
        specs.append(f"{path}:{name}")
    return specs
