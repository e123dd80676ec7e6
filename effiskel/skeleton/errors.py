"""The one error the skeleton library raises for bad input."""

from __future__ import annotations


class SkeletonInputError(ValueError):
    """A solution or line profile that the skeleton extractors cannot use.

    The message names what is wrong and what to do; `extract_task` turns it
    into an excluded solution or an error row, so it never escapes a task.
    """
