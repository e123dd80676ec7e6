"""effiskel/generation.py without Ray: program extraction on many completion shapes, prompts,
seeds, methods, and sampling from a real tiny model with a real PEFT adapter."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from effiskel.generation import (
    Generation,
    HFSampler,
    Method,
    SamplingConfig,
    extract_program,
    first_prompt,
    llm4effi_code_prompt,
    resolve_methods,
    sample_seed,
    sample_tasks,
    stop_token_ids,
)
from effiskel.schema import SAMPLES, to_table
from effiskel.training.prompts import format_prompt


def d(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# ----------------------------------------------------------------------------- extraction
SQUARE = "n = int(input())\nprint(n * n)\n"


def test_python_fence_is_the_program():
    ex = extract_program(f"Here it is:\n```python\n{SQUARE}```\nIt runs in O(1).", "stdio", None)
    assert ex == (SQUARE, "ok", None)


def test_untagged_fence_and_tilde_fence():
    assert extract_program(f"```\n{SQUARE}```", "stdio", None).code == SQUARE
    assert extract_program(f"~~~py\n{SQUARE}~~~\n", "stdio", None).code == SQUARE


def test_several_fences_the_last_usable_one_wins():
    naive = "def f(xs):\n    return sorted(xs)[0]\n"
    fast = "def f(xs):\n    return min(xs)\n"
    text = (f"A first version:\n```python\n{naive}```\nA faster one:\n```python\n{fast}```\n"
            "Usage:\n```python\nprint(f([3, 1]))\n```\n")
    # The usage block does not define f: the last block that does is the answer.
    assert extract_program(text, "call", "f").code == fast


def test_python_tagged_blocks_beat_untagged_and_other_languages():
    text = (f"Input:\n```\n3\n```\n```bash\npython sol.py < in.txt\n```\n"
            f"```python\n{SQUARE}```\nOutput:\n```\n9\n```")
    assert extract_program(text, "stdio", None).code == SQUARE


def test_stdio_prefers_a_block_that_reads_stdin():
    helper = "def square(n):\n    return n * n\n"
    text = f"```python\n{SQUARE}```\nand a helper:\n```python\n{helper}```"
    assert extract_program(text, "stdio", None).code == SQUARE


def test_example_input_alone_is_not_a_program():
    ex = extract_program("```\n3\n```", "stdio", None)
    assert ex.status == "no_program" and ex.reason.startswith("no-statements: ")


def test_only_other_languages():
    ex = extract_program("```cpp\nint main() { return 0; }\n```", "stdio", None)
    assert ex.status == "no_program" and ex.reason.startswith("other-language: ")
    assert "(cpp)" in ex.reason


def test_prose_only():
    ex = extract_program("I am sorry, but I cannot solve this task in time.", "stdio", None)
    assert ex.code is None and ex.status == "no_program"
    assert ex.reason == "no-code: no code block and no Python code in the completion"


def test_empty_completion():
    assert extract_program("", "stdio", None).reason == "empty: the completion is empty"
    assert extract_program(None, "call", "f").status == "no_program"


def test_plain_code_whole_completion():
    assert extract_program(SQUARE, "stdio", None) == (SQUARE, "ok", None)


def test_plain_code_between_prose():
    text = d("""
        Read the number and square it.
        n = int(input())
        print(n * n)
        This is O(1) time.
        """)
    assert extract_program(text, "stdio", None).code == SQUARE


def test_plain_code_with_indented_blocks_and_prose_after():
    code = d("""
        def f(xs):
            best = xs[0]
            for x in xs:
                if x < best:
                    best = x
            return best
        """)
    text = f"The answer:\n{code}\nEach element is visited once, so it is linear."
    assert extract_program(text, "call", "f").code == code


def test_truncated_fence_at_max_tokens_that_does_not_parse():
    text = "```python\ndef f(xs):\n    return min(xs"
    ex = extract_program(text, "call", "f", finish_reason="length")
    assert ex.status == "no_program"
    assert ex.reason.startswith("truncated: the completion stopped at max_new_tokens")
    assert "raise sampling.max_new_tokens" in ex.reason


def test_truncated_fence_that_parses_is_kept_with_a_note():
    text = "```python\ndef f(xs):\n    return min(xs)\n"
    ex = extract_program(text, "call", "f", finish_reason="length")
    assert ex.status == "ok" and ex.code == "def f(xs):\n    return min(xs)\n"
    assert ex.reason.startswith("truncated-block: ") and "may be incomplete" in ex.reason


def test_unclosed_fence_when_the_model_stopped_is_just_a_block():
    ex = extract_program(f"```python\n{SQUARE}", "stdio", None, finish_reason="stop")
    assert ex == (SQUARE, "ok", None)


def test_def_missing_the_entry_point():
    ex = extract_program("```python\ndef g(x):\n    return x\n```", "call", "f")
    assert ex.status == "no_program" and ex.reason.startswith("no-entry-point: ")
    assert "'f'" in ex.reason


def test_method_entry_point_needs_the_class_and_its_method():
    ok = "class Solution:\n    def twoSum(self, nums, target):\n        return [0, 1]\n"
    assert extract_program(ok, "call", "Solution.twoSum").status == "ok"
    other = ok.replace("twoSum", "threeSum")
    ex = extract_program(other, "call", "Solution.twoSum")
    assert ex.status == "no_program" and "Solution.twoSum" in ex.reason


def test_syntax_error():
    ex = extract_program("```python\ndef f(x)\n    return x\n```", "call", "f")
    assert ex.status == "no_program"
    assert ex.reason.startswith("syntax-error: SyntaxError at line 1")


def test_several_blocks_none_usable_says_so():
    text = "```python\ndef f(:\n```\n```python\ndef g(x):\n    return x\n```"
    ex = extract_program(text, "call", "f")
    assert ex.status == "no_program" and "(of 2 code blocks, none usable)" in ex.reason
    assert ex.reason.startswith("no-entry-point: ")  # the last block's failure


def test_call_mode_drops_test_code_at_module_level():
    code = d("""
        import sys
        sys.setrecursionlimit(10000)

        def f(n):
            return n * 2

        assert f(2) == 4
        print(f(3))
        if __name__ == "__main__":
            print(f(int(input())))
        """)
    ex = extract_program(f"```python\n{code}```", "call", "f")
    assert ex.status == "ok"
    assert ex.code == "import sys\nsys.setrecursionlimit(10000)\n\ndef f(n):\n    return n * 2\n"
    assert ex.reason.startswith("test-code-dropped: ")
    assert "assert" in ex.reason and "print" in ex.reason and "__main__" in ex.reason


def test_call_mode_drops_calls_of_the_method_on_an_instance():
    code = "class Solution:\n    def f(self, n):\n        return n\n\nprint(Solution().f(3))\n"
    ex = extract_program(code, "call", "Solution.f")
    assert ex.code == "class Solution:\n    def f(self, n):\n        return n\n"


def test_stdio_keeps_the_whole_program():
    code = "def main():\n    print(int(input()) ** 2)\n\nif __name__ == '__main__':\n    main()\n"
    assert extract_program(code, "stdio", None) == (code, "ok", None)


def test_indented_fence_is_dedented():
    text = "1. The code:\n\n   ```python\n   n = int(input())\n   print(n * n)\n   ```\n"
    assert extract_program(text, "stdio", None).code == SQUARE


def test_garbage_is_bounded_and_has_a_reason():
    import random

    rng = random.Random(0)
    words = ["def", "x", "=", "(", ")", ":", "for", "if", "print(", "\n", "  ", "1", "'"]
    text = " ".join(rng.choice(words) for _ in range(3000))
    ex = extract_program(text, "call", "f")
    assert ex.status in ("ok", "no_program") and (ex.reason or ex.code)


# ----------------------------------------------------------------------------- prompts, seeds
def test_prompts_are_the_training_prompt():
    assert first_prompt("run", "Sum two numbers.") == format_prompt("Sum two numbers.")
    assert first_prompt("instruct", "Sum two numbers.") == format_prompt("Sum two numbers.")
    plan = first_prompt("llm4effi", "Sum two numbers.")
    assert plan.startswith("### Task\nSum two numbers.\n\n") and "Do not write code" in plan
    code = llm4effi_code_prompt("Sum two numbers.", "Use a + b: O(1).")
    assert "### Algorithm\nUse a + b: O(1).\n\n" in code and code.endswith("### Response\n")


def test_seeds_are_per_sample_and_shared_by_methods():
    seeds = {sample_seed(0, t, j) for t in ("a", "b") for j in range(50)}
    assert len(seeds) == 100 and all(0 <= s < 2**31 for s in seeds)
    assert sample_seed(0, "a", 3) == sample_seed(0, "a", 3) != sample_seed(1, "a", 3)
    assert sample_seed(0, "a", 3, "plan") != sample_seed(0, "a", 3)


def test_sampling_config_checks():
    with pytest.raises(ValueError, match="temperature"):
        SamplingConfig(temperature=0)
    with pytest.raises(ValueError, match="top_p"):
        SamplingConfig(top_p=1.5)
    with pytest.raises(ValueError, match="at least 1"):
        SamplingConfig(n=0)


# ----------------------------------------------------------------------------- tiny model
TASKS = [
    {"task_id": "t/square", "source": "test", "prompt": "Read n and print n squared.",
     "mode": "stdio", "entry_point": None, "status": "ok", "reason": None},
    {"task_id": "t/minimum", "source": "test", "prompt": "Return the smallest element of xs.",
     "mode": "call", "entry_point": "smallest", "status": "ok", "reason": None},
    {"task_id": "t/broken", "source": "test", "prompt": None, "mode": "stdio",
     "entry_point": None, "status": "error", "reason": "bad_json: input_output.json is cut"},
]
TEXTS = [format_prompt(t["prompt"]) + code for t, code in
         [(TASKS[0], SQUARE), (TASKS[1], "def smallest(xs):\n    return min(xs)\n")]] * 30


def make_tiny_run(root: Path, texts: list[str], run_name: str = "effiskel-tas") -> dict:
    """A tiny base model (`<root>/tiny_model-test`, as `effiskel train` lays it out) and a
    trained-run directory `<root>/<run_name>` holding a real LoRA adapter on it, with random
    weights so that it changes what the model samples, and the tokenizer beside it."""
    import shutil

    import torch
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM

    from effiskel.training.models import build_tiny, load_tokenizer, lora_config

    shutil.rmtree(root, ignore_errors=True)
    base = build_tiny(texts, root / "tiny_model-test", vocab_size=512, seed=0)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(base),
                           lora_config(8, 16, 0.0, ["all-linear"]))
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.5)
    run = root / run_name
    model.save_pretrained(run / "adapter")
    load_tokenizer(base).save_pretrained(run / "adapter")
    return {"base": str(base.resolve()), "run": run}


@pytest.fixture(scope="module")
def tiny(build_dir) -> dict:
    return make_tiny_run(build_dir / "tmp" / "generation-tiny", TEXTS)


def test_methods_from_a_run_directory(tiny):
    run = tiny["run"]
    methods = resolve_methods([str(run), "instruct", "llm4effi", f"other={run}/adapter"], None)
    assert [m.name for m in methods] == ["effiskel-tas", "other", "instruct", "llm4effi"]
    assert methods[0] == Method("effiskel-tas", "run", tiny["base"], str((run / "adapter").resolve()))
    assert methods[2] == Method("instruct", "instruct", tiny["base"])


def test_method_errors_name_the_input(tiny, work_dir):
    with pytest.raises(ValueError, match="holds no adapter/adapter_config.json"):
        resolve_methods([str(work_dir)], None)
    with pytest.raises(ValueError, match="instruct needs a base model.*no trained run"):
        resolve_methods(["instruct"], None)
    with pytest.raises(ValueError, match="two methods are named effiskel-tas"):
        resolve_methods([str(tiny["run"]), str(tiny["run"] / "adapter")], None)
    moved = work_dir / "moved"
    (moved / "adapter").mkdir(parents=True)
    cfg = json.loads((tiny["run"] / "adapter" / "adapter_config.json").read_text())
    cfg["base_model_name_or_path"] = str(work_dir / "gone")
    (moved / "adapter" / "adapter_config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match="base model of .*is not a directory.*named in"):
        resolve_methods([str(moved)], None)


@pytest.fixture(scope="module")
def sampler(tiny) -> HFSampler:
    return HFSampler(tiny["base"], {"effiskel": str(tiny["run"] / "adapter")}, "cpu",
                     batch_size=4, threads=1)


SMALL = SamplingConfig(n=2, max_new_tokens=12)


def test_same_seed_same_completion_other_seed_another(sampler):
    prompts = [format_prompt(TASKS[0]["prompt"])] * 3
    a = sampler.generate(prompts, [11, 12, 11], None, SMALL)
    b = sampler.generate(prompts, [11, 12, 11], None, SMALL)
    assert a == b  # rerun
    assert a[0] == a[2] != a[1]  # the same seed in one batch, another seed
    alone = sampler.generate(prompts[:1], [11], None, SMALL)
    assert alone[0] == a[0]  # a sample does not depend on its batch-mates' RNG draws


def test_adapter_changes_the_samples(sampler):
    prompts = [format_prompt(t["prompt"]) for t in TASKS[:2]] * 2
    seeds = [1, 2, 3, 4]
    base = sampler.generate(prompts, seeds, None, SMALL)
    tuned = sampler.generate(prompts, seeds, "effiskel", SMALL)
    assert all(b.error is None and t.error is None for b, t in zip(base, tuned))
    assert [b.text for b in base] != [t.text for t in tuned]
    # The adapter is off again afterwards.
    assert sampler.generate(prompts, seeds, None, SMALL) == base


def test_finish_reason_and_token_counts(sampler, tiny):
    stops = stop_token_ids(tiny["base"], sampler.tokenizer)
    gens = sampler.generate([format_prompt("x")] * 8, list(range(8)), None, SMALL)
    for g in gens:
        assert g.finish_reason in ("stop", "length")
        assert 1 <= g.n_tokens <= SMALL.max_new_tokens
        if g.finish_reason == "length":
            assert g.n_tokens == SMALL.max_new_tokens
    ids = sampler.tokenizer(format_prompt("x"))["input_ids"]
    assert sampler.tokenizer.eos_token_id in stops and stops  # EOS ends a completion
    assert len(ids) > 0


def test_a_prompt_longer_than_the_context_is_an_error_row(sampler):
    huge = SamplingConfig(n=1, max_new_tokens=sampler.max_positions)
    (g,) = sampler.generate([format_prompt("x")], [0], None, huge)
    assert g.error.startswith("prompt-too-long: ") and "exceeds the model's" in g.error


def test_sample_tasks_rows(sampler, tiny):
    methods = resolve_methods([str(tiny["run"]), "instruct", "llm4effi"], None)
    for m in methods:
        adapter = "effiskel" if m.kind == "run" else None
        rows = sample_tasks(sampler.bind(adapter, SMALL), TASKS, m, SMALL)
        to_table(rows, SAMPLES)  # fits the schema
        assert [(r["task_id"], r["sample_id"]) for r in rows] == [
            (t["task_id"], j) for t in TASKS for j in range(2)]
        assert all(r["method"] == m.name and r["model"] == tiny["base"] for r in rows)
        ok = [r for r in rows if r["task_id"] != "t/broken"]
        assert len({r["seed"] for r in ok}) == len(ok)
        for r in ok:
            assert r["status"] in ("ok", "no_program") and r["finish_reason"] in ("stop", "length")
            assert r["n_tokens"] >= 1 and r["completion"] is not None
            assert (r["code"] is None) == (r["status"] != "ok")
            assert r["status"] == "ok" or r["reason"]  # an unusable completion says why
        broken = [r for r in rows if r["task_id"] == "t/broken"]
        assert [r["status"] for r in broken] == ["skipped", "skipped"]
        assert all(r["reason"] == "task-unusable: bad_json: input_output.json is cut"
                   for r in broken)
        if m.kind == "llm4effi":
            assert all(r["plan"] is not None and r["plan_tokens"] >= 1 for r in ok)
            assert all("### Algorithm\n" in r["prompt"] for r in ok)
        else:
            assert all(r["prompt"] == format_prompt(TASKS[0 if r["mode"] == "stdio" else 1]
                                                    ["prompt"]) for r in ok)
            assert all(r["plan"] is None for r in rows)
        assert (rows[0]["adapter"] is not None) == (m.kind == "run")


def test_generation_errors_become_rows(tiny):
    m = Method("instruct", "instruct", tiny["base"])

    def failing(prompts, seeds):
        return [Generation("", None, 0, "vLLM failed on this prompt: boom") for _ in prompts]

    rows = sample_tasks(failing, TASKS[:1], m, SMALL)
    assert [r["status"] for r in rows] == ["error", "error"] and "boom" in rows[0]["reason"]
    plan_rows = sample_tasks(failing, TASKS[:1], Method("llm4effi", "llm4effi", tiny["base"]),
                             SMALL)
    assert [r["status"] for r in plan_rows] == ["error", "error"]


def test_stop_tokens_include_the_generation_config(tiny):
    import shutil

    from effiskel.training.models import load_tokenizer

    d = Path(tiny["base"]).parent / "with-genconfig"
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(tiny["base"], d)
    (d / "generation_config.json").write_text(json.dumps({"eos_token_id": [0, 7]}))
    assert stop_token_ids(d, load_tokenizer(d)) == [0, 7]


def test_seeded_sampling_draws_from_the_top_p_distribution_at_the_temperature():
    """10,000 draws: frequencies match softmax(logits / T) renormalised over the
    top-p set, and no token outside it is ever drawn."""
    import torch

    from effiskel.generation import seeded_sampling

    logits = torch.tensor([[2.0, 1.5, 1.0, 0.0, -1.0, -3.0]])
    temperature, top_p = 0.8, 0.9
    probs = torch.softmax(logits[0] / temperature, -1)
    # The smallest prefix (by probability) reaching top_p: here the first three tokens
    # (.52 + .28 + .15).
    keep = int((probs.cumsum(-1) - probs < top_p).sum())
    expected = torch.zeros_like(probs)
    expected[:keep] = probs[:keep] / probs[:keep].sum()
    rows = 250  # 250 rows, each with its own generator, 40 steps: 10,000 draws
    proc = seeded_sampling([torch.Generator().manual_seed(i) for i in range(rows)],
                           temperature, top_p)
    counts = torch.zeros(6)
    for _ in range(40):
        out = proc(None, logits.expand(rows, -1))
        assert ((out == 0).sum(-1) == 1).all() and (torch.isinf(out).sum(-1) == 5).all()
        counts += torch.bincount(out.argmax(-1), minlength=6)
    freq = counts / counts.sum()
    assert keep == 3 and counts[keep:].sum() == 0
    assert torch.allclose(freq, expected, atol=0.02), (freq, expected)  # 4 sd
