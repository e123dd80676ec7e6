"""The bundled mini suite: small stdio tasks in APPS layout, written by us.

Each task lives in a four-digit directory (`0000`, `0001`, …) holding exactly
APPS's four files: `question.txt`, `solutions.json`, `input_output.json` and
`metadata.json`. `metadata.json` adds, per solution and in the order of
`solutions.json`, a label, its complexity and the verdict it must get
(`AC`, `WA` or `RE`). Every task has at least five correct solutions of clearly
different speed and at least one wrong one; the last test of a task is its
largest.

The directories are data, generated outside the package: edit the definitions
in the checkout's `tools/mini_suite/tasks/` and rerun
`python -m tools.mini_suite.generate` (see `tools/mini_suite/`).
"""

from __future__ import annotations

from pathlib import Path

MINI_DIR = Path(__file__).resolve().parent
"""Where the task directories live (inside the installed package)."""


def task_dirs(root: Path = MINI_DIR) -> list[Path]:
    """The task directories under `root`, in order; skips this module and
    `__pycache__/`."""
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit())
