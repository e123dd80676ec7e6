"""Typed dataclass configs: YAML files plus dotted `key.sub=value` overrides.

Every config is a dataclass whose fields carry a docstring (a string literal
right after the field, as in litgpt). Config dataclasses live next to the code
they configure (`sandbox.Limits`, `skeleton.SkeletonConfig`,
`training.config.TrainConfig`, ...); this module only knows how to build them:

    cfg = load(TrainConfig, "configs/demo.yaml", ["lora.rank=8", "method=efficoder"])

Unknown keys and badly typed values are errors that name the key and list the
valid ones, so a typo in a YAML file never silently falls back to a default.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from effiskel.sandbox.types import Limits
from effiskel.skeleton.extract import SkeletonConfig

T = TypeVar("T")


class ConfigError(ValueError):
    """A config file or override that does not fit its dataclass."""


def load(cls: type[T], path: str | Path | None = None, overrides: list[str] | None = None) -> T:
    """Build `cls` from an optional YAML file and `key.sub=value` overrides."""
    data: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        loaded = yaml.safe_load(path.read_text()) or {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {path} must hold a mapping at top level")
        data = loaded
    for item in overrides or []:
        apply_override(data, item)
    return from_dict(cls, data)


def apply_override(data: dict, item: str) -> None:
    """Apply one `a.b.c=value` to nested dict `data`; value is parsed as YAML."""
    if "=" not in item:
        raise ConfigError(f"override {item!r} is not of the form key.sub=value")
    key, raw = item.split("=", 1)
    parts = key.strip().split(".")
    if not all(parts):
        raise ConfigError(f"override {item!r} has an empty key part")
    node = data
    for p in parts[:-1]:
        node = node.setdefault(p, {})
        if not isinstance(node, dict):
            raise ConfigError(f"override {item!r}: {p!r} is not a section")
    node[parts[-1]] = yaml.safe_load(raw) if raw.strip() else ""


def from_dict(cls: type[T], data: dict, where: str = "") -> T:
    """Build dataclass `cls` from a nested dict, checking keys and types."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where or cls.__name__}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = set(data) - set(fields)
    if unknown:
        raise ConfigError(
            f"{where or cls.__name__}: unknown key(s) {sorted(unknown)}; valid keys: {sorted(fields)}"
        )
    kwargs = {}
    for name, value in data.items():
        kwargs[name] = _coerce(hints[name], value, f"{where}{name}")
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where or cls.__name__}: {e}") from e


def _coerce(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _coerce(a, value, where)
            except ConfigError as e:
                errors.append(str(e))
        raise ConfigError("; ".join(errors))
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value, where + ".")
    if origin in (list, tuple):
        if isinstance(value, str):  # "a,b,c" on the command line
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        inner = args[0] if args else Any
        out = [_coerce(inner, v, f"{where}[{i}]") for i, v in enumerate(value)]
        return tuple(out) if origin is tuple else out
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        return dict(value)
    if origin is typing.Literal:
        if value not in args:
            raise ConfigError(f"{where}: {value!r} is not one of {list(args)}")
        return value
    if tp is Any:
        return value
    if tp is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if tp is float and isinstance(value, str):
        # PyYAML reads "2e-5" (no dot) as a string; a learning rate is written that way.
        try:
            return float(value)
        except ValueError:
            pass
    if tp is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if tp is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(tp, type) and not isinstance(value, tp):
        raise ConfigError(f"{where}: expected {tp.__name__}, got {value!r}")
    return value


def to_dict(cfg: Any) -> dict:
    """A config as a plain nested dict (for YAML dumps and logging)."""
    return dataclasses.asdict(cfg)


def dump(cfg: Any) -> str:
    """A config as YAML text that `load` reads back to an equal config."""
    return yaml.safe_dump(to_dict(cfg), sort_keys=False)


def field_docs(cls: type) -> dict[str, str]:
    """The docstring of each field: the string literal right after it."""
    try:
        src = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = ast.parse(src).body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, nxt in zip(body, body[1:]):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            docs[node.target.id] = " ".join(nxt.value.value.split())
    return docs


def describe(cls: type, prefix: str = "") -> list[str]:
    """One line per field, nested sections included: `key (default): doc`."""
    lines = []
    docs = field_docs(cls)
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[f.name]):
            lines += describe(hints[f.name], f"{prefix}{f.name}.")
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = "required"
        lines.append(f"{prefix}{f.name} ({default!r}): {docs.get(f.name, '')}")
    return lines


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
    """Repeats per input in each interleaved round of the ranking (effiskel/profiling.py):
    1 pairs the solutions' runs most closely; more amortize a sandbox call over several."""
    repeat_mode: str = "child"
    """How the sandbox runs a round's repeats of one input: "child" (one fork, the
    repeats inside it, each with a fresh module namespace; for dataset solutions,
    which do not carry work between repeats) or "fork" (one fork per repeat: for
    programs that may game the timer). Matters when round_repeats > 1; see README."""
    pin_cpu: bool = True
    """Pin each sandbox worker, its sandbox server and their children to a CPU of its own
    where the node allows it (effiskel/pinning.py); the summary lists each worker's CPU."""
    max_incorrect: int = 3
    """Incorrect solutions kept per task, for the preference baselines."""
    chunk_size: int = 16
    """Solutions per runs shard: the granularity of resuming within a task."""
    workers: int | None = None
    """Sandbox actors (one CPU each); default: every CPU of the cluster."""
    address: str | None = None
    """Ray cluster to join (e.g. ray://head:10001 or auto); default: an embedded local Ray."""
    isolation: str = "auto"
    """Sandbox isolation: auto (kernel namespaces where allowed) or process."""
    limits: Limits = field(default_factory=Limits)
    """Per-run limits of the sandbox (a task's own time limit is not applied)."""
    preload: list[str] | None = None
    """Modules the sandbox server imports once; default: effiskel.sandbox.server.DEFAULT_PRELOAD."""
    source_options: dict = field(default_factory=dict)
    """Options passed to the source loader (e.g. ENAMEL: levels)."""
    progress: bool = True
    """Show a progress bar."""


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
    isolation: str = "auto"
    """Sandbox isolation for line profiling: auto or process."""
    limits: Limits = field(default_factory=Limits)
    """Limits of a line-profiled run (scaled by the profiler's slowdown, 10x)."""
    progress: bool = True
    """Show a progress bar."""
