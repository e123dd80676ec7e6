"""Generate: n sampled programs per task from every method, for evaluation.

Methods are trained runs (`--methods out/train/effiskel-tas,out/train/efficoder-tas`: a
run's base model with its adapter), `instruct` (the base model) and `llm4effi` (the base
model prompted to plan the algorithm, then write it). Writes OUT/samples (Parquet: the
completion, the program extracted from it, finish reason, tokens, seed) and
OUT/summary.json. Backends: hf (transformers, CPU or GPU) and vllm (Ray Data LLM, GPU,
pip install 'effiskel[vllm]'). Without --address it starts an embedded local Ray.
Rerunning the same command after a crash finishes the missing shards.
"""

from __future__ import annotations

import sys

from effiskel.config import GenerateConfig, parse

# The sampling settings by their short names.
ALIASES = {"n": "sampling.n", "max_new_tokens": "sampling.max_new_tokens",
           "temperature": "sampling.temperature", "top_p": "sampling.top_p",
           "seed": "sampling.seed", "method": "methods"}


def main(argv: list[str] | None = None, prog: str = "python -m jobs.generate") -> int:
    cfg = parse(GenerateConfig, argv, prog, __doc__, ALIASES)
    from data_pipeline import generate  # torch and Ray: only once the config is good
    from jobs.common import run_stage

    return run_stage(generate, cfg, prog)


if __name__ == "__main__":
    sys.exit(main())
