"""Cost of one SkelDPO training step per pair against CodeDPO*'s, and their FLOP ratio.

    .venv/bin/python benchmarks/dpo_step.py                          # CPU, tiny model
    python benchmarks/dpo_step.py --model qwen2.5-coder-1.5b --device cuda   # GPU, bf16
    python benchmarks/dpo_step.py --model qwen2.5-coder-1.5b --flops-only    # no timing

Both methods run the trainers' own step, in one process on one device: TRL's
`training_step` of `DPOTrainer` (CodeDPO*) and of `SkelDPOTrainer` (SkelDPO: the code
pair and the skeleton pair, each with its reference pass), then AdamW, over the same
global batches of synthetic pairs whose token lengths mimic APPS (task text N ≫ slow
code > fast code > skeletons). Rounds of one step per method are interleaved, so drift
in the machine's load hits both alike; medians over the timed rounds.

Model FLOPs are counted by `effiskel.training.flops.ModelFlops` (LoRA accounting, see
its docstring) over the rows each step runs: the policy's forward and backward, plus the
reference's forward, half of that (1.5x in all), on the chosen and rejected rows of
each pair, and for SkelDPO of its skeleton pair too. The target: SkelDPO's measured cost
per pair within 1.15x of its FLOP ratio to CodeDPO*. On CPU the tiny model (width 64)
is dominated by per-call overhead and memory traffic, so its measured ratio says little
about a GPU; `--flops-only` gives the ratio of the full architecture.

`--model qwen2.5-coder-1.5b` builds Qwen2.5-Coder-1.5B's architecture in code, randomly
initialised (no download; speed does not depend on the weights' values), with the tiny
preset's tokenizer (token ids below 1,024 of its 151,936: the cost is the same). MFU as
nanoGPT's: model FLOPs / step time / the device's dense bf16 peak (training/flops.py);
none on CPU unless `--peak-flops` is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.train_step import _sync_time, build_model  # noqa: E402 -- after the path
from effiskel.config import load  # noqa: E402
from effiskel.training import dpo  # noqa: E402
from effiskel.training.config import TrainConfig  # noqa: E402
from effiskel.training.flops import ModelFlops, device_peak_flops, mfu  # noqa: E402
from effiskel.training.models import build_tiny, load_tokenizer  # noqa: E402
from effiskel.training.prompts import format_prompt, format_skeleton_prompt  # noqa: E402

METHODS = ("codedpo", "skeldpo")
WORDS = ["for", "in", "range", "if", "else", "return", "total", "count", "value", "sorted", "len",
         "sum", "max", "min", "print", "input", "split", "list", "dict", "set", "while", "and"]


def synthetic_pairs(n: int, tok, lengths: dict[str, int], seed: int = 0) -> list[dict]:
    """n SkelDPO examples (texts) whose parts have about `lengths` tokens each (±50 %)."""
    rng = np.random.default_rng(seed)

    def text(tokens: int) -> str:
        words = " ".join(rng.choice(WORDS, size=2 * tokens))
        ids = tok(words, add_special_tokens=False)["input_ids"]
        return tok.decode(ids[: max(4, int(tokens * rng.uniform(0.5, 1.5)))])

    out = []
    for _ in range(n):
        task = text(lengths["prompt"])
        out.append({
            "prompt": format_prompt(task), "chosen": text(lengths["code"]),
            "rejected": text(lengths["slow"]),
            "skel_prompt": format_skeleton_prompt(task), "skel_chosen": text(lengths["skeleton"]),
            "skel_rejected": text(lengths["inefficiency"]),
        })
    return out


def step_flops(flops: ModelFlops, batch: dict, prefix: str = "") -> float:
    """Model FLOPs of the DPO step over one collated pair batch: policy forward and backward
    over its rows, the reference's forward (half of that)."""
    lengths = batch[prefix + "attention_mask"].sum(1).tolist()
    targets = int(batch[prefix + "completion_mask"][:, 1:].sum())
    return 1.5 * flops.rows(lengths, targets)


def make_trainer(method: str, args, tiny_dir: Path, examples: list[dict], device, dtype):
    cfg = load(TrainConfig, None, [
        f"method={method}", "scaling.num_workers=1", f"lora.rank={args.lora_rank}",
        f"lora.alpha={2 * args.lora_rank}", "lora.dropout=0.0",
        f"optim.global_batch_size={args.global_batch}", f"optim.micro_batch_size={args.micro_batch}",
        f"data.max_length={args.max_length}",
    ])
    targs = dpo.dpo_args(cfg, ROOT / "build" / "bench-dpo" / method, bf16=dtype == torch.bfloat16,
                         save_strategy="no", use_cpu=device.type == "cpu")
    if method == "codedpo":
        examples = [{k: e[k] for k in ("prompt", "chosen", "rejected")} for e in examples]
    base = build_model(args.model, str(device), dtype, args.layers) if args.model != "tiny" else None
    trainer = dpo.build_trainer(cfg, "efficiency", examples, tiny_dir, targs, model=base)
    trainer.model.to(device)
    # What Trainer.train sets before its first training_step, which this script calls itself.
    trainer.current_gradient_accumulation_steps = targs.gradient_accumulation_steps
    params = [p for p in trainer.model.parameters() if p.requires_grad]
    return trainer, torch.optim.AdamW(params, lr=1e-5, fused=device.type == "cuda")


def one_step(trainer, optimizer, idx: list[int], args, device, flops: ModelFlops, method) -> dict:
    """One optimizer step over the pairs `idx` (micro-batches of `args.micro_batch`), timed."""
    rows = [trainer.train_dataset[i] for i in idx]
    t0 = _sync_time(device)
    total = 0.0
    for k in range(0, len(rows), args.micro_batch):
        batch = trainer.data_collator(rows[k : k + args.micro_batch])
        batch = {key: v.to(device) for key, v in batch.items()}
        trainer.training_step(trainer.model, batch)
        total += step_flops(flops, batch)
        if method == "skeldpo":
            total += step_flops(flops, batch, dpo.SKEL)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return {"time": _sync_time(device) - t0, "flops": total}


def measure(trainers: dict, args, device, peak) -> dict[str, dict]:
    n = len(next(iter(trainers.values()))[0].train_dataset)
    steps = [list(range(i, i + args.global_batch)) for i in range(0, n - args.global_batch + 1,
                                                                  args.global_batch)]
    runs = {m: [] for m in trainers}
    for k in range(args.warmup + args.steps):
        for method, (trainer, optimizer, flops) in trainers.items():
            r = one_step(trainer, optimizer, steps[k % len(steps)], args, device, flops, method)
            if k >= args.warmup:
                runs[method].append(r)
    out = {}
    for method, rs in runs.items():
        t = float(np.median([r["time"] for r in rs]))
        out[method] = {
            "step_s": t,
            "ms_per_pair": 1000 * t / args.global_batch,
            "flops_per_pair": float(np.mean([r["flops"] for r in rs])) / args.global_batch,
            "mfu": None if peak is None else float(
                np.median([mfu(r["flops"], r["time"], peak) for r in rs])),
        }
    return out


def flops_only(args, tiny_dir: Path, examples) -> None:
    """The FLOP ratio of the full architecture, counted on the pairs' token lengths."""
    base = build_model(args.model, "meta", torch.float32, args.layers)
    flops = ModelFlops.of(base)
    tok = load_tokenizer(tiny_dir)
    code = skel = 0.0
    for e in examples:
        for part, prefix in ((("prompt", "chosen", "rejected"), ""),
                             (("skel_prompt", "skel_chosen", "skel_rejected"), "skel")):
            p, c, r = (len(tok(e[k])["input_ids"]) for k in part)
            f = 1.5 * flops.rows([p + c, p + r], c + r)
            if prefix:
                skel += f
            else:
                code += f
    print(f"\n{args.model}: model FLOPs per pair, CodeDPO* {code / len(examples) / 1e12:.3f} "
          f"TFLOP, SkelDPO {(code + skel) / len(examples) / 1e12:.3f} TFLOP")
    print(f"skeldpo / codedpo model FLOPs per pair: {(code + skel) / code:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="tiny",
                    help="tiny | qwen2.5-coder-1.5b (random init, built in code)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--layers", type=int, default=None, help="override the layer count")
    ap.add_argument("--global-batch", type=int, default=8, help="pairs per optimizer step")
    ap.add_argument("--micro-batch", type=int, default=4, help="pairs per forward pass")
    ap.add_argument("--prompt-len", type=int, default=400, help="mean task-text tokens")
    ap.add_argument("--code-len", type=int, default=200, help="mean fast-code tokens")
    ap.add_argument("--slow-len", type=int, default=260, help="mean slow-code tokens")
    ap.add_argument("--skeleton-len", type=int, default=160, help="mean efficiency-skeleton tokens")
    ap.add_argument("--inefficiency-len", type=int, default=120,
                    help="mean inefficiency-skeleton tokens")
    ap.add_argument("--max-length", type=int, default=1600)
    ap.add_argument("--steps", type=int, default=6, help="timed optimizer steps per method")
    ap.add_argument("--warmup", type=int, default=2, help="untimed optimizer steps per method")
    ap.add_argument("--lora-rank", type=int, default=16)
    ap.add_argument("--peak-flops", type=float, default=None,
                    help="device peak FLOP/s for MFU (default: the device's bf16 peak, if known)")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    ap.add_argument("--flops-only", action="store_true",
                    help="no timing: the FLOP ratio of the full architecture")
    args = ap.parse_args()
    device = torch.device(args.device)
    if device.type == "cpu":
        torch.set_num_threads(args.threads)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    lengths = {"prompt": args.prompt_len, "code": args.code_len, "slow": args.slow_len,
               "skeleton": args.skeleton_len, "inefficiency": args.inefficiency_len}

    tiny_dir = ROOT / "build" / "bench-dpo" / "tiny"
    if not (tiny_dir / "config.json").is_file():  # the tokenizer (and the tiny model)
        build_tiny([" ".join(WORDS)] * 4, tiny_dir, vocab_size=1024)
    examples = synthetic_pairs(args.global_batch * 3, load_tokenizer(tiny_dir), lengths)
    if args.flops_only:
        return flops_only(args, tiny_dir, examples)

    trainers = {}
    for method in METHODS:
        trainer, optimizer = make_trainer(method, args, tiny_dir, examples, device, dtype)
        flops = ModelFlops.of(trainer.model.get_base_model())
        trainers[method] = (trainer, optimizer, flops)
    peak = args.peak_flops or device_peak_flops(device, dtype)
    rows = measure(trainers, args, device, peak)

    name = args.model + (f" ({args.layers} layers)" if args.layers else "")
    where = torch.cuda.get_device_name() if device.type == "cuda" else "CPU"
    print(f"\n{name} on {device.type} ({where}), {str(dtype).removeprefix('torch.')}, LoRA "
          f"r={args.lora_rank}, global batch {args.global_batch} pairs, micro-batch "
          f"{args.micro_batch}, lengths N~{args.prompt_len} C~{args.code_len} "
          f"slow~{args.slow_len} S~{args.skeleton_len} inefficiency S~{args.inefficiency_len}")
    print(f"{'method':<8} {'step s':>8} {'ms/pair':>9} {'cost x':>7} {'FLOPs x':>8} "
          f"{'TFLOP/s':>8} {'MFU':>7}")
    ref = rows["codedpo"]
    for method, r in rows.items():
        print(f"{method:<8} {r['step_s']:>8.3f} {r['ms_per_pair']:>9.2f} "
              f"{r['ms_per_pair'] / ref['ms_per_pair']:>6.2f}x "
              f"{r['flops_per_pair'] / ref['flops_per_pair']:>7.2f}x "
              f"{r['flops_per_pair'] / r['ms_per_pair'] / 1e9:>8.3f} {_percent(r['mfu']):>7}")
    cost = rows["skeldpo"]["ms_per_pair"] / ref["ms_per_pair"]
    ratio = rows["skeldpo"]["flops_per_pair"] / ref["flops_per_pair"]
    print(f"skeldpo / codedpo cost per pair: {cost:.2f}x measured, {ratio:.2f}x in model FLOPs: "
          f"measured / FLOP ratio {cost / ratio:.2f} (target <= 1.15); MFU "
          f"{_percent(rows['skeldpo']['mfu'])}")


def _percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


if __name__ == "__main__":
    main()
