"""Write the mini suite's task directories from the definitions in `tasks/`.

    python -m tools.mini_suite.generate              # rewrite effiskel/tasks/mini/NNNN/
    python -m tools.mini_suite.generate --out DIR    # write the directories under DIR
    python -m tools.mini_suite.generate --fuzz 40    # check every AC solution against
                                                     # the reference on 40 random inputs

Definition `tasks/<NNNN>-<name>/` becomes directory `NNNN/`, so a new task
takes the next number. The output is byte-identical on every run: test inputs
come from rngs seeded by the task's name, expected outputs from the task's
reference, solutions from their files unchanged.
"""

from __future__ import annotations

import argparse
import json
import queue
import random
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path

from effiskel.sandbox import Limits, Sandbox, Verdict
from effiskel.tasks.apps import STDIO_FLOAT_TOLERANCE
from effiskel.tasks.mini import MINI_DIR, task_dirs
from tools.mini_suite.spec import DIFFICULTIES, TASKS_DIR, Task, load_tasks

MIN_CORRECT, MIN_WRONG, MIN_TESTS, MAX_TESTS = 5, 1, 4, 8


def check(task: Task, n_tests: int) -> None:
    """Raise ValueError if a definition breaks the suite's rules."""
    n_correct = sum(s.expected == "AC" for s in task.solutions)
    n_wrong = len(task.solutions) - n_correct
    labels = [s.label for s in task.solutions]
    problems = []
    if n_correct < MIN_CORRECT or n_wrong < MIN_WRONG:
        problems.append(f"{n_correct} correct / {n_wrong} wrong solutions")
    if not MIN_TESTS <= n_tests <= MAX_TESTS:
        problems.append(f"{n_tests} tests")
    if len(set(labels)) != len(labels):
        problems.append(f"duplicate labels in {labels}")
    if task.difficulty not in DIFFICULTIES:
        problems.append(f"difficulty {task.difficulty!r}")
    if problems:
        raise ValueError(f"mini task {task.name!r}: " + "; ".join(problems))


def render(task: Task) -> dict[str, str]:
    """The four files of one task directory, as text."""
    inputs = task.inputs()
    check(task, len(inputs))
    metadata = {
        "difficulty": task.difficulty,
        "name": task.name,
        "solutions": [
            {"label": s.label, "complexity": s.complexity, "expected": s.expected}
            for s in task.solutions
        ],
    }
    return {
        "question.txt": task.question(),
        "solutions.json": json.dumps([s.code for s in task.solutions], indent=2) + "\n",
        "input_output.json": json.dumps(
            {"inputs": inputs, "outputs": [task.expected(i) for i in inputs]}
        )
        + "\n",
        "metadata.json": json.dumps(metadata, indent=2) + "\n",
    }


def generate(out: Path = MINI_DIR, definitions: Path = TASKS_DIR) -> list[Path]:
    """Write every task defined under `definitions` to `out`; remove task directories
    no definition produces."""
    tasks = load_tasks(definitions)
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate mini task names in {names}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for k, task in enumerate(tasks):
        d = out / f"{k:04d}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir()
        for name, text in render(task).items():
            (d / name).write_text(text, encoding="utf-8")
        written.append(d)
    for stale in set(task_dirs(out)) - set(written):
        shutil.rmtree(stale)
    return written


def _fuzz_failures(
    sandboxes: queue.SimpleQueue, code: str, tests: list[tuple[str, str]]
) -> list[str]:
    """The fuzz inputs on which `code` fails, judged as the loaded suite is judged."""
    sb = sandboxes.get()  # a sandbox runs one program at a time: each worker takes a free one
    try:
        result = sb.run(code, tests, float_tolerance=STDIO_FLOAT_TOLERANCE, stop_on_failure=False)
    finally:
        sandboxes.put(sb)
    return [
        f"input {inp!r}: {t.verdict}: {t.detail}"
        for (inp, _), t in zip(tests, result.tests)
        if t.verdict != Verdict.AC
    ]


def fuzz(n_inputs: int, names: set[str] | None, jobs: int, work_dir: Path) -> bool:
    """Run every solution on `n_inputs` random small inputs per task and compare
    with the reference. Returns False if a solution marked AC got one wrong;
    wrong solutions are only reported (they need to fail a shipped test, not these)."""
    ok = True
    work_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack, ThreadPoolExecutor(jobs) as pool:
        sandboxes: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(jobs):
            sandboxes.put(stack.enter_context(Sandbox(Limits(), scratch_root=work_dir.resolve())))
        for task in load_tasks():
            if names and task.name not in names:
                continue
            rng = random.Random(f"effiskel-mini-fuzz/{task.name}")
            inputs = [task.small(rng) for _ in range(n_inputs)]
            tests = [(inp, task.expected(inp)) for inp in inputs]
            check_one = partial(_fuzz_failures, sandboxes, tests=tests)
            found = list(pool.map(check_one, [s.code for s in task.solutions]))
            for sol, fails in zip(task.solutions, found):
                where = f"{task.name}/{sol.label}"
                if sol.expected == "AC" and fails:
                    ok = False
                    print(f"FAIL {where}: {len(fails)} inputs, e.g. {fails[0][:300]}")
                elif sol.expected != "AC":
                    print(f"  {where} ({sol.expected}): fails {len(fails)}/{n_inputs}")
            print(f"{task.name}: checked {len(task.solutions)} solutions on {n_inputs} inputs")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--out", type=Path, default=MINI_DIR, help="where to write the task directories"
    )
    ap.add_argument("--fuzz", type=int, metavar="N", help="fuzz the solutions instead of writing")
    ap.add_argument("--task", action="append", help="with --fuzz: only this task name (repeatable)")
    ap.add_argument("--jobs", type=int, default=2, help="with --fuzz: parallel sandboxes")
    args = ap.parse_args(argv)
    if args.fuzz:
        work = Path.cwd() / "build" / "tmp" / "mini_fuzz"
        return 0 if fuzz(args.fuzz, set(args.task or ()), args.jobs, work) else 1
    written = generate(args.out)
    print(f"wrote {len(written)} tasks under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
