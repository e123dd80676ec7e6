"""Training examples (N, C, S, M) → token ids, per-position targets and the aligned mask.

One Stage 2 row (task text N, efficient code C, skeleton S, character mask)
becomes two token sequences, for any Hugging Face *fast* tokenizer:

- the code sequence: `format_prompt(N)` then C then EOS; only C's tokens (and
  EOS) are targets, the prompt carries no loss;
- the skeleton sequence: `format_skeleton_prompt(N)` then S then EOS;
- M over the code sequence: a target token is 1 iff its character span (from
  the tokenizer's offset mapping) overlaps a skeleton character of C (for a
  token with non-space characters, only those count; see `_token_mask`).

Prompt and target are tokenized together, as one text, so the ids are what the
model sees; a target token is one that covers at least one character of C.

The code set is every efficient solution of Stage 2's output: a row whose skeleton
failed still holds its code. EffiSkel (β or γ > 0) trains on the rows that have
a skeleton; EffiCoder* (β = γ = 0, `needs_skeleton=False`) on every row's code,
so it sees the same code whether or not a skeleton was extracted for it.

Over-long examples (rule applied to each sequence, counted in `ExampleStats`):
an example whose prompt leaves no room for a target token within `max_length`
is dropped; otherwise a target that does not fit is cut to fit, and a cut target
gets no EOS (the model must not learn to stop mid-program).

`collate` turns a list of examples into one micro-batch for `losses.py`, in one
of two layouts (see `DataSection.layout`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from effiskel.training.prompts import format_prompt, format_skeleton_prompt

IGNORE = -100  # label of a position that predicts nothing (prompt, padding)

COLUMNS = [
    "task_id",
    "solution_id",
    "strategy",
    "prompt",
    "code",
    "skeleton",
    "char_mask",
    "status",
]


@dataclass
class Example:
    """One training example, tokenized. Arrays are int32 (cheap to ship to workers)."""

    code_ids: np.ndarray
    """Code sequence: prompt tokens, then C's tokens, then EOS unless C was cut."""
    code_prompt_len: int
    """Number of leading prompt tokens in `code_ids` (no loss on them)."""
    code_mask: np.ndarray
    """M, aligned with `code_ids`: 1 for a target token overlapping a skeleton character."""
    skel_ids: np.ndarray
    """Skeleton sequence: skeleton prompt tokens, then S's tokens, then EOS unless S was cut;
    empty for a code-only example (EffiCoder*, `needs_skeleton=False`)."""
    skel_prompt_len: int
    """Number of leading prompt tokens in `skel_ids`."""
    prefix_len: int
    """Leading tokens shared by both sequences; at most min(prompt lengths) - 1, so the first
    token of each branch is still a prompt token and the shared part predicts no target."""

    def row_length(self, layout: str, with_skeleton: bool) -> int:
        """Tokens this example puts in one micro-batch row (its longest row if stacked)."""
        if not with_skeleton:
            return len(self.code_ids)
        if layout == "shared_prefix":
            return len(self.code_ids) + len(self.skel_ids) - self.prefix_len
        return max(len(self.code_ids), len(self.skel_ids))


@dataclass
class ExampleStats:
    """What happened to the rows on their way to examples; printed and logged by the trainer."""

    rows: int = 0
    kept: int = 0
    dropped_no_skeleton: int = 0  # Stage 2 could not extract one; only when one is needed
    dropped_prompt_too_long: int = 0
    dropped_bad_row: int = 0
    truncated_code: int = 0
    truncated_skeleton: int = 0
    reasons: list[str] = field(default_factory=list)  # first few bad-row reasons, for humans

    def summary(self) -> str:
        return (
            f"{self.kept}/{self.rows} examples kept; dropped: {self.dropped_no_skeleton} "
            f"without a skeleton, {self.dropped_prompt_too_long} prompt too long, "
            f"{self.dropped_bad_row} bad rows; truncated targets: "
            f"{self.truncated_code} code, {self.truncated_skeleton} skeleton"
        )


def check_data_path(path: str | Path) -> Path:
    """`path` as a Path, or FileNotFoundError saying what it should be."""
    if not str(path) or not Path(path).exists():
        raise FileNotFoundError(
            f"data.path {str(path)!r} does not exist; point it at Stage 2's output "
            "directory of skeleton Parquet shards (OUT/skeletons)"
        )
    return Path(path)


def read_skeleton_rows(path: str | Path, strategy: str) -> tuple[list[dict], dict]:
    """Rows of the SKELETONS table at `path` of the given strategy that hold code: one per
    efficient solution, status "ok" or not (see `build_examples` for which train).

    Returns the rows and counts {"read", "other_strategy", "not_ok", "no_code"}: rows
    read, of other strategies, of this strategy whose skeleton failed (kept: their code
    is training data for EffiCoder*), and of this strategy without code (dropped).
    """
    import pyarrow.dataset as ds

    path = check_data_path(path)
    # Finished shards only: a crashed Stage 2 leaves `*.parquet.tmp-*` files behind.
    shards = sorted(path.glob("*.parquet"))
    if not shards:
        raise ValueError(
            f"{path} holds no Parquet shards (*.parquet); point data.path at Stage 2's "
            "output directory (OUT/skeletons), or run Stage 2 first"
        )
    dataset = ds.dataset([str(s) for s in shards], format="parquet")
    missing = [c for c in COLUMNS if c not in dataset.schema.names]
    if missing:
        raise ValueError(
            f"{path} is not a SKELETONS table: columns {missing} are missing "
            f"(see effiskel/schema.py; found {dataset.schema.names})"
        )
    rows = dataset.to_table(columns=COLUMNS).to_pylist()
    mine = [r for r in rows if r["strategy"] == strategy]
    ok = [r for r in rows if r["status"] == "ok"]
    if ok and not any(r["status"] == "ok" for r in mine):
        found = sorted({r["strategy"] for r in ok})
        raise ValueError(
            f"{path} has no ok rows of strategy {strategy!r}; it has {found}: "
            "set data.strategy to one of them"
        )
    chosen = [r for r in mine if isinstance(r["code"], str) and r["code"].strip()]
    counts = {
        "read": len(rows),
        "other_strategy": len(rows) - len(mine),
        "not_ok": sum(r["status"] != "ok" for r in chosen),
        "no_code": len(mine) - len(chosen),
    }
    return chosen, counts


def build_examples(
    rows: list[dict], tokenizer, max_length: int, needs_skeleton: bool = True
) -> tuple[list[Example], ExampleStats]:
    """Tokenize rows (dicts with prompt, code, skeleton, char_mask, status) into examples.

    `needs_skeleton` (β or γ > 0): only rows with status "ok" train (the others are
    counted in `dropped_no_skeleton`); without it every row's code trains and no
    skeleton sequence is built (EffiCoder*). M is set wherever a row has a skeleton.
    """
    if not getattr(tokenizer, "is_fast", False):
        raise TypeError(
            f"{type(tokenizer).__name__} is not a fast tokenizer; the mask alignment needs "
            "offset mappings: load it with AutoTokenizer.from_pretrained(..., use_fast=True)"
        )
    if tokenizer.eos_token_id is None:
        raise ValueError(f"tokenizer {tokenizer.name_or_path!r} has no eos_token; set one")
    stats = ExampleStats(rows=len(rows))
    good = []
    for row in rows:
        has_skeleton = row.get("status", "ok") == "ok"
        if needs_skeleton and not has_skeleton:
            stats.dropped_no_skeleton += 1
            continue
        code, char_mask, skel = row["code"] or "", row["char_mask"] or "", row["skeleton"] or ""
        bad = _bad_row_reason(code, char_mask, skel, has_skeleton)
        if bad:
            stats.dropped_bad_row += 1
            if len(stats.reasons) < 5:
                stats.reasons.append(f"{row.get('task_id')}/{row.get('solution_id')}: {bad}")
        else:
            good.append((row, has_skeleton))
    examples = []
    for i in range(0, len(good), 1024):  # batches: the Rust tokenizer runs them in parallel
        chunk = good[i : i + 1024]
        code_prompts = [format_prompt(r["prompt"]) for r, _ in chunk]
        code_enc = _tokenize(tokenizer, code_prompts, [r["code"] for r, _ in chunk])
        with_skel = [(k, r) for k, (r, has) in enumerate(chunk) if needs_skeleton and has]
        skel_prompts = {k: format_skeleton_prompt(r["prompt"]) for k, r in with_skel}
        skel_enc = dict(zip(skel_prompts, _tokenize(
            tokenizer, list(skel_prompts.values()), [r["skeleton"] for _, r in with_skel])))
        for k, ((row, has), cp, ce) in enumerate(zip(chunk, code_prompts, code_enc)):
            char_mask = row["char_mask"] if has else None
            code_seq = _fit(tokenizer, *ce, len(cp), row["code"], max_length, char_mask)
            skel_seq = (_fit(tokenizer, *skel_enc[k], len(skel_prompts[k]), row["skeleton"],
                             max_length) if k in skel_enc else (_NO_IDS, 0, None, False))
            if code_seq is None or skel_seq is None:
                stats.dropped_prompt_too_long += 1
                continue
            (c_ids, c_plen, c_mask, c_cut), (s_ids, s_plen, _, s_cut) = code_seq, skel_seq
            stats.truncated_code += c_cut
            stats.truncated_skeleton += s_cut
            limit = min(c_plen, s_plen) - 1
            p = 0
            while p < limit and c_ids[p] == s_ids[p]:
                p += 1
            examples.append(
                Example(
                    code_ids=c_ids,
                    code_prompt_len=c_plen,
                    code_mask=c_mask,
                    skel_ids=s_ids,
                    skel_prompt_len=s_plen,
                    prefix_len=p,
                )
            )
    stats.kept = len(examples)
    return examples, stats


_NO_IDS = np.zeros(0, dtype=np.int32)


def _bad_row_reason(code: str, char_mask: str, skeleton: str, has_skeleton: bool) -> str:
    if not code.strip():
        return "empty code"
    if not has_skeleton:
        return ""
    if not skeleton.strip():
        return "empty skeleton"
    if len(char_mask) != len(code) or set(char_mask) - {"0", "1"}:
        return (
            f"char_mask (length {len(char_mask)}) is not one 0/1 per character of code "
            f"(length {len(code)})"
        )
    return ""


def _tokenize(tokenizer, prompts: list[str], targets: list[str]) -> list[tuple[list, list]]:
    """(ids, offsets) of each prompt + target, tokenized as one text (what the model sees)."""
    texts = [p + t for p, t in zip(prompts, targets)]
    if not texts:  # Hugging Face tokenizers fail on an empty batch
        return []
    enc = tokenizer(texts, add_special_tokens=True, return_offsets_mapping=True)
    return list(zip(enc["input_ids"], enc["offset_mapping"]))


def _fit(tokenizer, ids, offsets, start: int, target: str, max_length: int, char_mask=None):
    """(ids, prompt_len, mask, was_cut) of prompt + target + EOS within max_length, or None
    if the prompt fills it. `start` = len(prompt); `mask[i]` = M of target token i."""
    # A target token covers at least one character of the target. Special tokens the
    # tokenizer adds (BOS, sometimes EOS) have empty spans: leading ones stay with the prompt,
    # trailing ones are dropped (we add EOS ourselves, only when the target is whole).
    is_target = [e > start and e > s for s, e in offsets]
    if not any(is_target):
        raise ValueError(
            f"tokenizer {tokenizer.name_or_path!r} gave no token covering the target text "
            f"{target[:40]!r}: its offset mapping is unusable here; use another fast tokenizer"
        )
    first = is_target.index(True)
    last = len(is_target) - 1 - is_target[::-1].index(True)
    ids, offsets = ids[: last + 1], offsets[: last + 1]
    if first >= max_length:
        return None
    room = max_length - first
    cut = len(ids) - first + 1 > room  # target tokens + EOS do not fit
    ids = ids[:max_length] if cut else ids + [tokenizer.eos_token_id]
    mask = np.zeros(len(ids), dtype=np.int32)
    if char_mask is not None:
        n = min(len(offsets), len(ids))  # a cut target, or our EOS (not a token of C)
        mask[first:n] = _token_mask(offsets[first:n], start, target, char_mask)
    return np.asarray(ids, dtype=np.int32), first, mask, cut


def _token_mask(offsets, start: int, target: str, char_mask: str) -> np.ndarray:
    """M for target tokens with character spans `offsets` (in prompt + target coordinates).

    1 iff the token overlaps a skeleton character. Whitespace is looked at only in tokens
    that are all whitespace: byte-level BPE glues the preceding space to a word (" lo"), and
    that space must not make a masked-out identifier part of the skeleton.
    """
    skel = np.frombuffer(char_mask.encode(), np.uint8) == ord("1")
    space = np.array([c.isspace() for c in target], dtype=bool)
    # Prefix sums: any count over a span [s, e) is one subtraction.
    cum = lambda a: np.concatenate([[0], np.cumsum(a)])  # noqa: E731
    skel_all, skel_word, word = cum(skel), cum(skel & ~space), cum(~space)
    span = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    s, e = np.maximum(span[:, 0], start) - start, span[:, 1] - start
    has_word = word[e] - word[s] > 0
    hit = np.where(has_word, skel_word[e] - skel_word[s] > 0, skel_all[e] - skel_all[s] > 0)
    return (hit & (e > s)).astype(np.int32)


@dataclass
class Batch:
    """One micro-batch. Position t of a row predicts `labels[t]` (already shifted)."""

    input_ids: torch.Tensor  # [B, L] long
    position_ids: torch.Tensor  # [B, L] long
    labels: torch.Tensor  # [B, L] long, IGNORE where nothing is predicted
    # Which loss term a target belongs to, in the order of losses.TERMS:
    is_code: torch.Tensor  # [B, L] bool: labels[t] is a token of C (or its EOS)
    is_skel: torch.Tensor  # [B, L] bool: labels[t] is a token of S (or its EOS)
    is_mask: torch.Tensor  # [B, L] bool: labels[t] is a token of C with M = 1
    lengths: torch.Tensor  # [B] long: real (non-padding) tokens of each row, then padding
    # Shared-prefix layout only (else None): each row is a tree, and the model builds its
    # attention mask on the device from these (`tree_attention_mask`); other rows are causal.
    branch: torch.Tensor | None = None  # [B] long: first position of the skeleton branch
    prefix: torch.Tensor | None = None  # [B] long: tokens shared by both branches

    @property
    def num_tokens(self) -> int:
        """Real (non-padding) input tokens, the unit of tokens/s."""
        return int(self.lengths.sum())

    def to(self, device) -> Batch:
        return Batch(
            **{
                k: v if v is None else v.to(device, non_blocking=True)
                for k, v in vars(self).items()
            }
        )


class _Row(NamedTuple):
    """One micro-batch row before padding: token arrays, then the row's tree shape."""

    ids: np.ndarray
    positions: np.ndarray
    labels: np.ndarray
    is_code: np.ndarray  # the three flags in the order of losses.TERMS
    is_skel: np.ndarray
    is_mask: np.ndarray
    branch: int  # first position of the skeleton branch (shared-prefix rows)
    prefix: int  # tokens shared by both branches (shared-prefix rows)


def _targets(ids: np.ndarray, prompt_len: int, mask: np.ndarray | None):
    """Shifted targets of one sequence: position t predicts ids[t+1] if that is a target."""
    n = len(ids)
    labels = np.full(n, IGNORE, dtype=np.int64)
    hit = np.zeros(n, dtype=bool)
    hit[prompt_len - 1 : n - 1] = True
    labels[hit] = ids[prompt_len:]
    m = np.zeros(n, dtype=bool)
    if mask is not None:
        m[prompt_len - 1 : n - 1] = mask[prompt_len:] == 1
    return labels, hit, m


def collate(
    examples: list[Example], layout: str, with_skeleton: bool, pad_id: int, pad_to: int = 1
) -> Batch:
    """Pad a list of examples into one micro-batch.

    `with_skeleton=False` (β = 0): code sequences only, a plain causal batch.
    `stacked`: the code rows, then the skeleton rows, each its own causal sequence.
    `shared_prefix`: one row per example: code sequence, then the skeleton sequence's tokens
    after the shared prefix, with positions continuing from the prefix; the attention mask
    lets a skeleton-branch token see the shared prefix and its own branch only, so every
    logit equals the one of the separate sequence.
    `pad_to`: round the padded length up to a multiple of it (see `pad_multiple`).
    """
    rows: list[_Row] = []
    if with_skeleton and any(not len(ex.skel_ids) for ex in examples):
        raise ValueError("an example without a skeleton sequence (built with needs_skeleton="
                         "False) cannot train L_skeleton; build the examples with it True")
    for ex in examples:
        c_lab, c_hit, c_m = _targets(ex.code_ids, ex.code_prompt_len, ex.code_mask)
        n_c = len(ex.code_ids)
        no_c = np.zeros(n_c, bool)
        code_row = _Row(ex.code_ids, np.arange(n_c), c_lab, c_hit, no_c, c_m, n_c, 0)
        if not with_skeleton:
            rows.append(code_row)
            continue
        s_lab, s_hit, _ = _targets(ex.skel_ids, ex.skel_prompt_len, None)
        n_s = len(ex.skel_ids)
        if layout == "stacked":
            no_s = np.zeros(n_s, bool)
            rows += [code_row, _Row(ex.skel_ids, np.arange(n_s), s_lab, no_s, s_hit, no_s, n_s, 0)]
        elif layout == "shared_prefix":
            p = ex.prefix_len
            no_s = np.zeros(n_s - p, bool)
            rows.append(
                _Row(
                    ids=np.concatenate([ex.code_ids, ex.skel_ids[p:]]),
                    positions=np.concatenate([np.arange(n_c), np.arange(p, n_s)]),
                    labels=np.concatenate([c_lab, s_lab[p:]]),
                    is_code=np.concatenate([c_hit, no_s]),
                    is_skel=np.concatenate([no_c, s_hit[p:]]),
                    is_mask=np.concatenate([c_m, no_s]),
                    branch=n_c,
                    prefix=p,
                )
            )
        else:
            raise ValueError(f"data.layout {layout!r} is not one of ['shared_prefix', 'stacked']")
    B, L = len(rows), max(len(r.ids) for r in rows)
    L = -(-L // pad_to) * pad_to
    ids = np.full((B, L), pad_id, dtype=np.int64)
    pos = np.zeros((B, L), dtype=np.int64)
    labels = np.full((B, L), IGNORE, dtype=np.int64)
    flags = np.zeros((3, B, L), dtype=bool)  # losses.TERMS order
    lengths, branch, prefix = np.zeros(B, np.int64), np.zeros(B, np.int64), np.zeros(B, np.int64)
    for b, r in enumerate(rows):
        n = len(r.ids)
        ids[b, :n], pos[b, :n], labels[b, :n] = r.ids, r.positions, r.labels
        flags[:, b, :n] = r.is_code, r.is_skel, r.is_mask
        lengths[b], branch[b], prefix[b] = n, r.branch, r.prefix
    t = torch.from_numpy
    tree = with_skeleton and layout == "shared_prefix"
    return Batch(
        input_ids=t(ids),
        position_ids=t(pos),
        labels=t(labels),
        is_code=t(flags[0]),
        is_skel=t(flags[1]),
        is_mask=t(flags[2]),
        lengths=t(lengths),
        branch=t(branch) if tree else None,
        prefix=t(prefix) if tree else None,
    )


def pad_multiple(device: torch.device) -> int:
    """`collate`'s `pad_to` for a device: aligned lengths suit the GPU attention kernels."""
    return 16 if device.type == "cuda" else 1


def tree_attention_mask(
    lengths: torch.Tensor,
    branch: torch.Tensor,
    prefix: torch.Tensor,
    L: int,
    dtype: torch.dtype,
    device: torch.device,
) -> torch.Tensor:
    """[B, 1, L, L] additive float mask (0 = may attend, dtype's min = hidden) on `device`,
    the form every attention kernel that takes a custom mask accepts: causal, except that a
    query in the skeleton branch (at or after `branch`) sees no key of the code branch after
    the shared `prefix`. Padding keys are hidden; a padding query sees itself only (its
    output is never used, but must not be NaN)."""
    q = torch.arange(L, device=device)[None, :, None]
    k = torch.arange(L, device=device)[None, None, :]
    branch, prefix, lengths = (x.to(device)[:, None, None] for x in (branch, prefix, lengths))
    allowed = (k <= q) & (q < lengths)
    allowed &= ~((q >= branch) & (k >= prefix) & (k < branch))
    allowed |= (q == k) & (q >= lengths)
    zero = torch.zeros((), dtype=dtype, device=device)
    return torch.where(allowed, zero, torch.finfo(dtype).min)[:, None]
