"""Loader of the bundled mini suite (``effiskel/tasks/mini/``): stdio tasks in APPS
layout, each with solutions of clearly different speed and at least one wrong
one. Its metadata.json also lists ``{"solutions": [{"label", "complexity",
"expected"}, ...]}`` aligned with solutions.json; the labels become origins
(``mini:quadratic``) and the whole list stays in the task's metadata.
Loading is the APPS loader with source "mini"; `path` defaults to the bundled
directory. Task ids: ``mini/<problem dir>``.
"""

from __future__ import annotations

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
