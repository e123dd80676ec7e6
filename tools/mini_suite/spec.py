"""How a mini task is defined: a directory of files, read into a `Task`.

`tasks/<NNNN>-<name>/task.py` defines
- `DIFFICULTY` ("introductory" or "interview"), `STATEMENT`, `INPUT_FORMAT`,
  `OUTPUT_FORMAT` (text for question.txt, dedented);
- `EXAMPLE` (test 0, also shown in question.txt) and `EDGE_CASES` (hand-picked
  small tests);
- `reference(input) -> output`: the trusted solver that produces every
  expected output (never typed by hand);
- `large(rng) -> [input, …]`: the 2–3 large tests, largest last;
- `small(rng) -> input`: a random small input, for `generate --fuzz`, which
  checks every solution marked AC against the reference far beyond the
  shipped tests;
- `SOLUTIONS`: `ac(label, complexity)` / `wrong(label, complexity[, verdict])`
  in the order solutions.json ships them; the code of each is
  `solutions/<label>.py`, shipped byte for byte.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import random
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

VERDICTS = ("AC", "WA", "RE")
DIFFICULTIES = ("introductory", "interview")
TASKS_DIR = Path(__file__).resolve().parent / "tasks"
"""Where the task definitions live."""

_TASK_DIR = re.compile(r"(\d{4})-([a-z0-9_]+)")
_REQUIRED = (
    "DIFFICULTY",
    "STATEMENT",
    "INPUT_FORMAT",
    "OUTPUT_FORMAT",
    "EXAMPLE",
    "EDGE_CASES",
    "SOLUTIONS",
    "reference",
    "large",
    "small",
)


@dataclass(frozen=True)
class Solution:
    label: str
    complexity: str
    expected: str = "AC"
    code: str = ""
    """The program, read from solutions/<label>.py by `load_task`."""


def ac(label: str, complexity: str) -> Solution:
    """A correct solution (passes every test)."""
    return Solution(label, complexity, "AC")


def wrong(label: str, complexity: str, verdict: str = "WA") -> Solution:
    """An intentionally wrong solution: fails at least one test, always with `verdict`."""
    if verdict not in VERDICTS or verdict == "AC":
        raise ValueError(f"solution {label!r}: verdict {verdict!r} is not one of WA, RE")
    return Solution(label, complexity, verdict)


@dataclass(frozen=True)
class Task:
    name: str
    difficulty: str
    statement: str
    input_format: str
    output_format: str
    reference: Callable[[str], str]
    example: str
    """Test 0, also shown in question.txt."""
    edge_cases: tuple[str, ...]
    """Hand-picked small tests."""
    large: Callable[[random.Random], list[str]]
    """The large tests (2–3), generated from a seeded rng; the last is the largest."""
    small: Callable[[random.Random], str]
    """A random small input, for fuzzing the solutions against the reference."""
    solutions: tuple[Solution, ...]

    def question(self) -> str:
        """question.txt in APPS's layout."""
        return (
            f"{_para(self.statement)}\n\n"
            f"-----Input-----\n\n{_para(self.input_format)}\n\n"
            f"-----Output-----\n\n{_para(self.output_format)}\n\n"
            f"-----Examples-----\nInput\n{self.example}\nOutput\n{self.expected(self.example)}"
        )

    def expected(self, inp: str) -> str:
        out = self.reference(inp)
        return out if out.endswith("\n") else out + "\n"

    def inputs(self) -> list[str]:
        """Every test input: the example, the edge cases, then the large ones."""
        # A string seed is hashed with SHA-512 by `random`, so this does not
        # depend on PYTHONHASHSEED: the same inputs on every run and machine.
        rng = random.Random(f"effiskel-mini/{self.name}")
        return [self.example, *self.edge_cases, *self.large(rng)]


def load_task(task_dir: Path) -> Task:
    """The task defined by `task_dir` (`<NNNN>-<name>/`: task.py and solutions/)."""
    match = _TASK_DIR.fullmatch(task_dir.name)
    if not match:
        raise ValueError(f"{task_dir}: a task directory is named <NNNN>-<name> (e.g. 0031-two_sum)")
    number, name = match.groups()
    module = _import(task_dir / "task.py", f"tools.mini_suite.tasks.t{number}")
    missing = [attr for attr in _REQUIRED if not hasattr(module, attr)]
    if missing:
        raise ValueError(f"{task_dir / 'task.py'}: defines no {', '.join(missing)} (see spec.py)")
    solutions = tuple(_with_code(task_dir / "solutions", s) for s in module.SOLUTIONS)
    listed = {f"{s.label}.py" for s in solutions}
    unlisted = sorted(p.name for p in (task_dir / "solutions").glob("*.py") if p.name not in listed)
    if unlisted:
        # A file nobody lists would silently not ship: make the author decide.
        raise ValueError(
            f"{task_dir / 'solutions'}: {', '.join(unlisted)} not in SOLUTIONS of task.py;"
            " list it (ac/wrong) or delete it"
        )
    return Task(
        name=name,
        difficulty=module.DIFFICULTY,
        statement=module.STATEMENT,
        input_format=module.INPUT_FORMAT,
        output_format=module.OUTPUT_FORMAT,
        reference=module.reference,
        example=module.EXAMPLE,
        edge_cases=tuple(module.EDGE_CASES),
        large=module.large,
        small=module.small,
        solutions=solutions,
    )


def load_tasks(root: Path = TASKS_DIR) -> list[Task]:
    """Every task under `root`, in number order; the numbers must run 0000, 0001, … without
    gaps, since task k ships as directory `{k:04d}/`."""
    dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    for k, d in enumerate(dirs):
        if not d.name.startswith(f"{k:04d}-"):
            raise ValueError(f"{d}: expected task number {k:04d} here (numbers run without gaps)")
    return [load_task(d) for d in dirs]


def _with_code(solutions_dir: Path, solution: Solution) -> Solution:
    path = solutions_dir / f"{solution.label}.py"
    if not path.is_file():
        raise ValueError(f"{path}: listed in SOLUTIONS as {solution.label!r} but missing")
    return dataclasses.replace(solution, code=path.read_text(encoding="utf-8"))


def _import(path: Path, module_name: str):
    # Task directories are named for readers (0000-range_sum), not as packages.
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ValueError(f"{path}: not a Python file that can be imported")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _para(text: str) -> str:
    return textwrap.dedent(text).strip("\n")
