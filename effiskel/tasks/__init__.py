"""Task sources: one loader per corpus, all producing rows of the TASKS and
SOLUTIONS schemas (effiskel/schema.py).

A source is split into small work units so a Ray pipeline can spread the
loading without the driver holding the corpus:

    src = get_source("apps")
    for unit in src.units(path):                 # cheap: ids, directory names, row ranges
        for task, solutions in src.load_unit(path, unit):
            ...

Both take source-specific keyword options (ENAMEL: ``levels``, ``subset``).
`load_unit` never raises on bad data; unusable input becomes rows with a
status and a reason (see `effiskel.tasks.rows`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from effiskel.tasks import (
    apps,
    codenet,
    effibench,
    enamel,
    evalplus,
    humaneval,
    mercury,
    mini_suite,
)
from effiskel.tasks.rows import Source, count_skipped

SOURCES: dict[str, Source] = {
    "mini": mini_suite.SOURCE,
    "apps": apps.SOURCE,
    "codenet": codenet.SOURCE,
    "humaneval": humaneval.SOURCE,
    "humanevalplus": evalplus.SOURCE_HUMANEVALPLUS,
    "mbppplus": evalplus.SOURCE_MBPPPLUS,
    "enamel": enamel.SOURCE,
    "effibench": effibench.SOURCE,
    "mercury": mercury.SOURCE,
}


def get_source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise ValueError(
            f"unknown task source {name!r}; choose one of {', '.join(SOURCES)}"
        ) from None


def iter_source(
    name: str, path: str | Path | None = None, **options
) -> Iterator[tuple[dict, list[dict]]]:
    """Every (task, solutions) of a source, unit after unit: for small sources and tests."""
    src = get_source(name)
    for unit in src.units(path, **options):
        yield from src.load_unit(path, unit, **options)


__all__ = ["SOURCES", "Source", "count_skipped", "get_source", "iter_source"]
