"""The `effiskel` command: one verb per job, each the main() of a module of jobs/.

`effiskel VERB ARGS` is `python -m jobs.VERB ARGS` (the same flags, the same output),
which is also what `ray job submit -- python -m jobs.VERB ARGS` runs on a cluster.
This module only dispatches, so `effiskel --help` and `effiskel VERB --help` import
neither torch nor Ray.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {  # verb: (module, one line of help)
    "run-tests": ("jobs.run_tests", "run one program on its tests in the sandbox"),
    "profile": ("jobs.profile", "Stage 1: run, time and rank every solution; keep the top-K"),
    "extract": ("jobs.extract", "Stage 2: SMS, SSS and TAS skeletons of the efficient sets"),
    "pairs": ("jobs.pairs", "preference pairs for CodeDPO* and SkelDPO from Stages 1 and 2"),
    "train": ("jobs.train", "Stage 3: LoRA training: EffiSkel, EffiCoder*, CodeDPO* or SkelDPO"),
    "generate": ("jobs.generate", "n sampled programs per task from trained runs, instruct, llm4effi"),
    "evaluate": ("jobs.evaluate", "judge every sample, time the correct ones beside the reference"),
    "compare": ("jobs.compare", "metrics of every method against a baseline: report, plots"),
    "experiment": ("jobs.experiment", "every method side by side: profile → … → compare, resumable"),
    "demo": ("jobs.demo", "the whole pipeline on the bundled mini suite, tiny model, local Ray"),
    "submit": ("jobs.submit", "run a stage on a Ray cluster as a Ray job (Ray Job Submission)"),
    "jobs": ("jobs.jobs", "the Ray jobs of a cluster: list, status, logs, stop"),
}

EPILOG = """\
`effiskel COMMAND --help` shows what a command takes. The stage commands (profile,
extract, pairs, train, generate, evaluate, compare, experiment) read their settings from a YAML file (--config FILE; configs/ in the
project has examples) and from flags, one per key (--limits.cpu_time_s 2); their --help
lists each key with its default, and --print_config prints them all as YAML that
--config reads back."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    width = max(map(len, COMMANDS))
    parser = argparse.ArgumentParser(
        prog="effiskel", usage="effiskel [-h] COMMAND [ARGS ...]", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Efficiency-skeleton training for code LLMs, on Ray.\n\ncommands:\n"
                    + "\n".join(f"  {verb:{width}}  {text}" for verb, (_, text) in COMMANDS.items()),
        epilog=EPILOG)
    parser.add_argument("command", choices=COMMANDS, metavar="COMMAND",
                        help="one of the commands above")
    verb = parser.parse_args(argv[:1]).command  # what follows the verb is the verb's own
    return importlib.import_module(COMMANDS[verb][0]).main(argv[1:], prog=f"effiskel {verb}")


if __name__ == "__main__":
    sys.exit(main())
