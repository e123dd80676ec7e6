"""The bundled mini suite's data: APPS layout, every solution's verdict, determinism.

Every solution runs as a real program (`subprocess.run([sys.executable, "-S", file])`)
on every test of its task. A solution marked AC must pass them all; a wrong
one must fail at least one, and only in the way its metadata says (WA: wrong
output, RE: crash). Outputs are compared token by token. Speed is not asserted
here (timings are flaky); benchmarks/mini_speed.py reports it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from effiskel.tasks.mini import MINI_DIR, task_dirs

TASK_DIRS = task_dirs()
FILES = {"question.txt", "solutions.json", "input_output.json", "metadata.json"}
TIMEOUT_S = 30  # generous: correct solutions take well under 0.1 s; this only stops a hang
WORKERS = 2


def _load(d: Path) -> tuple[dict, list[str], dict]:
    meta = json.loads((d / "metadata.json").read_text(encoding="utf-8"))
    solutions = json.loads((d / "solutions.json").read_text(encoding="utf-8"))
    tests = json.loads((d / "input_output.json").read_text(encoding="utf-8"))
    return meta, solutions, tests


def _task_id(d: Path) -> str:
    return f"{d.name}-{_load(d)[0]['name']}"


def _verdict(program: Path, inp: str, expected: str) -> str:
    # -S skips `site` (the venv's import hooks): the programs use only the
    # standard library, and it halves the interpreter's start-up.
    try:
        proc = subprocess.run(
            [sys.executable, "-S", str(program)],
            input=inp.encode(),
            capture_output=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return "TLE"
    if proc.returncode != 0:
        return "RE"
    return "AC" if proc.stdout.decode(errors="replace").split() == expected.split() else "WA"


def test_suite_has_enough_distinct_tasks_and_stays_small():
    names = [_load(d)[0]["name"] for d in TASK_DIRS]
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


@pytest.mark.parametrize("task", TASK_DIRS, ids=_task_id)
def test_every_solution_gets_its_expected_verdict(task: Path, work_dir: Path):
    meta, solutions, tests = _load(task)
    programs = []
    for k, code in enumerate(solutions):
        programs.append(work_dir / f"solution_{k}.py")
        programs[-1].write_text(code, encoding="utf-8")
    runs = [(p, i) for p in range(len(programs)) for i in range(len(tests["inputs"]))]
    with ThreadPoolExecutor(WORKERS) as pool:
        verdicts = pool.map(
            _verdict,
            [programs[p] for p, _ in runs],
            [tests["inputs"][i] for _, i in runs],
            [tests["outputs"][i] for _, i in runs],
        )
        got: dict[int, list[str]] = {p: [] for p in range(len(programs))}
        for (p, _), v in zip(runs, verdicts):
            got[p].append(v)

    problems = []
    for p, sol in enumerate(meta["solutions"]):
        failures = {v for v in got[p] if v != "AC"}
        if sol["expected"] == "AC" and failures:
            problems.append(f"{sol['label']} should pass every test, got {got[p]}")
        elif sol["expected"] != "AC" and failures != {sol["expected"]}:
            problems.append(f"{sol['label']} should fail with {sol['expected']} only, got {got[p]}")
    assert not problems, "\n".join(problems)


def test_generator_rewrites_the_same_bytes(work_dir: Path):
    from effiskel.tasks.mini._generate import generate

    generate(work_dir)
    fresh, shipped = task_dirs(work_dir), TASK_DIRS
    assert [d.name for d in fresh] == [d.name for d in shipped]
    for new, old in zip(fresh, shipped):
        for name in sorted(FILES):
            assert (new / name).read_bytes() == (old / name).read_bytes(), f"{old.name}/{name}"
