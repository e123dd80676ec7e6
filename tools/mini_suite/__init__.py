"""Authoring of the bundled mini suite (shipped as data in `effiskel/tasks/mini/`).

One directory per task, `tasks/<NNNN>-<name>/`; task NNNN becomes the shipped
directory `effiskel/tasks/mini/NNNN/`:

    tasks/0000-range_sum/
        task.py              statement, example, edge cases, reference(), large(), small(),
                             SOLUTIONS (label, complexity, expected verdict, in shipped order)
        solutions/<label>.py one program per solution, shipped byte for byte

To add a task, add a directory numbered one past the last with those files
(see `spec.py` for what task.py defines), then run

    python -m tools.mini_suite.generate --fuzz 40   # every AC solution vs the reference
    python -m tools.mini_suite.generate             # rewrite effiskel/tasks/mini/NNNN/

and commit both the definition and the regenerated data.
"""
