"""Cost of one EffiSkel training step against EffiCoder* (plain SFT) on the same data.

    .venv/bin/python benchmarks/train_step.py                      # CPU, tiny model
    python benchmarks/train_step.py --model qwen2.5-coder-1.5b --device cuda   # GPU, bf16
    python benchmarks/train_step.py --model qwen2.5-coder-1.5b --flops-only    # no timing

On CPU the tiny model (width 64) is dominated by attention and memory traffic, so its
measured ratio exceeds the FLOP ratio of a real model; `--flops-only` gives the ratio
a compute-bound GPU would show for the full architecture.

Each method runs the trainer's own step (`trainer.micro_step` over the micro-batches
of a global batch, then AdamW) on one device, LoRA on every linear layer, on one
fixed set of synthetic examples whose token lengths mimic APPS (task text N
≫ code C > skeleton S). EffiSkel adds the skeleton sequence: in the
`shared_prefix` layout the task text is run once for both sequences, in the
`stacked` layout twice. Printed: step time, tokens/s, time per example, the
cost ratio per example against EffiCoder* (target ≤ 1.4×), and on GPU the MFU.

`--model qwen2.5-coder-1.5b` builds Qwen2.5-Coder-1.5B's architecture from its
published config, in code, randomly initialised (no download; speed does not
depend on the weights' values), in bf16 on GPU.

MFU, as nanoGPT's `estimate_mfu`: model FLOPs per step / step time / peak FLOP/s,
counted by the trainer's own `effiskel.training.flops` (its docstring has the
accounting). Peak default: the device's dense bf16 peak from that module's table
(989e12 on an H100 SXM or H200); none on CPU, where MFU is printed as "-" unless
`--peak-flops` is given.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from effiskel.training.config import METHOD_WEIGHTS
from effiskel.training.examples import Example, collate, pad_multiple
from effiskel.training.flops import ModelFlops, device_peak_flops, mfu
from effiskel.training.losses import token_counts
from effiskel.training.models import TargetLogits, add_lora
from effiskel.training.trainer import micro_step

QWEN25_CODER_15B = dict(  # config.json of Qwen/Qwen2.5-Coder-1.5B(-Instruct)
    vocab_size=151936,
    hidden_size=1536,
    intermediate_size=8960,
    num_hidden_layers=28,
    num_attention_heads=12,
    num_key_value_heads=2,
    max_position_embeddings=32768,
    rope_theta=1000000.0,
    rms_norm_eps=1e-6,
    tie_word_embeddings=True,
)


def build_model(name: str, device: str, dtype: torch.dtype, layers: int | None):
    from transformers import LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

    from effiskel.training.models import tiny_config

    torch.manual_seed(0)
    if name == "tiny":  # the `tiny` preset's architecture, vocabulary 1024
        config = tiny_config(vocab_size=1024)
        cls = LlamaForCausalLM
    elif name == "qwen2.5-coder-1.5b":
        config = Qwen2Config(**QWEN25_CODER_15B)
        cls = Qwen2ForCausalLM
    else:
        raise SystemExit(f"--model {name!r}: choose tiny or qwen2.5-coder-1.5b")
    if layers:
        config.num_hidden_layers = layers
    config._attn_implementation = "sdpa"
    with torch.device(device):
        default = torch.get_default_dtype()
        torch.set_default_dtype(dtype)  # build straight in bf16 on GPU: no fp32 copy of 1.5B
        try:
            model = cls(config)
        finally:
            torch.set_default_dtype(default)
    return model


def synthetic_examples(
    n: int, vocab: int, prompt: int, code: int, skeleton: int, seed: int = 0
) -> list[Example]:
    """Examples with APPS-like lengths (each ±50 %): a shared task prefix, then a code branch
    and a skeleton branch that differ from their first (instruction) token on."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        p, c, s = (max(4, int(x * rng.uniform(0.5, 1.5))) for x in (prompt, code, skeleton))
        prefix = rng.integers(2, vocab, p)
        c_ids = np.concatenate([prefix, [2, 3], rng.integers(2, vocab, c)]).astype(np.int32)
        s_ids = np.concatenate([prefix, [3, 2], rng.integers(2, vocab, s)]).astype(np.int32)
        mask = np.zeros(len(c_ids), np.int32)
        mask[p + 2 :] = rng.random(c) < 0.5  # about half of C's tokens are skeleton tokens
        out.append(Example(c_ids, p + 2, mask, s_ids, p + 2, prefix_len=p))
    return out


METHODS = (("efficoder", "-"), ("effiskel", "shared_prefix"), ("effiskel", "stacked"))


def step_batches(step: list[Example], method: str, layout: str, mb: int, device) -> list:
    """The micro-batches of one optimizer step, sorted by length as the trainer does."""
    with_skeleton = method == "effiskel"
    step = sorted(step, key=lambda e: -e.row_length(layout, with_skeleton))
    pad_to = pad_multiple(device)
    return [
        collate(step[i : i + mb], layout, with_skeleton, pad_id=0, pad_to=pad_to).to(device)
        for i in range(0, len(step), mb)
    ]


def one_step(
    model, flops: ModelFlops, optimizer, step: list[Example], method: str, layout: str, args, device
) -> dict:
    """One optimizer step of `method` over the examples `step`, timed."""
    weights = torch.tensor(METHOD_WEIGHTS[method], device=device)
    t0 = _sync_time(device)
    batches = step_batches(step, method, layout, args.micro_batch, device)
    counts = sum(token_counts(b.is_code, b.is_skel, b.is_mask) for b in batches).to(device)
    for b in batches:
        loss, _ = micro_step(model, b, counts, weights)
        loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    dt = _sync_time(device) - t0
    return {"time": dt, "tokens": sum(b.num_tokens for b in batches), "flops": flops.step(batches)}


def measure(model, optimizer, examples: list[Example], args, device, peak) -> list[dict]:
    """Rounds of one step per method, interleaved so that drift in machine load hits all
    methods alike; medians over the timed rounds."""
    G = args.global_batch
    steps = [examples[i * G : (i + 1) * G] for i in range(len(examples) // G)]
    runs = {m: [] for m in METHODS}
    flops = ModelFlops.of(model.base())
    for k in range(args.warmup + args.steps):
        for method, layout in METHODS:
            step = steps[k % len(steps)]
            r = one_step(model, flops, optimizer, step, method, layout, args, device)
            if k >= args.warmup:
                runs[(method, layout)].append(r)
    rows = []
    for (method, layout), rs in runs.items():
        t = float(np.median([r["time"] for r in rs]))
        rows.append(
            {
                "method": method,
                "layout": layout,
                "step_s": t,
                "tokens_per_s": float(np.median([r["tokens"] / r["time"] for r in rs])),
                "ms_per_example": 1000 * t / G,
                "mfu": None if peak is None else float(
                    np.median([mfu(r["flops"], r["time"], peak) for r in rs])
                ),
                "flops_per_example": float(np.mean([r["flops"] for r in rs])) / G,
            }
        )
    return rows


def print_flops_only(args) -> None:
    """The expected cost ratio where the step is compute-bound (a large GPU): model FLOPs
    per example of each method, counted on the data without running the model."""
    base = build_model(args.model, "meta", torch.float32, args.layers)
    examples = synthetic_examples(
        args.global_batch * 4,
        base.config.vocab_size,
        args.prompt_len,
        args.code_len,
        args.skeleton_len,
    )
    G, cpu = args.global_batch, torch.device("cpu")
    flops = ModelFlops.of(base)
    per_example = {}
    for method, layout in METHODS:
        total = 0.0
        for i in range(0, len(examples), G):
            batches = step_batches(examples[i : i + G], method, layout, args.micro_batch, cpu)
            total += flops.step(batches)
        per_example[(method, layout)] = total / len(examples)
    ref = per_example[METHODS[0]]
    print(
        f"\n{args.model}: model FLOPs per example (LoRA accounting), lengths N~{args.prompt_len} "
        f"C~{args.code_len} S~{args.skeleton_len}"
    )
    for (method, layout), f in per_example.items():
        print(f"{method:<10} {layout:<14} {f / 1e12:>8.3f} TFLOP {f / ref:>6.2f}×")
    print(
        f"effiskel (shared_prefix) / efficoder model FLOPs per example: "
        f"{per_example[METHODS[1]] / ref:.2f}× (target <= 1.4×)"
    )


def _sync_time(device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--model", default="tiny", help="tiny | qwen2.5-coder-1.5b (random init, built in code)"
    )
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument(
        "--layers", type=int, default=None, help="override the layer count (smoke tests)"
    )
    ap.add_argument("--global-batch", type=int, default=16, help="examples per optimizer step")
    ap.add_argument("--micro-batch", type=int, default=4, help="examples per forward pass")
    ap.add_argument(
        "--prompt-len", type=int, default=400, help="mean task-text tokens (APPS: ~400-600)"
    )
    ap.add_argument("--code-len", type=int, default=200, help="mean code tokens")
    ap.add_argument("--skeleton-len", type=int, default=160, help="mean skeleton tokens")
    ap.add_argument("--steps", type=int, default=8, help="timed optimizer steps per method")
    ap.add_argument("--warmup", type=int, default=2, help="untimed optimizer steps per method")
    ap.add_argument("--lora-rank", type=int, default=16)
    ap.add_argument(
        "--peak-flops",
        type=float,
        default=None,
        help="device peak FLOP/s for MFU (default: the device's bf16 dense peak, if known)",
    )
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (1: on a few shared cores, more threads make timings noisy)",
    )
    ap.add_argument(
        "--flops-only",
        action="store_true",
        help="no timing: the model-FLOPs cost ratio of the full architecture (built on the meta device)",
    )
    args = ap.parse_args()
    device = torch.device(args.device)
    if device.type == "cpu":
        torch.set_num_threads(args.threads)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    if args.flops_only:
        return print_flops_only(args)
    base = build_model(args.model, args.device, dtype, args.layers)
    lm = add_lora(base, args.lora_rank, 2 * args.lora_rank, 0.0, ["all-linear"])
    model = TargetLogits(lm).to(dtype)  # peft makes fp32 adapters; DeepSpeed bf16 casts them too
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-5, fused=device.type == "cuda")
    n = args.global_batch * 4
    examples = synthetic_examples(
        n, base.config.vocab_size, args.prompt_len, args.code_len, args.skeleton_len
    )

    peak = args.peak_flops or device_peak_flops(device, dtype)
    rows = measure(model, optimizer, examples, args, device, peak)
    name = args.model + (f" ({args.layers} layers)" if args.layers else "")
    print(
        f"\n{name} on {device.type} ({torch.cuda.get_device_name() if device.type == 'cuda' else 'CPU'}), "
        f"{str(dtype).removeprefix('torch.')}, LoRA r={args.lora_rank}, global batch {args.global_batch}, "
        f"micro-batch {args.micro_batch}, lengths N~{args.prompt_len} C~{args.code_len} S~{args.skeleton_len}"
    )
    print(
        f"{'method':<10} {'layout':<14} {'step s':>8} {'tokens/s':>10} {'ms/example':>11} {'cost ×':>7} "
        f"{'FLOPs ×':>8} {'MFU':>7}"
    )
    ref, ref_flops = rows[0]["ms_per_example"], rows[0]["flops_per_example"]
    for r in rows:
        print(
            f"{r['method']:<10} {r['layout']:<14} {r['step_s']:>8.3f} {r['tokens_per_s']:>10.0f} "
            f"{r['ms_per_example']:>11.2f} {r['ms_per_example'] / ref:>6.2f}× "
            f"{r['flops_per_example'] / ref_flops:>7.2f}× {_percent(r['mfu']):>7}"
        )
    best = rows[1]
    print(
        f"effiskel (shared_prefix) / efficoder cost per example: {best['ms_per_example'] / ref:.2f}× measured, "
        f"{best['flops_per_example'] / ref_flops:.2f}× in model FLOPs (target <= 1.4×); "
        f"tokens/s {best['tokens_per_s']:.0f}, MFU {_percent(best['mfu'])}"
    )


def _percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


if __name__ == "__main__":
    main()
