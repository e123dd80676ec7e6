"""Evaluate: every sample judged on all its task's tests, the correct ones timed in pairs.

--samples takes a generate stage's output directory (every method in it), FILE.jsonl:METHOD
(EvalPlus lines: {"task_id", "solution"} or {"task_id", "completion"}) or FILE.json:METHOD
(ENAMEL's programs per task), once or more. Per task, one worker times the correct samples
of every method and the task's reference solution interleaved, so the host's slow and fast
phases fall on all of them alike. Writes OUT/results (Parquet, one row per sample: verdict,
time, peak memory, the reference's time) and OUT/summary.json. Without --address it starts
an embedded local Ray. Rerunning the same command after a crash finishes the missing tasks.
"""

from __future__ import annotations

import re
import sys

from effiskel.config import EvaluateConfig, parse

# The README's names for two limits of every run.
ALIASES = {"time_limit": "limits.cpu_time_s", "memory_mb": "limits.memory_mb"}


def main(argv: list[str] | None = None, prog: str = "python -m jobs.evaluate") -> int:
    cfg = parse(EvaluateConfig, gather(argv if argv is not None else sys.argv[1:], "samples"), prog,
                __doc__, ALIASES)
    from data_pipeline import evaluate  # Ray and the sandbox: only once the config is good
    from jobs.common import run_stage

    return run_stage(evaluate, cfg, prog)


_SHORTHAND = re.compile(r"[A-Za-z_][\w.-]*=")


def gather(argv: list[str], name: str) -> list[str]:
    """Every value of a list flag, as the contract spells it (`--samples A --samples B`,
    `--runs A B C`), as the one flag `--name=["A","B","C"]` the config parser reads. A
    `key=value` setting after the values ends them."""
    import json

    out, values, taking = [], [], False
    for arg in argv:
        if arg == f"--{name}":
            taking = True
        elif arg.startswith(f"--{name}="):
            values.append(arg.split("=", 1)[1])
            taking = False
        elif taking and not arg.startswith("--") and not _SHORTHAND.match(arg):
            values.append(arg)
        else:
            taking = False
            out.append(arg)
    if values:
        out.append(f"--{name}=" + json.dumps(values))
    return out


if __name__ == "__main__":
    sys.exit(main())
