"""Sampling programs from a model: methods, prompts, seeds, program extraction, two backends.

A *method* is what a sample comes from: a trained run (its base model with its
PEFT adapter), `instruct` (the base model, no adapter) or `llm4effi` (the base
model, prompting only, in two passes: first explore algorithms and their
complexity, then write the implementation). Every method sees the prompt
training uses (`training.prompts.format_prompt`), so the adapter is the only
difference between a run and `instruct`.

Sampling is the paper's (temperature 0.8, top_p 0.95) and nothing else: no
repetition penalty or top-k from a model's generation_config. Each sample has a
seed derived from (seed, task_id, sample_id) only, so every method gets the
same seeds (paired samples) and a rerun reproduces a sample.

- hf: `HFSampler`, transformers `generate`, batched and left-padded. Sampling
  is done by `SeededSampling`: Gumbel-max with one torch.Generator per row,
  which draws exactly from the top-p distribution at the temperature, and
  makes a completion a function of its own seed rather than of the RNG state
  the rows of its batch share (what `do_sample=True` would do).
- vllm: rows for Ray Data LLM (`vllm_requests`, `vllm_processor_config`,
  `vllm_sample_row`); one output per row, so each sample is its own row with
  its own seed; adapters are dynamic LoRA requests.

The program is then extracted from the completion (`extract_program`); a
completion without a usable program is a row with status "no_program" and the
reason, never dropped. torch, transformers, peft and Ray are imported inside
the functions that use them.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from effiskel.schema import SAMPLES, empty_row
from effiskel.tasks.reasons import reason
from effiskel.training.prompts import format_prompt

PROMPT_ONLY = ("instruct", "llm4effi")

# Reason kinds of samples rows ("<kind>: <detail>", as effiskel/tasks/reasons.py; the
# summary counts rows by kind). no_program rows:
EMPTY = "empty"  # the completion is empty
NO_CODE = "no-code"  # neither a code block nor Python code
OTHER_LANGUAGE = "other-language"  # code blocks, none of them Python
NO_STATEMENTS = "no-statements"  # only literals or names (an example input)
SYNTAX_ERROR = "syntax-error"
TRUNCATED = "truncated"  # cut at max_new_tokens inside its code block, does not parse
NO_ENTRY_POINT = "no-entry-point"  # call mode: the function the tests call is not defined
# Notes on ok rows (what was done to the program, or how it was made):
TEST_CODE_DROPPED = "test-code-dropped"
TRUNCATED_BLOCK = "truncated-block"  # cut inside its code block, but parses
TRUNCATED_PLAN = "truncated-plan"  # llm4effi's first pass hit max_new_tokens
# error and skipped rows:
PROMPT_TOO_LONG = "prompt-too-long"
OUT_OF_MEMORY = "out-of-memory"
GENERATION_FAILED = "generation-failed"  # the backend raised on this prompt
TASK_UNUSABLE = "task-unusable"  # the task row itself has an error status or no prompt


@dataclass
class SamplingConfig:
    """How each sample is drawn (PAPER_NOTES, Evaluation)."""

    n: int = 10
    """Samples per task and method."""
    temperature: float = 0.8
    """Softmax temperature (the paper's 0.8)."""
    top_p: float = 0.95
    """Nucleus sampling: the smallest set of tokens whose probability reaches top_p (the
    paper's 0.95)."""
    max_new_tokens: int = 1024
    """Most tokens generated per completion (each llm4effi pass has this limit); a completion
    cut there has finish_reason "length"."""
    seed: int = 0
    """Base of every sample's seed: sample j of task t has seed hash(seed, t, j), the same for
    every method."""

    def __post_init__(self) -> None:
        if self.n < 1 or self.max_new_tokens < 1:
            raise ValueError(f"sampling.n ({self.n}) and sampling.max_new_tokens "
                             f"({self.max_new_tokens}) must be at least 1")
        if not self.temperature > 0:
            raise ValueError(f"sampling.temperature must be > 0, not {self.temperature} "
                             "(sampling needs a temperature; the paper uses 0.8)")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"sampling.top_p must be in (0, 1], not {self.top_p}")


@dataclass
class VllmConfig:
    """The vllm backend's engine (Ray Data LLM, `effiskel[vllm]`, GPU only)."""

    batch_size: int = 64
    """Rows per batch sent to an engine."""
    concurrency: int = 1
    """vLLM engines (data parallel), each on tensor_parallel_size GPUs."""
    tensor_parallel_size: int = 1
    """GPUs per engine."""
    gpu_memory_utilization: float = 0.9
    """Fraction of a GPU's memory vLLM may take (weights and KV cache)."""
    max_model_len: int | None = None
    """Context length of the engine; default: the model's."""
    engine_kwargs: dict = field(default_factory=dict)
    """More vLLM engine arguments, merged last (e.g. enforce_eager: true)."""


# ----------------------------------------------------------------------------- methods
@dataclass(frozen=True)
class Method:
    """One source of samples."""

    name: str
    kind: str  # "run" (base + adapter), "instruct" or "llm4effi"
    base: str  # absolute path of the base model directory
    adapter: str | None = None  # absolute path of the PEFT adapter directory

    def describe(self) -> dict:
        """What identifies the method's samples: a retrained adapter at the same path is
        another method (its weights' hash), a base model is its path."""
        d = {"name": self.name, "kind": self.kind, "base": self.base, "adapter": self.adapter}
        if self.adapter:
            d["adapter_sha256"] = _adapter_hash(Path(self.adapter))
        return d


_NAMED = re.compile(r"^(?P<name>[A-Za-z0-9_.+-]+)=(?P<path>.+)$")


def resolve_methods(specs: Sequence[str], model: str | None) -> list[Method]:
    """Methods from their specs: `instruct`, `llm4effi`, a trained run's directory
    (`<output_dir>/<run_name>`, named after it), its adapter directory, or `NAME=PATH`.

    A run's base model is the one its adapter names (adapter_config.json's
    base_model_name_or_path). `instruct` and `llm4effi` sample from `model`, by default
    the base model of the runs when they share one. Raises ValueError naming the spec.
    """
    if not specs:
        raise ValueError("no methods: list at least one (a trained run's directory, "
                         "instruct or llm4effi)")
    runs, prompt_only = [], []
    for spec in specs:
        if spec in PROMPT_ONLY:
            prompt_only.append(spec)
            continue
        m = _NAMED.match(spec)
        name, path = (m["name"], m["path"]) if m else (None, spec)
        runs.append(_run_method(spec, name, Path(path)))
    methods = list(runs)
    if prompt_only:
        bases = sorted({r.base for r in runs})
        if model:
            base = _base_dir(model, "model")
        elif len(bases) == 1:
            base = bases[0]
        else:
            why = (f"the runs have {len(bases)} base models ({', '.join(bases)})" if bases
                   else "there is no trained run to take it from")
            verb = "needs" if len(prompt_only) == 1 else "need"
            raise ValueError(f"{' and '.join(prompt_only)} {verb} a base model and {why}: "
                             "give --model (a local Hugging Face model directory)")
        methods += [Method(k, k, base) for k in prompt_only]
    names = [m.name for m in methods]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"two methods are named {', '.join(dup)}: name them apart with "
                         "NAME=PATH (e.g. effiskel-a=out/a/effiskel-tas)")
    return methods


def _run_method(spec: str, name: str | None, path: Path) -> Method:
    if (path / "adapter_config.json").is_file():
        adapter = path
        default = path.parent.name if path.name == "adapter" else path.name
    elif (path / "adapter" / "adapter_config.json").is_file():
        adapter, default = path / "adapter", path.name
    else:
        raise ValueError(
            f"method {spec!r} is not instruct, llm4effi or a trained run: {path} holds no "
            "adapter/adapter_config.json (a run's directory is <output_dir>/<run_name>, "
            "which `effiskel train` prints)")
    try:
        config = json.loads((adapter / "adapter_config.json").read_text())
        base = config["base_model_name_or_path"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(f"method {spec!r}: {adapter}/adapter_config.json names no base "
                         f"model (base_model_name_or_path): {e}") from None
    return Method(name or default, "run", _base_dir(base, f"the base model of {spec!r}",
                                                    adapter / "adapter_config.json"),
                  str(adapter.resolve()))


def _base_dir(path: str, what: str, named_in: Path | None = None) -> str:
    from effiskel.training.models import check_model_dir  # transformers: only when resolving

    p = Path(path)
    try:
        check_model_dir(p)
    except ValueError as e:
        where = f" (named in {named_in}: restore it, or edit base_model_name_or_path)" \
            if named_in else ""
        raise ValueError(f"{what}: {e}{where}") from None
    return str(p.resolve())


def _adapter_hash(adapter: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(adapter.glob("adapter_model.*")):
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:16]


# ----------------------------------------------------------------------------- prompts, seeds
LLM4EFFI_PLAN_INSTRUCTION = (
    "Do not write code yet. Think about how to solve the task above efficiently: list "
    "candidate algorithms and data structures with their time and space complexity, and "
    "choose the fastest correct one."
)
LLM4EFFI_CODE_INSTRUCTION = (
    "Implement the algorithm chosen above as an efficient Python solution to the task: "
    "correct, and as fast as possible, down to the implementation details (fast input and "
    "output, built-in functions, no needless copies). Reply with the code only."
)


def _sections(*sections: tuple[str, str]) -> str:
    # The layout of training/prompts.py: "### Header\ntext" blocks, then the response.
    return "".join(f"### {h}\n{t.strip()}\n\n" for h, t in sections) + "### Response\n"


def first_prompt(kind: str, task_text: str) -> str:
    """The prompt of a method's only pass (llm4effi: of its planning pass)."""
    if kind == "llm4effi":
        return _sections(("Task", task_text), ("Instruction", LLM4EFFI_PLAN_INSTRUCTION))
    return format_prompt(task_text)


def llm4effi_code_prompt(task_text: str, plan: str) -> str:
    """llm4effi's second pass: the task, the first pass's analysis, then write the code."""
    return _sections(("Task", task_text), ("Algorithm", plan or "(none)"),
                     ("Instruction", LLM4EFFI_CODE_INSTRUCTION))


def sample_seed(seed: int, task_id: str, sample_id: int, purpose: str = "code") -> int:
    """The seed of one sample (31 bits: every backend takes it). It depends on neither the
    method nor the batch, so methods are compared on the same seeds. `purpose` "plan" is
    llm4effi's first pass."""
    digest = hashlib.sha256(f"{seed}\0{task_id}\0{sample_id}\0{purpose}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


# ----------------------------------------------------------------------------- extraction
class Extracted(NamedTuple):
    code: str | None
    status: str  # "ok" | "no_program"
    reason: str | None  # why no program; for ok, what was done to it (or None)


_PYTHON_TAGS = {"", "python", "python3", "py", "py3", "pycon", "ipython"}
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)")
# Lines that can start a program written without a fence, at column 0.
_CODE_START = re.compile(
    r"^(def |async def |class |import |from [\w.]+ import |@|if |for |while |with |try:|"
    r"print\(|[A-Za-z_][\w.]*(\[.*\])?(\s*,\s*[A-Za-z_]\w*)*\s*[-+*/%|&^]?=[^=]|"
    r"[A-Za-z_][\w.]*\()")
_MAX_PARSES = 400  # plain-text search: enough for any real completion, bounded for garbage


def extract_program(completion: str | None, mode: str, entry_point: str | None,
                    finish_reason: str | None = None) -> Extracted:
    """The program in a completion: a fenced block, or plain code.

    Candidates are the fenced blocks tagged Python (or untagged, when none is tagged); with
    no fence, the completion itself if it parses, else its longest stretches that parse.
    A candidate must parse and do something (not only a literal or a name). Call mode
    (`entry_point` "f" or "Cls.method") needs the entry point defined at module level;
    stdio prefers a candidate that reads stdin. Of those left, the last wins: a model
    that revises its answer writes the final one last.

    Call mode drops test code at module level (an `if __name__ == "__main__":` block,
    asserts, print and entry-point calls): the sandbox runs the module as `__main__`
    with an empty stdin, where such code would fail a correct function. The reason
    of an ok row says what was dropped, or that a truncated block was used.
    """
    text = (completion or "").replace("\r\n", "\n")
    if not text.strip():
        return Extracted(None, "no_program", reason(EMPTY, "the completion is empty"))
    blocks = _fenced_blocks(text)
    if blocks:
        python = [b for b in blocks if b[0].lower() in _PYTHON_TAGS - {""}]
        untagged = [b for b in blocks if b[0] == ""]
        chosen = python or untagged
        if not chosen:
            langs = ", ".join(sorted({b[0] for b in blocks}))
            return Extracted(None, "no_program", reason(
                OTHER_LANGUAGE, f"the completion's code blocks are in other languages ({langs})"))
        candidates = [(code, closed) for _, code, closed in chosen]
        what = f"{len(candidates)} code block{'s' * (len(candidates) > 1)}"
    else:
        candidates = [(c, True) for c in _plain_code(text)]
        what = "plain code"
        if not candidates:
            return Extracted(None, "no_program", reason(
                NO_CODE, "no code block and no Python code in the completion"))
    return _choose(candidates, what, mode, entry_point, finish_reason)


def _fenced_blocks(text: str) -> list[tuple[str, str, bool]]:
    """(tag, code, closed) of every fenced block; an unclosed last one runs to the end."""
    blocks, lines = [], text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, tag, indent = m[1], m[2], len(lines[i]) - len(lines[i].lstrip())
        body, j, closed = [], i + 1, False
        while j < len(lines):
            if lines[j].strip().startswith(fence[0] * 3) and lines[j].strip().strip(fence[0]) == "":
                closed = True
                break
            body.append(lines[j][indent:] if lines[j][:indent].isspace() else lines[j])
            j += 1
        blocks.append((tag, "\n".join(body).strip("\n") + "\n", closed))
        i = j + 1
    return blocks


def _plain_code(text: str) -> list[str]:
    """The completion if it is a program, else its maximal stretches of lines that parse
    (starting at a line that looks like code), in order."""
    whole = text.strip("\n") + "\n"
    if _parses(whole) and _does_something(ast.parse(whole)):
        return [whole]
    lines = text.split("\n")
    # A stretch ends where the next line starts at column 0 (or at the end): prose resumes
    # there, never inside an indented block.
    ends = [e for e in range(1, len(lines) + 1) if e == len(lines) or lines[e][:1].strip()]
    found, start, parses = [], 0, 0
    while start < len(lines) and parses < _MAX_PARSES:
        if not _CODE_START.match(lines[start]):
            start += 1
            continue
        for end in reversed([e for e in ends if e > start]):
            parses += 1
            code = "\n".join(lines[start:end]).strip("\n") + "\n"
            if _parses(code) and _does_something(ast.parse(code)):
                found.append(code)
                start = end - 1
                break
            if parses >= _MAX_PARSES:
                break
        start += 1
    return found


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):  # ValueError: a null byte
        return False
    return True


def _does_something(tree: ast.Module) -> bool:
    """Not only literals, names and `pass` (an example input like `3` parses too)."""
    return any(not (isinstance(s, ast.Expr) and isinstance(s.value, (ast.Constant, ast.Name)))
               and not isinstance(s, ast.Pass) for s in tree.body)


def _choose(candidates: list[tuple[str, bool]], what: str, mode: str, entry_point: str | None,
            finish_reason: str | None) -> Extracted:
    good, failures = [], []
    for code, closed in candidates:
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError) as e:
            if not closed and finish_reason == "length":
                failures.append(reason(TRUNCATED, "the completion stopped at max_new_tokens "
                                       f"inside its code block, incomplete ({_syntax(e)}); "
                                       "raise sampling.max_new_tokens"))
            else:
                failures.append(reason(SYNTAX_ERROR, _syntax(e)))
            continue
        if not _does_something(tree):
            failures.append(reason(NO_STATEMENTS, "the code holds only literals or names"))
            continue
        if mode == "call" and entry_point and not _defines(tree, entry_point):
            failures.append(reason(NO_ENTRY_POINT, f"the code does not define {entry_point!r} "
                                   "at module level (a call-mode task calls it)"))
            continue
        good.append((code, closed, tree))
    if not good:
        many = f" (of {what}, none usable)" if len(candidates) > 1 else ""
        return Extracted(None, "no_program", failures[-1] + many)
    if mode != "call":
        readers = [g for g in good if _reads_stdin(g[2])]
        good = readers or good
    code, closed, tree = good[-1]
    notes = []
    if not closed and finish_reason == "length":
        notes.append(reason(TRUNCATED_BLOCK, "the completion stopped at max_new_tokens inside "
                            "its code block; the program parses but may be incomplete"))
    if mode == "call":
        code, dropped = _drop_test_code(code, tree, entry_point)
        if dropped:
            notes.append(reason(TEST_CODE_DROPPED, f"module-level test code: {dropped}"))
    return Extracted(code, "ok", "; ".join(notes) or None)


def _syntax(e: Exception) -> str:
    if isinstance(e, SyntaxError):
        return f"SyntaxError at line {e.lineno}: {e.msg}"
    return f"{type(e).__name__}: {e}"


def _defines(tree: ast.Module, entry_point: str) -> bool:
    owner, _, method = entry_point.partition(".")
    for s in tree.body:
        if method:
            if isinstance(s, ast.ClassDef) and s.name == owner:
                return any(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                           and f.name == method for f in s.body)
        elif isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if s.name == owner:
                return True
        elif isinstance(s, (ast.Assign, ast.AnnAssign)):
            targets = s.targets if isinstance(s, ast.Assign) else [s.target]
            if any(isinstance(t, ast.Name) and t.id == owner for t in targets):
                return True
    return False


def _reads_stdin(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in ("input", "fileinput"):
            return True
        if isinstance(node, ast.Attribute) and node.attr == "stdin":
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "open" and node.args
                and isinstance(node.args[0], ast.Constant) and node.args[0].value in (0, "/dev/stdin")):
            return True
    return False


def _drop_test_code(code: str, tree: ast.Module, entry_point: str | None) -> tuple[str, str]:
    """Call mode: the program without module-level test code, and what was dropped."""
    owner = (entry_point or "").partition(".")[0]

    def is_test(s: ast.stmt) -> str | None:
        if isinstance(s, ast.If) and _is_main_guard(s.test):
            return "if __name__ == '__main__'"
        if isinstance(s, ast.Assert):
            return "assert"
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            f = s.value.func
            while isinstance(f, (ast.Attribute, ast.Call)):  # Solution().f(...)
                f = f.value if isinstance(f, ast.Attribute) else f.func
            if isinstance(f, ast.Name) and f.id in ("print", owner):
                return f"{f.id}(...)"
        return None

    spans = [(s.lineno, s.end_lineno or s.lineno) for s in tree.body]
    drop, what = set(), []
    for i, s in enumerate(tree.body):
        kind = is_test(s)
        if kind is None:
            continue
        lo, hi = spans[i]
        # A statement sharing a line with another (`a = 1; print(a)`) stays.
        if any(j != i and not (b < lo or a > hi) for j, (a, b) in enumerate(spans)):
            continue
        drop.update(range(lo, hi + 1))
        what.append(f"line {lo}" + (f"-{hi}" if hi > lo else "") + f" ({kind})")
    if not drop:
        return code, ""
    kept = [line for n, line in enumerate(code.split("\n"), 1) if n not in drop]
    new = "\n".join(kept).strip("\n") + "\n"
    if not _parses(new) or not _defines(ast.parse(new), entry_point or owner):
        return code, ""  # cannot happen for module-level statements; keep the model's text
    return new, ", ".join(what)


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__" and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


# ----------------------------------------------------------------------------- rows
class Generation(NamedTuple):
    """One completion as a backend returns it."""

    text: str
    finish_reason: str | None  # "stop" | "length"; None on error
    n_tokens: int
    error: str | None = None  # why there is no completion


class Request(NamedTuple):
    """One prompt to sample, for one sample of one task."""

    task: dict
    sample_id: int
    seed: int
    prompt: str
    plan: Generation | None = None  # llm4effi's first pass, once it ran


def usable(task: dict) -> str | None:
    """Why a task cannot be sampled, or None."""
    if task.get("status", "ok") != "ok":
        return reason(TASK_UNUSABLE, task.get("reason") or str(task.get("status")))
    if not (task.get("prompt") or "").strip():
        return reason(TASK_UNUSABLE, "the task has no prompt text")
    return None


def first_requests(tasks: list[dict], method: Method, sampling: SamplingConfig) -> list[Request]:
    """The requests of a method's only pass (llm4effi: its planning pass), usable tasks only."""
    purpose = "plan" if method.kind == "llm4effi" else "code"
    return [Request(t, j, sample_seed(sampling.seed, t["task_id"], j, purpose),
                    first_prompt(method.kind, t["prompt"]))
            for t in tasks if usable(t) is None for j in range(sampling.n)]


def code_requests(plans: list[tuple[Request, Generation]],
                  sampling: SamplingConfig) -> list[Request]:
    """llm4effi's second pass for every plan that came back."""
    return [Request(r.task, r.sample_id, sample_seed(sampling.seed, r.task["task_id"], r.sample_id),
                    llm4effi_code_prompt(r.task["prompt"], g.text), g)
            for r, g in plans if g.error is None]


def sample_row(req: Request, gen: Generation, method: Method, backend: str) -> dict:
    """A SAMPLES row: the completion and the program extracted from it."""
    task = req.task
    row = empty_row(SAMPLES)
    row.update(task_id=task["task_id"], method=method.name, sample_id=req.sample_id,
               source=task.get("source"), mode=task.get("mode"),
               entry_point=task.get("entry_point"), prompt=req.prompt, model=method.base,
               adapter=method.adapter, seed=req.seed, backend=backend)
    if req.plan is not None:
        row.update(plan=req.plan.text, plan_tokens=req.plan.n_tokens)
    if gen.error is not None:
        row.update(status="error", reason=gen.error)
        return row
    row.update(completion=gen.text, finish_reason=gen.finish_reason, n_tokens=gen.n_tokens)
    ex = extract_program(gen.text, task.get("mode") or "stdio", task.get("entry_point"),
                         gen.finish_reason)
    notes = [ex.reason] if ex.reason else []
    if req.plan is not None and req.plan.finish_reason == "length":
        notes.append(reason(TRUNCATED_PLAN, "the planning pass stopped at max_new_tokens"))
    row.update(code=ex.code, status=ex.status, reason="; ".join(notes) or None)
    return row


def unusable_rows(task: dict, method: Method, sampling: SamplingConfig, backend: str) -> list[dict]:
    """n rows with status "skipped" for a task that cannot be sampled: none vanishes."""
    why = usable(task)
    rows = []
    for j in range(sampling.n):
        row = sample_row(Request(task, j, sample_seed(sampling.seed, task["task_id"], j), None),
                         Generation("", None, 0, why), method, backend)
        row.update(status="skipped")
        rows.append(row)
    return rows


Generate = Callable[[list[str], list[int]], list[Generation]]
"""A backend bound to one method: prompts and their seeds in, one Generation each out."""


def sample_tasks(generate: Generate, tasks: list[dict], method: Method,
                 sampling: SamplingConfig, backend: str = "hf") -> list[dict]:
    """Every sample of `method` for `tasks`: n rows per task, in task and sample order."""
    reqs = first_requests(tasks, method, sampling)
    pairs = list(zip(reqs, generate([r.prompt for r in reqs], [r.seed for r in reqs])))
    if method.kind == "llm4effi":
        failed = [(r, g) for r, g in pairs if g.error is not None]  # error rows as they are
        reqs = code_requests(pairs, sampling)
        pairs = failed + list(zip(reqs, generate([r.prompt for r in reqs],
                                                 [r.seed for r in reqs])))
    return unit_rows(tasks, method, sampling, backend,
                     [sample_row(r, g, method, backend) for r, g in pairs])


def unit_rows(tasks: list[dict], method: Method, sampling: SamplingConfig, backend: str,
              rows: list[dict]) -> list[dict]:
    """The rows of a unit in task and sample order, "skipped" rows for unusable tasks; every
    (task, sample) of a usable task must be among `rows`."""
    done = {(r["task_id"], r["sample_id"]): r for r in rows}
    out = []
    for t in tasks:
        if usable(t) is not None:
            out += unusable_rows(t, method, sampling, backend)
        else:
            out += [done[(t["task_id"], j)] for j in range(sampling.n)]
    return out


def plan_row(req: Request, gen: Generation, method: Method, backend: str) -> dict:
    """llm4effi's first pass as a row (the vllm backend keeps them in OUT/plans to resume):
    the completion is the plan."""
    row = sample_row(req, Generation("", None, 0, gen.error), method, backend)
    if gen.error is None:
        row.update(completion=gen.text, finish_reason=gen.finish_reason,
                   n_tokens=gen.n_tokens, status="ok", reason=None)
    return row


def plan_from_row(row: dict, task: dict) -> tuple[Request, Generation]:
    """The request and plan of a `plan_row`."""
    gen = (Generation(row["completion"] or "", row["finish_reason"], row["n_tokens"] or 0)
           if row["status"] == "ok" else Generation("", None, 0, row["reason"]))
    return Request(task, row["sample_id"], row["seed"], row["prompt"]), gen


# ----------------------------------------------------------------------------- hf backend
def stop_token_ids(model_dir: str | Path, tokenizer) -> list[int]:
    """The tokens that end a completion: the tokenizer's EOS and the model's
    generation_config eos_token_id (chat models list more than one, e.g. Qwen's
    <|im_end|> and <|endoftext|>)."""
    ids = {tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set()
    path = Path(model_dir) / "generation_config.json"
    if path.is_file():
        eos = json.loads(path.read_text()).get("eos_token_id")
        ids.update(eos if isinstance(eos, list) else [eos] if eos is not None else [])
    if not ids:
        raise ValueError(f"the model in {model_dir} has no EOS token (neither its tokenizer "
                         "nor generation_config.json names one): a completion could not stop")
    return sorted(ids)


def seeded_sampling(generators: list, temperature: float, top_p: float):
    """The LogitsProcessor that samples each row with its own torch.Generator."""
    return _seeded_sampling_class()(generators, temperature, top_p)


def _seeded_sampling_class():
    from transformers import LogitsProcessor

    class SeededSampling(LogitsProcessor):
        """Temperature and top-p sampling, each row drawn with its own generator.

        Gumbel-max: argmax(logits / T + G), G i.i.d. Gumbel(0, 1) from the row's
        generator, is an exact draw from softmax(logits / T) (restricted here to the
        top-p set). `generate` runs greedy (do_sample=False) and takes that argmax: the
        processor returns 0 at the drawn token and -inf elsewhere.
        """

        def __init__(self, generators: list, temperature: float, top_p: float):
            self.generators, self.temperature, self.top_p = generators, temperature, top_p

        def __call__(self, input_ids, scores):
            import torch

            logits = scores.float() / self.temperature
            if self.top_p < 1:
                probs, order = torch.softmax(logits, -1).sort(-1, descending=True)
                # Drop a token once the tokens before it already reach top_p.
                drop = (probs.cumsum(-1) - probs) > self.top_p
                logits = logits.masked_fill(drop.scatter(-1, order, drop), float("-inf"))
            u = torch.stack([torch.rand(logits.shape[-1], generator=g, device=logits.device)
                             for g in self.generators])
            gumbel = -torch.log(-torch.log(u.clamp(min=1e-20, max=1 - 1e-7)))
            choice = (logits + gumbel).argmax(-1, keepdim=True)
            out = torch.full_like(scores, float("-inf"))
            return out.scatter(-1, choice, 0.0)

    return SeededSampling


class HFSampler:
    """One base model on one device with its runs' adapters loaded beside it (PEFT, one
    named adapter per run), sampled with transformers `generate`."""

    def __init__(self, base: str, adapters: dict[str, str], device: str = "cpu",
                 dtype: str = "auto", batch_size: int = 16, threads: int | None = None):
        import torch
        from transformers import AutoModelForCausalLM, GenerationConfig

        from effiskel.training.models import load_tokenizer

        if threads:  # the CPUs this process was given: more threads than cores thrash
            torch.set_num_threads(threads)

        self.base, self.device, self.batch_size = base, device, batch_size
        self.tokenizer = load_tokenizer(base)
        self.tokenizer.padding_side = "left"  # every prompt ends where generation starts
        torch_dtype = {"auto": torch.bfloat16 if device.startswith("cuda") else torch.float32,
                       "bfloat16": torch.bfloat16, "float16": torch.float16,
                       "float32": torch.float32}[dtype]
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch_dtype)
        self.stop_ids = stop_token_ids(base, self.tokenizer)
        # Ours alone: the model's own defaults (repetition_penalty, top_k, ...) would change
        # what is sampled, and differently from the vllm backend.
        model.generation_config = GenerationConfig(
            eos_token_id=self.stop_ids, pad_token_id=self.tokenizer.pad_token_id,
            bos_token_id=self.tokenizer.bos_token_id)
        self.max_positions = getattr(model.config, "max_position_embeddings", None)
        if adapters:
            from peft import PeftModel

            (first, path), *rest = adapters.items()
            model = PeftModel.from_pretrained(model, path, adapter_name=first)
            for name, path in rest:
                model.load_adapter(path, adapter_name=name)
        self.model = model.to(device).eval()
        self.adapters = set(adapters)
        self._Sampling = _seeded_sampling_class()

    def bind(self, adapter: str | None, sampling: SamplingConfig) -> Generate:
        """The Generate function of one method: its adapter (None: the base model)."""
        return lambda prompts, seeds: self.generate(prompts, seeds, adapter, sampling)

    def generate(self, prompts: list[str], seeds: list[int], adapter: str | None,
                 sampling: SamplingConfig) -> list[Generation]:
        """One completion per prompt, prompts batched by length."""
        if adapter is not None and adapter not in self.adapters:
            raise ValueError(f"adapter {adapter!r} is not loaded (loaded: {sorted(self.adapters)})")
        ids = [self.tokenizer(p)["input_ids"] for p in prompts]
        out: list[Generation | None] = [None] * len(prompts)
        fits = []
        for i, x in enumerate(ids):
            if self.max_positions and len(x) + sampling.max_new_tokens > self.max_positions:
                out[i] = Generation("", None, 0, reason(PROMPT_TOO_LONG, (
                    f"the prompt is {len(x)} tokens: with sampling.max_new_tokens "
                    f"{sampling.max_new_tokens} it exceeds the model's {self.max_positions} "
                    "positions; lower sampling.max_new_tokens")))
            else:
                fits.append(i)
        fits.sort(key=lambda i: len(ids[i]))  # less padding per batch
        for k in range(0, len(fits), self.batch_size):
            batch = fits[k:k + self.batch_size]
            for i, g in zip(batch, self._generate_batch([ids[i] for i in batch],
                                                        [seeds[i] for i in batch], adapter,
                                                        sampling)):
                out[i] = g
        return out

    def _generate_batch(self, ids: list[list[int]], seeds: list[int], adapter: str | None,
                        sampling: SamplingConfig) -> list[Generation]:
        import contextlib

        import torch

        try:
            enc = self.tokenizer.pad({"input_ids": ids}, return_tensors="pt").to(self.device)
            gens = [torch.Generator(device=self.device).manual_seed(s) for s in seeds]
            if adapter is not None:
                self.model.set_adapter(adapter)
                ctx = contextlib.nullcontext()
            else:
                ctx = self.model.disable_adapter() if self.adapters else contextlib.nullcontext()
            with ctx, torch.inference_mode():
                seqs = self.model.generate(
                    **enc, do_sample=False, max_new_tokens=sampling.max_new_tokens,
                    logits_processor=[self._Sampling(gens, sampling.temperature, sampling.top_p)])
        except torch.OutOfMemoryError:
            if len(ids) == 1:
                return [Generation("", None, 0, reason(OUT_OF_MEMORY, (
                    "out of GPU memory for a single prompt; lower sampling.max_new_tokens or "
                    "use a larger GPU")))]
            if self.device.startswith("cuda"):
                torch.cuda.empty_cache()
            half = len(ids) // 2  # the same samples (their seeds), in smaller batches
            return (self._generate_batch(ids[:half], seeds[:half], adapter, sampling)
                    + self._generate_batch(ids[half:], seeds[half:], adapter, sampling))
        except Exception as e:  # noqa: BLE001 - a prompt that breaks generate is a row, not a crash
            why = reason(GENERATION_FAILED, f"{type(e).__name__}: {e}"[:500])
            return [Generation("", None, 0, why) for _ in ids]
        new = seqs[:, enc["input_ids"].shape[1]:].tolist()
        stops = set(self.stop_ids)
        result = []
        for row in new:
            end = next((i for i, t in enumerate(row) if t in stops), None)
            tokens = row if end is None else row[:end]
            result.append(Generation(
                self.tokenizer.decode(tokens, skip_special_tokens=True),
                "length" if end is None else "stop", len(row) if end is None else end + 1))
        return result


# ----------------------------------------------------------------------------- vllm backend
VLLM_LORA_RANKS = (8, 16, 32, 64, 128, 256, 512)  # the max_lora_rank values vLLM accepts


def vllm_requests(reqs: list[Request], method: Method, sampling: SamplingConfig,
                  stop_ids: list[int], unit: str, phase: str = "code") -> list[dict]:
    """Ray Data LLM input rows, one per sample: vLLM keeps one output per prompt, so the n
    samples of a prompt are n rows with their own seeds. An adapter's rows name it as the
    row's `model` (a dynamic LoRA); the base model's name the engine's own model."""
    rows = []
    for r in reqs:
        rows.append({
            "prompt": r.prompt,
            "model": method.adapter or method.base,
            "sampling_params": {
                "n": 1, "temperature": sampling.temperature, "top_p": sampling.top_p,
                # Explicitly off, as in the hf backend (vLLM would read them from the
                # model's generation_config otherwise).
                "top_k": -1, "repetition_penalty": 1.0,
                "max_tokens": sampling.max_new_tokens, "seed": r.seed,
                "stop_token_ids": list(stop_ids), "skip_special_tokens": True,
            },
            # Carried through the engine to rebuild the samples row.
            "unit": unit, "phase": phase, "method": method.name, "sample_id": r.sample_id,
            "seed": r.seed, "task": json.dumps(_task_fields(r.task)),
            "plan_text": r.plan.text if r.plan else None,
            "plan_finish": r.plan.finish_reason if r.plan else None,
            "plan_n_tokens": r.plan.n_tokens if r.plan else None,
        })
    return rows


def _task_fields(task: dict) -> dict:
    return {k: task.get(k) for k in ("task_id", "source", "prompt", "mode", "entry_point",
                                     "status", "reason")}


def vllm_output(row: dict, stop_ids: list[int], max_tokens: int) -> tuple[Request, Generation]:
    """The request and the completion of one Ray Data LLM output row. vLLM reports no
    finish reason: a completion whose last token is a stop token stopped, else one of
    max_tokens tokens hit the limit."""
    plan = None
    if row.get("plan_text") is not None:
        plan = Generation(row["plan_text"], row.get("plan_finish"), int(row["plan_n_tokens"]))
    prompt = row.get("prompt") or ""
    req = Request(json.loads(row["task"]), int(row["sample_id"]), int(row["seed"]), prompt, plan)
    if row.get("__inference_error__"):
        return req, Generation("", None, 0, reason(
            GENERATION_FAILED, f"vLLM failed on this prompt: {row['__inference_error__']}"[:500]))
    tokens = list(row.get("generated_tokens") or [])
    n = int(row.get("num_generated_tokens") or len(tokens))
    stopped = bool(tokens) and tokens[-1] in set(stop_ids)
    finish = "stop" if stopped or n < max_tokens else "length"
    return req, Generation(row.get("generated_text") or "", finish, n)


def lora_rank(adapters: list[str]) -> int:
    """The smallest max_lora_rank vLLM accepts that holds every adapter's rank."""
    ranks = [int(json.loads((Path(a) / "adapter_config.json").read_text()).get("r", 8))
             for a in adapters]
    need = max(ranks, default=8)
    for r in VLLM_LORA_RANKS:
        if r >= need:
            return r
    raise ValueError(f"an adapter has LoRA rank {need}; vLLM supports at most "
                     f"{VLLM_LORA_RANKS[-1]}: use the hf backend")


def vllm_processor_config(base: str, adapters: list[str], vllm: VllmConfig, dtype: str = "auto"):
    """The Ray Data LLM processor config of one base model and its runs' adapters.

    Our prompts are plain text (the training template, no chat template), so the chat
    template and the separate tokenize/detokenize stages are off: the engine tokenizes
    the prompt and returns text. A row that fails becomes an error row
    (should_continue_on_error), never a crashed stage.
    """
    from ray.data.llm import vLLMEngineProcessorConfig

    engine = {
        "dtype": dtype, "tensor_parallel_size": vllm.tensor_parallel_size,
        "gpu_memory_utilization": vllm.gpu_memory_utilization,
        # Sampling is what the rows say; not the model's generation_config defaults.
        "generation_config": "vllm",
    }
    if vllm.max_model_len:
        engine["max_model_len"] = vllm.max_model_len
    if adapters:
        engine.update(enable_lora=True, max_loras=len(adapters), max_lora_rank=lora_rank(adapters))
    engine.update(vllm.engine_kwargs)
    return vLLMEngineProcessorConfig(
        model_source=base, engine_kwargs=engine, batch_size=vllm.batch_size,
        concurrency=vllm.concurrency, chat_template_stage=False, tokenize_stage=False,
        detokenize_stage=False, should_continue_on_error=True, log_engine_metrics=False)
