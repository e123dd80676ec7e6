"""Every mini task definition, in directory order (task k → `{k:04d}/`).

Append new tasks at the end of a module's list, or add a module at the end
here, so the existing directories keep their numbers.
"""

from . import arrays, dp, graphs, numbers, strings, structures

TASKS = [
    *arrays.TASKS,
    *dp.TASKS,
    *graphs.TASKS,
    *strings.TASKS,
    *numbers.TASKS,
    *structures.TASKS,
]
