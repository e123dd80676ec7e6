"""The bundled mini suite's data: APPS layout, every solution's verdict, determinism,
and its authoring in tools/mini_suite (regenerates the same bytes, stays out of the runtime).

Every solution is judged by the sandbox on every test of its task, as the
mini loader gives them (tests and float tolerance). A solution marked AC must
pass them all; a wrong one must fail at least one, and only in the way its
metadata says (WA: wrong output, RE: crash). Speed is not asserted here
(timings are flaky); benchmarks/mini_speed.py reports it.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from effiskel.tasks import iter_source
from effiskel.tasks.mini import MINI_DIR, task_dirs
from tests.conftest import ROOT
from tools.mini_suite.spec import TASKS_DIR, load_tasks

TASK_DIRS = task_dirs()
FILES = {"question.txt", "solutions.json", "input_output.json", "metadata.json"}


def _load(d: Path) -> tuple[dict, list[str], dict]:
    meta = json.loads((d / "metadata.json").read_text(encoding="utf-8"))
    solutions = json.loads((d / "solutions.json").read_text(encoding="utf-8"))
    tests = json.loads((d / "input_output.json").read_text(encoding="utf-8"))
    return meta, solutions, tests


def _name(d: Path) -> str:
    return json.loads((d / "metadata.json").read_text(encoding="utf-8"))["name"]


def _task_id(d: Path) -> str:
    return f"{d.name}-{_name(d)}"


@pytest.fixture(scope="module")
def loaded() -> dict[str, tuple[dict, list[dict]]]:
    """The suite as the mini loader gives it: task id -> (task row, solution rows)."""
    return {task["task_id"]: (task, sols) for task, sols in iter_source("mini")}


def test_suite_has_enough_distinct_tasks_and_stays_small():
    names = [_name(d) for d in TASK_DIRS]
    assert len(names) >= 30
    assert len(set(names)) == len(names)
    assert [d.name for d in TASK_DIRS] == [f"{k:04d}" for k in range(len(TASK_DIRS))]
    size = sum(
        f.stat().st_size
        for f in MINI_DIR.rglob("*")
        if f.is_file() and "__pycache__" not in f.parts
    )
    assert size < 3 * 2**20, f"mini suite is {size / 2**20:.2f} MiB"


@pytest.mark.parametrize("task", TASK_DIRS, ids=_task_id)
def test_task_is_in_apps_layout(task: Path):
    assert {f.name for f in task.iterdir()} == FILES
    meta, solutions, tests = _load(task)

    assert meta["difficulty"] in ("introductory", "interview")
    assert isinstance(meta["name"], str) and meta["name"]
    assert isinstance(solutions, list) and all(isinstance(s, str) for s in solutions)
    for code in solutions:
        compile(code, f"{task.name}/solution", "exec")
    labels = [s["label"] for s in meta["solutions"]]
    assert len(labels) == len(solutions) and len(set(labels)) == len(labels)
    expected = [s["expected"] for s in meta["solutions"]]
    assert set(expected) <= {"AC", "WA", "RE"}
    assert expected.count("AC") >= 5 and len(expected) - expected.count("AC") >= 1
    assert all(s["complexity"].startswith("O(") for s in meta["solutions"])

    assert set(tests) == {"inputs", "outputs"}
    assert 4 <= len(tests["inputs"]) == len(tests["outputs"]) <= 8
    assert all(isinstance(x, str) for x in tests["inputs"] + tests["outputs"])

    question = (task / "question.txt").read_text(encoding="utf-8")
    for section in ("-----Input-----", "-----Output-----", "-----Examples-----"):
        assert question.count(section) == 1, section
    example = question.split("-----Examples-----\n", 1)[1]
    assert example == f"Input\n{tests['inputs'][0]}\nOutput\n{tests['outputs'][0]}"


@pytest.mark.parametrize("task_dir", TASK_DIRS, ids=_task_id)
def test_every_solution_gets_its_expected_verdict(task_dir: Path, loaded, sb):
    task, solutions = loaded[f"mini/{task_dir.name}"]
    declared = json.loads(task["metadata"])["solutions"]
    assert len(declared) == len(solutions)
    problems = []
    for info, sol in zip(declared, solutions):
        result = sb.run(
            sol["code"],
            task["tests"],
            mode=task["mode"],
            float_tolerance=task["float_tolerance"],
            stop_on_failure=False,
        )
        got = [str(t.verdict) for t in result.tests]
        failures = {v for v in got if v != "AC"}
        if info["expected"] == "AC" and failures:
            problems.append(f"{info['label']} should pass every test, got {got}: {result.detail}")
        elif info["expected"] != "AC" and failures != {info["expected"]}:
            problems.append(f"{info['label']} should fail with {info['expected']} only, got {got}")
    assert not problems, "\n".join(problems)


def test_generator_rewrites_the_same_bytes(work_dir: Path):
    """`python -m tools.mini_suite.generate --out DIR` from the definitions in tools/ gives
    exactly the shipped files: the data in the package is what its authoring says."""
    subprocess.run(
        [sys.executable, "-m", "tools.mini_suite.generate", "--out", str(work_dir)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    fresh, shipped = task_dirs(work_dir), TASK_DIRS
    assert [d.name for d in fresh] == [d.name for d in shipped]
    for new, old in zip(fresh, shipped):
        assert {f.name for f in new.iterdir()} == FILES
        for name in sorted(FILES):
            assert (new / name).read_bytes() == (old / name).read_bytes(), f"{old.name}/{name}"


def test_every_solution_is_its_own_file_shipped_unchanged():
    """Each shipped solution is the text of tools/mini_suite/tasks/NNNN-name/solutions/<label>.py,
    in the order and with the labels metadata.json gives."""
    defs = sorted(TASKS_DIR.iterdir())
    assert [d.name.split("-", 1)[0] for d in defs] == [d.name for d in TASK_DIRS]
    for definition, shipped in zip(defs, TASK_DIRS):
        meta, solutions, _ = _load(shipped)
        assert definition.name == f"{shipped.name}-{meta['name']}"
        files = [definition / "solutions" / f"{s['label']}.py" for s in meta["solutions"]]
        assert [f.read_text(encoding="utf-8") for f in files] == solutions
        assert sorted((definition / "solutions").iterdir()) == sorted(files)


def _copy_definition(work_dir: Path, name: str) -> Path:
    root = work_dir / "tasks"
    shutil.copytree(TASKS_DIR / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_a_solution_file_nobody_lists_is_an_error_not_dropped(work_dir: Path):
    root = _copy_definition(work_dir, "0000-range_sum")
    (root / "0000-range_sum" / "solutions" / "extra.py").write_text("print(0)\n")
    with pytest.raises(ValueError, match=r"extra\.py not in SOLUTIONS of task\.py"):
        load_tasks(root)


def test_a_listed_solution_without_its_file_is_an_error(work_dir: Path):
    root = _copy_definition(work_dir, "0000-range_sum")
    (root / "0000-range_sum" / "solutions" / "slice_sum.py").unlink()
    with pytest.raises(ValueError, match=r"slice_sum\.py: listed in SOLUTIONS .* but missing"):
        load_tasks(root)


def test_task_numbers_run_without_gaps(work_dir: Path):
    root = _copy_definition(work_dir, "0000-range_sum")
    shutil.copytree(TASKS_DIR / "0002-interval_union", root / "0002-interval_union")
    with pytest.raises(ValueError, match="0002-interval_union: expected task number 0001"):
        load_tasks(root)


def test_the_runtime_never_imports_the_authoring_tools():
    """ARCHITECTURE.md: nothing under effiskel/, data_pipeline/ or jobs/ imports tools/
    (it is not installed with the package)."""
    offenders = []
    for package in ("effiskel", "data_pipeline", "jobs"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else []
                )
                if any(n == "tools" or n.startswith("tools.") for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
