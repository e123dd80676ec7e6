"""Samples/s of `effiskel generate`: the vllm backend against hf, or hf batched against one
prompt at a time, on the same tasks, in one run.

    .venv/bin/python benchmarks/generate_throughput.py                    # CPU: tiny, hf
    python benchmarks/generate_throughput.py --model qwen2.5-coder-1.5b --device cuda \\
        --backends hf,vllm                                                # GPU: hf vs vllm

Each backend runs the whole stage (data_pipeline/generate.py: Ray, the actor pool or the
Ray Data LLM processor, extraction, shards) into its own output directory: n samples of
each of the first `--tasks` mini tasks with the `instruct` method, max_new_tokens each.
A random model seldom samples its EOS, so nearly every completion is max_new_tokens long
and both sides do the same work. Ray is started once before the first backend. Printed
per backend: the wall time of the stage (actor or engine start-up and model load
included) with samples/s over it, and the stage's own rate (hf: time inside generate;
vllm: from the processor's start, its engine start-up included), each with its ratio
against the first backend listed (the baseline).

`--model qwen2.5-coder-1.5b` saves Qwen2.5-Coder-1.5B's architecture (its published
config, 151,936-token vocabulary), randomly initialised, in bf16, with a byte-level
tokenizer of the same vocabulary (every id decodes; prompts are byte-tokenized, so they
are ~3x longer than Qwen's own tokenizer makes them). Nothing is downloaded. On CPU the
default is the tiny preset, with `hf1` (hf, batch size 1) as the baseline of `hf`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "bench-generate"

QWEN25_CODER_15B = dict(  # config.json of Qwen/Qwen2.5-Coder-1.5B(-Instruct)
    vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
    num_attention_heads=12, num_key_value_heads=2, max_position_embeddings=32768,
    rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=True,
)


def byte_tokenizer(vocab_size: int):
    """A byte-level tokenizer with exactly `vocab_size` ids: the 256 byte symbols, then
    strings of two and three of them (no merges: text encodes byte by byte, any id decodes)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    symbols = ["<|endoftext|>", "<|pad|>", *alphabet]
    longer = ("".join(p) for k in (2, 3) for p in itertools.product(alphabet, repeat=k))
    symbols += itertools.islice(longer, vocab_size - len(symbols))
    vocab = {s: i for i, s in enumerate(symbols)}
    core = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(tokenizer_object=core, eos_token="<|endoftext|>",
                                   pad_token="<|pad|>")


def model_dir(name: str) -> Path:
    """The benchmark's model, built once under build/bench-generate/."""
    import torch

    out = BUILD / name
    if (out / "config.json").is_file():
        return out
    shutil.rmtree(out, ignore_errors=True)
    if name == "tiny":
        from effiskel.tasks import iter_source
        from effiskel.training.models import build_tiny
        from effiskel.training.prompts import format_prompt

        texts = [format_prompt(t["prompt"]) for t, _ in iter_source("mini")] * 3
        return build_tiny(texts, out, vocab_size=1024)
    if name != "qwen2.5-coder-1.5b":
        raise SystemExit(f"--model {name!r}: choose tiny or qwen2.5-coder-1.5b")
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tok = byte_tokenizer(QWEN25_CODER_15B["vocab_size"])
    config = Qwen2Config(**QWEN25_CODER_15B, eos_token_id=tok.eos_token_id,
                         pad_token_id=tok.pad_token_id, bos_token_id=None)
    torch.manual_seed(0)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)  # no fp32 copy of 1.5B parameters
    try:
        model = Qwen2ForCausalLM(config)
    finally:
        torch.set_default_dtype(default)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def run_backend(label: str, model: Path, args) -> dict:
    from data_pipeline.generate import run
    from effiskel.config import GenerateConfig
    from effiskel.generation import SamplingConfig, VllmConfig

    backend, batch = ("hf", 1) if label == "hf1" else (label, args.batch_size)
    out = BUILD / "out" / f"{args.model}-{label}"
    shutil.rmtree(out, ignore_errors=True)
    cfg = GenerateConfig(
        methods=["instruct"], model=str(model), source="mini", limit=args.tasks, out=str(out),
        sampling=SamplingConfig(n=args.n, max_new_tokens=args.max_new_tokens),
        backend=backend, device=args.device, batch_size=batch,
        tasks_per_unit=args.tasks_per_unit, workers=args.workers, progress=False,
        vllm=VllmConfig(batch_size=args.vllm_batch_size, max_model_len=args.max_model_len,
                        gpu_memory_utilization=0.85))
    start = time.perf_counter()
    summary = run(cfg)
    wall = time.perf_counter() - start
    samples = summary["samples"]
    return {"backend": label, "samples": samples, "tokens": summary["tokens"],
            "wall_s": wall, "samples_per_s": samples / wall,
            "tokens_per_s": summary["tokens"] / wall,
            "stage_samples_per_s": summary["samples_per_s"]}


def main() -> None:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="tiny | qwen2.5-coder-1.5b (default: "
                                                  "qwen on GPU, tiny on CPU)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--backends", default=None,
                    help="comma list, the first is the baseline: hf1 (hf, batch 1), hf, vllm "
                         "(default: hf,vllm on GPU, hf1,hf on CPU)")
    ap.add_argument("--tasks", type=int, default=None, help="mini tasks (default 16 GPU, 4 CPU)")
    ap.add_argument("--n", type=int, default=8, help="samples per task")
    ap.add_argument("--max-new-tokens", type=int, default=None,
                    help="tokens per completion (default 256 GPU, 48 CPU)")
    ap.add_argument("--batch-size", type=int, default=64, help="hf: prompts per generate call")
    ap.add_argument("--tasks-per-unit", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1, help="hf actors (one model each)")
    ap.add_argument("--vllm-batch-size", type=int, default=64)
    ap.add_argument("--max-model-len", type=int, default=4096)
    args = ap.parse_args()
    gpu = args.device.startswith("cuda")
    args.model = args.model or ("qwen2.5-coder-1.5b" if gpu else "tiny")
    args.tasks = args.tasks or (16 if gpu else 4)
    args.max_new_tokens = args.max_new_tokens or (256 if gpu else 48)
    backends = (args.backends or ("hf,vllm" if gpu else "hf1,hf")).split(",")

    model = model_dir(args.model)
    from data_pipeline.common import init_ray

    init_ray(None)  # started once, before the first backend: no backend pays for it
    results = [run_backend(b, model, args) for b in backends]
    (BUILD / "results.json").write_text(json.dumps({"args": vars(args), "results": results},
                                                   indent=2))
    base = results[0]
    print(f"\n{args.model} on {args.device}: {args.tasks} mini tasks x n = {args.n}, "
          f"max_new_tokens {args.max_new_tokens}, instruct")
    print("wall: the whole stage (actors, model load or engine start-up, extraction, shards); "
          "gen: the stage's own rate (hf: time in generate; vllm: from the processor's start, "
          "engine start-up included)")
    x = "x " + base["backend"]
    print(f"{'backend':8s} {'samples':>8s} {'tokens':>9s} {'wall s':>8s} {'samples/s':>10s} "
          f"{x:>8s} {'gen samples/s':>14s} {x:>8s}")
    for r in results:
        gen, gen0 = r["stage_samples_per_s"] or 0, base["stage_samples_per_s"] or 0
        print(f"{r['backend']:8s} {r['samples']:8d} {r['tokens']:9d} {r['wall_s']:8.1f} "
              f"{r['samples_per_s']:10.2f} {r['samples_per_s'] / base['samples_per_s']:8.2f} "
              f"{gen:14.2f} {gen / gen0 if gen0 else 0:8.2f}")


if __name__ == "__main__":
    main()
