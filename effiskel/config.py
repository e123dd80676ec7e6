"""Typed dataclass configs, and the one parser that builds every stage's command line.

A config is a dataclass with a docstring under each field, as in litgpt; a section is a
nested dataclass. jsonargparse builds the command line from it, so a setting has one
name everywhere: the YAML key `limits: {cpu_time_s: 2}` is the flag
`--limits.cpu_time_s 2`, in `effiskel profile`, in `python -m jobs.profile` and under
`ray job submit -- python -m jobs.profile`. `--help` shows every key with its type,
default and docstring; `--print_config` prints the whole config as YAML that `--config`
reads back.

On the command line only, three spellings of the README's contract are read as the
flag they stand for: dashes are underscores (`--top-k` is `--top_k`), `key.sub=value`
is `--key.sub=value`, and a list may be written `a,b,c`. A command may also name
aliases (`--in` for `--input`).

Bad input is a one-line `ConfigError` naming the key: an unknown key (a flag or a YAML
key) lists the valid ones; a badly typed value says what was expected; a config's own
checks (`__post_init__`) keep their message.

Configs that belong to one module stay next to it (`sandbox.Limits`,
`skeleton.extract.SkeletonConfig`, `training.config.TrainConfig`,
`generation.SamplingConfig`); the Ray Data stages' configs are here, where their commands
build them without importing Ray.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
import types
import typing
from argparse import ArgumentError
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

from effiskel.generation import SamplingConfig, VllmConfig
from effiskel.pairs import PairsConfig as PairRules  # the library's: how pairs are made
from effiskel.sandbox.types import Limits
from effiskel.skeleton.extract import SkeletonConfig
from effiskel.training.config import TrainConfig

T = TypeVar("T")

Isolation = Literal["auto", "process"]
"""auto: kernel namespaces where the kernel allows them; process: the in-process guard only."""
RepeatMode = Literal["child", "fork"]
"""child: one fork per input, its repeats inside it; fork: one fork per repeat."""


class ConfigError(ValueError):
    """A config file, flag or dict that does not fit its dataclass."""


def parse(cls: type[T], argv: list[str] | None = None, prog: str | None = None,
          description: str | None = None, aliases: dict[str, str] | None = None) -> T:
    """A command's config from its command line (default sys.argv[1:]).

    Bad input ends the command with one line on stderr and exit code 2, as argparse
    does; `--help` and `--print_config` print and exit 0.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return _parse(cls, argv, prog, description, aliases or {})
    except ConfigError as e:
        fail(prog or cls.__name__, e)


def fail(prog: str, error: object) -> NoReturn:
    """End a command on bad input: one line naming it, exit code 2."""
    print(f"{prog}: error: {error}", file=sys.stderr)
    raise SystemExit(2)


def load(cls: type[T], path: str | Path | None = None, args: list[str] | None = None) -> T:
    """A config from an optional YAML file, then command-line arguments (`--key.sub value`),
    for code and tests; raises ConfigError."""
    return _parse(cls, ([f"--config={path}"] if path is not None else []) + list(args or []))


def from_dict(cls: type[T], data: dict) -> T:
    """A config from a nested dict (`to_dict`'s output: how a Ray worker gets its config)."""
    parser = _parser(cls)
    try:
        return _build(cls, parser, parser.parse_object(data))
    except ArgumentError as e:  # jsonargparse raises argparse's
        raise ConfigError(_explain(cls, str(e))) from None


def check(cfg: T) -> T:
    """A config built in code, checked as a command line is (types, closed choices, unknown
    keys); a stage's validate() calls it so bad input fails before Ray starts."""
    return from_dict(type(cfg), to_dict(cfg))


def to_dict(cfg: Any) -> dict:
    """A config as a plain nested dict (for Ray workers and logs)."""
    return dataclasses.asdict(cfg)


def dump(cfg: Any) -> str:
    """A config as YAML text that `--config` (and `load`) reads back to an equal config."""
    parser = _parser(type(cfg))
    return parser.dump(parser.parse_object(to_dict(cfg)), skip_unset=False)


def field_docs(cls: type) -> dict[str, str]:
    """Each field's docstring, as `--help` shows it."""
    from docstring_parser import parse_from_object

    return {p.arg_name: " ".join((p.description or "").split())
            for p in parse_from_object(cls).params if p.args[0] == "attribute"}


# ----------------------------------------------------------------------------- the parser
def _parser(cls: type, prog: str | None = None, description: str | None = None,
            aliases: dict[str, str] | None = None):
    # jsonargparse costs ~0.4 s to import: only a command (or a worker) that parses pays it.
    from jsonargparse import ActionConfigFile, ArgumentParser, set_parsing_settings

    set_parsing_settings(docstring_parse_attribute_docstrings=True)  # field docstrings: --help
    names = ", ".join(f"--{a.replace('_', '-')} for --{k}" for a, k in (aliases or {}).items())
    parser = ArgumentParser(
        prog=prog, description=description, exit_on_error=False,
        usage=f"{prog or cls.__name__} [-h] [--config FILE] [--KEY VALUE ...] [--print_config]",
        epilog="Flags may be spelt with dashes (--top-k for --top_k); key.sub=value is short "
               "for --key.sub=value; a list may be written a,b,c."
               + (f" Aliases: {names}." if names else ""))
    parser.add_argument("--config", action=ActionConfigFile,
                        help="a YAML file of settings (see --print_config); flags after it "
                             "override it")
    parser.add_class_arguments(cls)
    return parser


def _parse(cls: type[T], argv: list[str], prog: str | None = None,
           description: str | None = None, aliases: dict[str, str] | None = None) -> T:
    parser = _parser(cls, prog, description, aliases)
    try:
        return _build(cls, parser, parser.parse_args(_spell(cls, argv, aliases or {})))
    except ArgumentError as e:
        raise ConfigError(_explain(cls, str(e))) from None


def _build(cls: type[T], parser, ns) -> T:
    """The config object: sections built by jsonargparse, then the top level."""
    try:
        ns = parser.instantiate(ns)
        return cls(**{f.name: ns[f.name] for f in dataclasses.fields(cls) if f.init})
    except (TypeError, ValueError) as e:  # a config's own checks, e.g. a negative weight
        raise ConfigError(" ".join(str(e).split())) from None


def _keys(cls: type, prefix: str = "") -> dict[str, Any]:
    """Every key of a config, dotted, with its type; sections included."""
    keys = {}
    for name, tp in _fields(cls).items():
        keys[prefix + name] = tp
        if dataclasses.is_dataclass(tp):
            keys.update(_keys(tp, f"{prefix}{name}."))
    return keys


def _fields(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


_SHORTHAND = re.compile(r"[A-Za-z_][\w.-]*=")


def _spell(cls: type, argv: list[str], aliases: dict[str, str]) -> list[str]:
    """The command line with the contract's spellings as the flags they stand for."""
    keys = {**_keys(cls), "config": None}
    out, takes_value = [], None  # takes_value: the key whose value is the next argument
    for arg in argv:
        if takes_value is not None:
            out.append(_as_list(keys[takes_value], arg))
            takes_value = None
            continue
        if _SHORTHAND.match(arg):
            arg = "--" + arg
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            name = name.replace("-", "_")
            name = aliases.get(name, name)
            if eq:
                arg = f"--{name}={_as_list(keys.get(name), value)}"
            else:
                arg, takes_value = f"--{name}", name if name in keys else None
        out.append(arg)
    return out


def _as_list(tp: Any, value: str) -> str:
    """`a,b,c` as the YAML list `[a,b,c]` when the key is a list."""
    union = typing.get_origin(tp) in (typing.Union, types.UnionType)
    is_list = any(typing.get_origin(t) in (list, tuple) for t in (typing.get_args(tp) if union
                                                                    else (tp,)))
    return f"[{value}]" if is_list and not value.lstrip().startswith(("[", "null")) else value


_UNKNOWN = (  # what jsonargparse says of an unknown flag, YAML key in a section, top-level key
    re.compile(r"unrecognized arguments: -*(?P<key>[^\s=]+)"),
    re.compile(r"Group '(?P<section>[\w.]+)' does not accept option '(?P<key>[\w.]+)'"),
    re.compile(r"Option '(?P<key>[\w.]+)' is not accepted"),
)


def _explain(cls: type, message: str) -> str:
    """jsonargparse's error as one line naming the key, and for an unknown key the valid ones."""
    for pattern in _UNKNOWN:
        m = pattern.search(message)
        if m:
            section = m.groupdict().get("section")
            return _unknown_key(cls, f"{section}.{m['key']}" if section else m["key"])
    m = re.match(r'Parser key "(?P<key>[\w.]+)":.*?(Got|Given) value: (?P<value>.*)', message,
                 re.S)
    if m and m["key"] in _keys(cls):
        return (f"{m['key']}: expected {_type_name(_keys(cls)[m['key']])}, "
                f"got {m['value'].strip()!r}")
    return " ".join(message.split())


def _unknown_key(cls: type, key: str) -> str:
    parts, owner, known = key.split("."), cls, []
    for part in parts[:-1]:  # the deepest section the key names
        section = _fields(owner).get(part)
        if not dataclasses.is_dataclass(section):
            break
        owner, known = section, known + [part]
    valid = list(_fields(owner))
    guess = difflib.get_close_matches(parts[len(known)], valid, 1)
    where = f"valid keys of {'.'.join(known)}" if known else "valid keys"
    hint = f" (did you mean {'.'.join(known + guess)}?)" if guess else ""
    return f"unknown key {key!r}{hint}; {where}: {', '.join(valid)}"


def _type_name(tp: Any) -> str:
    if typing.get_origin(tp) is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(tp))
    return tp.__name__ if isinstance(tp, type) else str(tp).replace("typing.", "")


# ----------------------------------------------------------------------------- stage configs
@dataclass
class ProfileConfig:
    """Stage 1: profile every solution of every task and keep the top-K per task."""

    source: str = "mini"
    """Task source: mini, apps, codenet, humaneval, humanevalplus, mbppplus, enamel, effibench, mercury."""
    data: str | None = None
    """Path to the source's data (a directory or file); the bundled suite for mini when unset."""
    out: str = "out/profile"
    """Output directory: tasks/, runs/, efficient/ Parquet shards and summary.json."""
    top_k: int = 5
    """Fastest correct solutions kept per task (the paper's K)."""
    repeat: int = 30
    """Timed runs per test input (the paper's R); the stored time is their mean."""
    adaptive: bool = False
    """Stop repeating a solution once its order among the task's solutions is settled."""
    min_repeats: int = 6
    """Adaptive mode: runs per input before the first check (and at least 6 rounds: the
    fewest with a 95 % sign-test interval)."""
    round_repeats: int = 1
    """Repeats per input in each interleaved round of the ranking (effiskel/timing.py):
    1 pairs the solutions' runs most closely; more amortize a sandbox call over several."""
    repeat_mode: RepeatMode = "child"
    """How the sandbox runs a round's repeats of one input: "child" (one fork, the
    repeats inside it, each with a fresh module namespace; for dataset solutions,
    which do not carry work between repeats) or "fork" (one fork per repeat: for
    programs that may game the timer). Matters when round_repeats > 1; see README."""
    pin_cpu: bool = True
    """Pin each sandbox worker, its sandbox server and their children to a CPU of its own
    where the node allows it (effiskel/pinning.py); the summary lists each worker's CPU."""
    max_incorrect: int = 3
    """Incorrect solutions kept per task, for the preference baselines."""
    max_slow: int = 3
    """Slowest correct solutions kept per task beyond the top K (role slowest, slowest
    first): the rejected side of the efficiency pairs (effiskel/pairs.py); 1 keeps only the
    slowest."""
    chunk_size: int = 16
    """Solutions per runs shard: the granularity of resuming within a task."""
    workers: int | None = None
    """Sandbox actors (one CPU each); default: every CPU of the cluster."""
    address: str | None = None
    """Ray cluster to join (e.g. ray://head:10001 or auto); default: an embedded local Ray."""
    isolation: Isolation = "auto"
    """Sandbox isolation: auto (kernel namespaces where allowed) or process."""
    limits: Limits = field(default_factory=Limits)
    """Per-run limits of the sandbox (a task's own time limit is not applied)."""
    preload: list[str] | None = None
    """Modules the sandbox server imports once; default: effiskel.sandbox.server.DEFAULT_PRELOAD."""
    source_options: dict = field(default_factory=dict)
    """Options passed to the source loader (e.g. ENAMEL: levels)."""
    progress: bool = True
    """Show a progress bar."""
    verbose: bool = False
    """Also show Ray's and DeepSpeed's own logs on the terminal (they always go to
    OUT/<stage>.log, which the summary names)."""


@dataclass
class ExtractConfig:
    """Stage 2: extract SMS, SSS and TAS skeletons from Stage 1's efficient sets."""

    input: str = "out/profile"
    """Stage 1's output directory (holding efficient/ and tasks/)."""
    out: str = "out/extract"
    """Output directory: skeletons/ Parquet shards and summary.json."""
    skeleton: SkeletonConfig = field(default_factory=SkeletonConfig)
    """Strategies, K, SSS threshold and the other choices of Algorithm 1."""
    profile_tests: int = 5
    """TAS: each efficient solution is line-profiled on at most this many tests, the largest
    inputs (the same tests for all K)."""
    workers: int | None = None
    """Actors (one CPU and one sandbox each); default: every CPU of the cluster."""
    address: str | None = None
    """Ray cluster to join; default: an embedded local Ray."""
    isolation: Isolation = "auto"
    """Sandbox isolation for line profiling: auto or process."""
    limits: Limits = field(default_factory=Limits)
    """Limits of a line-profiled run (scaled by the profiler's slowdown, 10x)."""
    progress: bool = True
    """Show a progress bar."""
    verbose: bool = False
    """Also show Ray's and DeepSpeed's own logs on the terminal (they always go to
    OUT/<stage>.log, which the summary names)."""


@dataclass
class PairsConfig:
    """The pairs stage: CodeDPO*'s and SkelDPO's preference pairs from Stage 1's efficient
    sets and Stage 2's skeletons."""

    input: str = "out/profile"
    """Stage 1's output directory (holding efficient/ and tasks/)."""
    skeletons: str = "out/extract"
    """Stage 2's output directory (holding skeletons/): the chosen side's skeletons."""
    out: str = "out/pairs"
    """Output directory: pairs/ Parquet shards, config.json and summary.json."""
    pairs: PairRules = field(default_factory=PairRules)
    """How pairs are made (effiskel/pairs.py): min_slowdown, efficiency pairs per task, the
    chosen skeleton's strategy, the inefficiency skeleton's SSS settings (Stage 2's)."""
    profile_tests: int = 5
    """The slow solution of each efficiency pair is line-profiled on at most this many
    tests, the largest inputs (as Stage 2 profiles the efficient ones)."""
    workers: int | None = None
    """Actors (one CPU and one sandbox each); default: every CPU of the cluster."""
    address: str | None = None
    """Ray cluster to join; default: an embedded local Ray."""
    isolation: Isolation = "auto"
    """Sandbox isolation for line profiling: auto or process."""
    limits: Limits = field(default_factory=Limits)
    """Limits of a line-profiled run (scaled by the profiler's slowdown, 10x)."""
    progress: bool = True
    """Show a progress bar."""
    verbose: bool = False
    """Also show Ray's own logs on the terminal (they always go to OUT/pairs.log, which the
    summary names)."""

    def __post_init__(self) -> None:
        if self.profile_tests < 1:
            raise ValueError(f"profile_tests must be at least 1, not {self.profile_tests}")


@dataclass
class GenerateConfig:
    """Sampling: n programs per task from every method (trained runs, instruct, llm4effi)."""

    methods: list[str] = field(default_factory=lambda: ["instruct"])
    """What to sample: trained runs' directories (`<output_dir>/<run_name>`, named after
    the run) or their adapter directories, `NAME=PATH` to name one, `instruct` (the base
    model, no adapter) and `llm4effi` (the base model, prompting only, two passes)."""
    model: str | None = None
    """Base model of instruct and llm4effi (a local Hugging Face directory); default: the
    runs' base model (the one their adapters name), when they share one."""
    source: str = "mini"
    """Task source: mini, apps, codenet, humaneval, humanevalplus, mbppplus, enamel, effibench, mercury."""
    data: str | None = None
    """Path to the source's data (a directory or file); the bundled suite for mini when unset."""
    limit: int | None = None
    """Only the first N tasks of the source."""
    tasks: list[str] | None = None
    """Only these task ids (a,b,c)."""
    source_options: dict = field(default_factory=dict)
    """Options passed to the source loader (e.g. ENAMEL: levels)."""
    out: str = "out/generate"
    """Output directory: samples/ Parquet shards, config.json, summary.json."""
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    """n, temperature, top_p, max_new_tokens and the seed of every sample."""
    backend: Literal["hf", "vllm"] = "hf"
    """hf: transformers generate in a Ray Data actor pool (CPU or GPU); vllm: Ray Data LLM
    with vLLM engines (GPU only; pip install 'effiskel[vllm]')."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """hf backend: where each worker's model runs; auto = cuda when this machine has a GPU.
    On a cluster whose head has none, say cuda."""
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = "auto"
    """Weights' dtype: auto = bfloat16 on GPU, float32 on CPU."""
    batch_size: int = 32
    """hf backend: prompts per generate call (padded to the longest in the batch)."""
    tasks_per_unit: int = 8
    """Tasks per unit of work (one shard per method and unit): the most a crash loses."""
    workers: int | None = None
    """hf backend: actors, each holding one copy of the model; default: with device cuda one
    per GPU of this machine (on a cluster, set it), else one per CPU of the cluster."""
    cpus_per_worker: int = 1
    """hf backend: CPUs of each actor (its torch threads on CPU)."""
    vllm: VllmConfig = field(default_factory=VllmConfig)
    """vllm backend: the engines."""
    address: str | None = None
    """Ray cluster to join; default: an embedded local Ray."""
    progress: bool = True
    """Show a progress bar."""
    verbose: bool = False
    """Also show Ray's and the model libraries' own logs on the terminal (they always go to
    OUT/generate.log, which the summary names)."""

    def __post_init__(self) -> None:
        if self.limit is not None and self.tasks:
            raise ValueError("give limit or tasks, not both")
        for name in ("limit", "batch_size", "tasks_per_unit", "workers", "cpus_per_worker"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1, not {value}")


@dataclass
class EvaluateConfig:
    """Evaluate: judge every sample on all its task's tests and time the correct ones, every
    method's interleaved with the task's reference on one worker."""

    samples: list[str] = field(default_factory=list)
    """What to evaluate, one or more: a generate stage's output directory (every method in
    it), FILE.jsonl:METHOD (EvalPlus lines, {"task_id", "solution"} or {"task_id",
    "completion"}) or FILE.json:METHOD (ENAMEL's list of lists, or dict by task index)."""
    source: str = "mini"
    """Task source the samples answer: mini, apps, codenet, humaneval, humanevalplus,
    mbppplus, enamel, effibench, mercury."""
    data: str | None = None
    """Path to the source's data (a directory or file); the bundled suite for mini when unset."""
    out: str = "out/evaluate"
    """Output directory: results/ Parquet shards (one per task), inputs/, summary.json."""
    limit: int | None = None
    """Only the first N tasks that have samples (task ids in natural order)."""
    tasks: list[str] | None = None
    """Only these task ids (a,b,c); each must have samples."""
    repeat: int = 6
    """Timed runs per timed input of each correct sample and reference (ENAMEL's 6); 6 or
    more gives each time a distribution-free 95 % interval."""
    timed_tests: int | None = 20
    """Inputs each correct sample is timed on: the task's largest, the same for every
    candidate (all when null). 20 covers ENAMEL's 8 + 4 + 4 + 4, which eff@k needs whole."""
    references: int | None = None
    """Correct solutions of the task timed beside the samples as its references (the
    source's named reference first); default: every one for mercury (Beyond@k spans the
    fastest and slowest), 1 otherwise."""
    repeat_mode: RepeatMode = "fork"
    """How the sandbox runs repeats: "fork" (one fork per repeat: samples may be written
    to game a timer) or "child" (one fork per input, warm repeats; see README)."""
    time_limit_factor: float | None = None
    """A sample's per-test CPU limit on a task: this many times the task's reference on its
    slowest timed test (one run), at least min_time_limit_s, at most limits.cpu_time_s, as
    EvalPlus (4, at least 1 s) and ENAMEL (2) judge; null: limits.cpu_time_s everywhere. A
    sample over it is TLE, a failed sample."""
    min_time_limit_s: float = 1.0
    """The floor of a relative limit (time_limit_factor), in CPU seconds."""
    source_options: dict | None = None
    """Options passed to the source loader; default {} except ENAMEL: {levels: all}
    (ENAMEL's own evaluation times every level; eff@k needs them)."""
    pin_cpu: bool = True
    """Pin each worker, and both its sandbox servers (samples', reference's), to a CPU of
    its own where the node allows it (effiskel/pinning.py)."""
    workers: int | None = None
    """Actors (one CPU and two sandbox servers each); default: every CPU of the cluster."""
    address: str | None = None
    """Ray cluster to join; default: an embedded local Ray."""
    isolation: Isolation = "auto"
    """Sandbox isolation: auto (kernel namespaces where allowed) or process."""
    limits: Limits = field(default_factory=Limits)
    """Per-run limits of the sandbox."""
    preload: list[str] | None = None
    """Modules the sandbox servers import once; default: effiskel.sandbox.server.DEFAULT_PRELOAD."""
    progress: bool = True
    """Show a progress bar."""
    verbose: bool = False
    """Also show Ray's own logs on the terminal (they always go to OUT/evaluate.log)."""

    def __post_init__(self) -> None:
        if self.limit is not None and self.tasks:
            raise ValueError("give limit or tasks, not both")
        for name in ("limit", "repeat", "timed_tests", "workers"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1, not {value}")
        if self.references is not None and self.references < 0:
            raise ValueError(f"references must be 0 or more, not {self.references}")
        if self.time_limit_factor is not None and self.time_limit_factor <= 1:
            raise ValueError(f"time_limit_factor must exceed 1 (the reference's own time), "
                             f"not {self.time_limit_factor}")
        if self.min_time_limit_s <= 0:
            raise ValueError(f"min_time_limit_s must be positive, not {self.min_time_limit_s}")


@dataclass
class CompareConfig:
    """Compare: every method's metrics against a baseline, from evaluate's results tables."""

    runs: list[str] = field(default_factory=list)
    """Evaluate output directories (or their results/ directories) to read; methods found
    in several are an error (a method is timed once, beside the others)."""
    baseline: str = ""
    """The method ER and AS of every other method are measured against."""
    out: str = "out/report"
    """Report directory: metrics.json, report.md, report.html (images embedded), PNGs."""
    ks: list[int] = field(default_factory=lambda: [1, 2, 5, 10, 20, 50, 100])
    """k of Pass@k (and Beyond@k, eff@k), shown where every task has at least k samples."""
    n_boot: int = 2000
    """Bootstrap resamples of the tasks for every interval."""
    seed: int = 0
    """Seed of the bootstrap."""
    level: float = 0.95
    """Confidence level of the intervals."""
    rel_tol: float = 0.0
    """Relative tolerance within which two times are a tie in ER (0: exactly equal)."""

    def __post_init__(self) -> None:
        if self.n_boot < 1:
            raise ValueError(f"n_boot must be at least 1, not {self.n_boot}")
        if not 0 < self.level < 1:
            raise ValueError(f"level must be between 0 and 1, not {self.level}")


Method = Literal["effiskel", "efficoder", "codedpo", "skeldpo", "instruct", "llm4effi"]
"""effiskel (per skeleton strategy), efficoder, codedpo, skeldpo: trained runs; instruct and
llm4effi: the base model prompted."""


@dataclass
class Benchmark:
    """A task source the methods are evaluated on."""

    source: str = "mini"
    """Task source: mini, apps, codenet, humaneval, humanevalplus, mbppplus, enamel, effibench, mercury."""
    data: str | None = None
    """Path to the source's data; the bundled suite for mini when unset."""
    name: str | None = None
    """Names its outputs (OUT/generate/NAME, …); default: the source."""
    limit: int | None = None
    """Only the first N tasks of the source."""
    tasks: list[str] | None = None
    """Only these task ids (a,b,c)."""
    source_options: dict = field(default_factory=dict)
    """Options passed to the source loader."""
    samples: list[str] = field(default_factory=list)
    """More sample sets evaluated beside the methods' own, as `effiskel evaluate --samples`
    takes them (FILE.jsonl:METHOD, FILE.json:METHOD): another model's outputs, say."""

    @property
    def label(self) -> str:
        return self.name or self.source


@dataclass
class ExperimentConfig:
    """Every method side by side: profile → extract → pairs → train every method → generate
    → evaluate → compare, each step skipped when its output is complete.

    The stage sections are the stages' own configs; the experiment sets the fields that
    wire them together (every `out`, `input`, `address`, the training runs' names, methods
    and data paths, the base model, what is generated and evaluated) and keeps the rest."""

    out: str = "out/experiment"
    """Output directory: one subdirectory per stage (profile/, extract/, pairs/, train/,
    generate/<benchmark>/, evaluate/<benchmark>/, report/<benchmark>/) and steps/, which
    records each finished step."""
    model: str = "tiny"
    """The one base model every method starts from: a local Hugging Face causal-LM directory,
    or `tiny` (a 2-layer, width-64 Llama with a BPE tokenizer, built once from the training
    texts under OUT/train)."""
    methods: list[Method] = field(default_factory=lambda: [
        "effiskel", "efficoder", "codedpo", "skeldpo", "instruct", "llm4effi"])
    """The methods compared."""
    strategies: list[Literal["sms", "sss", "tas"]] = field(default_factory=lambda: ["tas"])
    """Skeleton strategies EffiSkel is trained with, one run each: `effiskel` for tas (the
    paper's main results), `effiskel-sms`, `effiskel-sss` for the others."""
    baseline: str = "efficoder"
    """The method ER and AS are measured against (a method name, or a sample set's METHOD)."""
    benchmarks: list[Benchmark] = field(default_factory=lambda: [Benchmark()])
    """Where the methods are evaluated."""
    address: str | None = None
    """Ray cluster every step runs on; default: one embedded local Ray for all steps."""
    profile: ProfileConfig = field(default_factory=ProfileConfig)
    """Stage 1 on the training source (its source and data; out and address are set here)."""
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    """Stage 2 (input, out and the strategies to extract are set here)."""
    pairs: PairsConfig = field(default_factory=PairsConfig)
    """The preference pairs of CodeDPO* and SkelDPO (input, skeletons, out set here)."""
    train: TrainConfig = field(default_factory=TrainConfig)
    """Training shared by every trained method (method, run_name, output_dir, model.path,
    data.path and data.pairs_path are set here)."""
    train_overrides: dict[str, dict] = field(default_factory=dict)
    """Per method, settings of `train` that differ, as nested mappings: e.g.
    {codedpo: {optim: {lr: 5e-6}}, skeldpo: {dpo: {lambda_skel: 0.5}}}."""
    generate: GenerateConfig = field(default_factory=GenerateConfig)
    """Sampling (methods, model, source, data and out are set here per benchmark)."""
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)
    """Evaluation (samples, source, data and out are set here per benchmark)."""
    compare: CompareConfig = field(default_factory=CompareConfig)
    """The report (runs, baseline and out are set here per benchmark)."""
    progress: bool = True
    """Show the stages' progress bars."""
    verbose: bool = False
    """Also show Ray's and the libraries' own logs on the terminal (each stage's log file
    holds them anyway)."""

    def __post_init__(self) -> None:
        if not self.methods:
            raise ValueError("methods: name at least one method")
        if len(set(self.methods)) != len(self.methods):
            raise ValueError(f"methods: {self.methods} names a method twice")
        if not self.strategies and "effiskel" in self.methods:
            raise ValueError("strategies: effiskel needs at least one skeleton strategy")
        if not self.benchmarks:
            raise ValueError("benchmarks: name at least one task source to evaluate on")
        labels = [b.label for b in self.benchmarks]
        if len(set(labels)) != len(labels):
            raise ValueError(f"benchmarks: {labels} name one benchmark twice; give each a name")
        unknown = set(self.train_overrides) - set(typing.get_args(Method))
        if unknown:
            raise ValueError(f"train_overrides: unknown method(s) {sorted(unknown)}; methods: "
                             f"{', '.join(typing.get_args(Method))}")
