"""Examples: prompt template, mask alignment on two tokenizers, truncation, collation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from effiskel.skeleton.extract import SkeletonConfig
from effiskel.tasks.mini import MINI_DIR
from effiskel.training import examples as E
from effiskel.training import losses
from effiskel.training.models import (
    MASK_TOKEN,
    TargetLogits,
    build_tiny,
    load_model,
    load_tokenizer,
)
from effiskel.training.prompts import format_prompt, format_skeleton_prompt
from effiskel.training.trainer import micro_sums
from tests.training.synthetic import skeleton_rows, write_shards

ROWS = skeleton_rows(30)
TEXTS = [format_prompt(r["prompt"]) + r["code"] for r in ROWS] + [
    format_skeleton_prompt(r["prompt"]) + r["skeleton"] for r in ROWS
]
KEYWORDS = {
    "def",
    "for",
    "in",
    "while",
    "if",
    "else",
    "return",
    "range",
    "len",
    "sorted",
    "set",
    "int",
    "print",
}


@pytest.fixture(scope="module")
def tiny_dir(build_dir):
    return build_tiny(TEXTS, build_dir / "tmp" / "training-examples-tiny", vocab_size=400)


@pytest.fixture(scope="module")
def bpe(tiny_dir):
    """The `tiny` preset's byte-level BPE."""
    return load_tokenizer(tiny_dir)


@pytest.fixture(scope="module")
def wordpiece():
    """A WordPiece tokenizer (BERT pre-tokenizer: whitespace dropped, `##` pieces)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    core.train_from_iterator(
        TEXTS, trainers.WordPieceTrainer(vocab_size=300, special_tokens=["[UNK]", "[PAD]", "[EOS]"])
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]"
    )


@pytest.mark.parametrize("name", ["bpe", "wordpiece"])
def test_mask_marks_exactly_the_tokens_over_skeleton_characters(name, request):
    tok = request.getfixturevalue(name)
    exs, stats = E.build_examples(ROWS, tok, max_length=1600)
    assert stats.kept == len(ROWS)
    checked_kw = checked_ident = 0
    for row, ex in zip(ROWS, exs):
        prompt, code, cmask = format_prompt(row["prompt"]), row["code"], row["char_mask"]
        enc = tok(prompt + code, add_special_tokens=True, return_offsets_mapping=True)
        start = len(prompt)
        n_target = len(ex.code_ids) - ex.code_prompt_len - 1  # minus EOS
        assert ex.code_ids[-1] == tok.eos_token_id and ex.code_mask[-1] == 0
        assert not ex.code_mask[: ex.code_prompt_len].any()  # no mask on the prompt
        covered = set()
        for i in range(ex.code_prompt_len, ex.code_prompt_len + n_target):
            s, e = enc["offset_mapping"][i]
            s, e = max(s, start) - start, e - start
            text, bits = code[s:e], cmask[s:e]
            words = [b for c, b in zip(text, bits) if not c.isspace()]
            expected = ("1" in words) if words else ("1" in bits)
            assert ex.code_mask[i] == int(expected), (name, text, bits)
            if ex.code_mask[i]:
                covered.update(j for j in range(s, e) if not code[j].isspace())
            if text.strip() in KEYWORDS and cmask[s:e].strip("0") != "":
                checked_kw += 1
                assert ex.code_mask[i] == 1
            if text.strip().isidentifier() and text.strip() not in KEYWORDS and "1" not in words:
                checked_ident += 1
                assert ex.code_mask[i] == 0
        # Every non-space skeleton character of C lies in a token with M = 1.
        assert {
            j for j, (c, b) in enumerate(zip(code, cmask)) if b == "1" and not c.isspace()
        } <= covered
    assert checked_kw > 20 and checked_ident > 20


def test_sequences_use_the_shared_prompt_template_and_share_their_prefix(bpe):
    exs, _ = E.build_examples(ROWS[:5], bpe, max_length=1600)
    mask_id = bpe.convert_tokens_to_ids(MASK_TOKEN)
    for row, ex in zip(ROWS, exs):
        assert bpe.decode(ex.code_ids[: ex.code_prompt_len]) == format_prompt(row["prompt"])
        assert bpe.decode(ex.code_ids[ex.code_prompt_len : -1]) == row["code"]
        assert bpe.decode(ex.skel_ids[: ex.skel_prompt_len]) == format_skeleton_prompt(
            row["prompt"]
        )
        assert bpe.decode(ex.skel_ids[ex.skel_prompt_len : -1]) == row["skeleton"]
        assert mask_id in ex.skel_ids.tolist()  # <MASK> is one token
        p = ex.prefix_len
        assert (ex.code_ids[:p] == ex.skel_ids[:p]).all()
        # The task text is inside the shared prefix; both branches start with a prompt token.
        assert len(bpe.decode(ex.code_ids[:p])) > len(row["prompt"])
        assert p < min(ex.code_prompt_len, ex.skel_prompt_len)


def test_truncation_rule_drops_long_prompts_and_cuts_long_targets_without_eos(bpe):
    row = ROWS[4]
    full, _ = E.build_examples([row], bpe, max_length=10_000)
    ex = full[0]
    plen, n_code, n_skel = ex.code_prompt_len, len(ex.code_ids), len(ex.skel_ids)
    longest_prompt = max(plen, ex.skel_prompt_len)  # the skeleton instruction is longer

    # A prompt alone fills max_length: the example is dropped and counted.
    kept, stats = E.build_examples([row], bpe, max_length=longest_prompt)
    assert kept == [] and stats.dropped_prompt_too_long == 1 and stats.kept == 0

    # Room for 3 tokens after the longer prompt: both targets are cut to fit, without EOS.
    limit = longest_prompt + 3
    kept, stats = E.build_examples([row], bpe, max_length=limit)
    assert stats.kept == 1 and stats.truncated_code == 1 and stats.truncated_skeleton == 1
    cut = kept[0]
    assert len(cut.code_ids) == len(cut.skel_ids) == limit
    assert cut.code_ids[-1] != bpe.eos_token_id and cut.skel_ids[-1] != bpe.eos_token_id
    assert (cut.code_ids == ex.code_ids[:limit]).all()
    assert (cut.code_mask == ex.code_mask[:limit]).all()

    # Exactly enough room for C + EOS: whole, with EOS; S (longer) is cut.
    kept, stats = E.build_examples([row], bpe, max_length=n_code)
    assert stats.truncated_code == 0 and kept[0].code_ids[-1] == bpe.eos_token_id
    assert stats.truncated_skeleton == int(n_skel > n_code)


def test_bad_rows_are_dropped_and_counted_with_a_reason(bpe):
    bad = dict(ROWS[0], char_mask=ROWS[0]["char_mask"][:-3])
    exs, stats = E.build_examples([bad, ROWS[1]], bpe, max_length=1600)
    assert len(exs) == 1 and stats.dropped_bad_row == 1
    assert "char_mask" in stats.reasons[0] and ROWS[0]["task_id"] in stats.reasons[0]


def test_read_skeleton_rows_keeps_every_row_of_the_strategy_that_has_code(work_dir):
    rows = skeleton_rows(6) + skeleton_rows(3, strategy="sms")
    rows[0] = dict(rows[0], status="error", reason="x", skeleton=None, char_mask=None)
    rows[1] = dict(rows[1], status="error", reason="y", code=None, skeleton=None, char_mask=None)
    write_shards(rows, work_dir / "sk")
    got, counts = E.read_skeleton_rows(work_dir / "sk", "tas")
    assert [r["task_id"] for r in sorted(got, key=lambda r: r["task_id"])] == [
        "t000", "t002", "t003", "t004", "t005"]
    assert counts == {"read": 9, "other_strategy": 3, "not_ok": 1, "no_code": 1}
    with pytest.raises(ValueError, match="has .*'sms', 'tas'.*data.strategy"):
        E.read_skeleton_rows(work_dir / "sk", "sss")
    with pytest.raises(FileNotFoundError, match="data.path"):
        E.read_skeleton_rows(work_dir / "missing", "tas")


def test_read_skeleton_rows_skips_what_a_crashed_stage_2_left_behind(work_dir):
    write_shards(skeleton_rows(4), work_dir / "sk")
    (work_dir / "sk" / "x.parquet.tmp-1234").write_bytes(b"half a shard")
    got, counts = E.read_skeleton_rows(work_dir / "sk", "tas")
    assert len(got) == 4 and counts["read"] == 4


def test_read_skeleton_rows_names_the_missing_columns(work_dir):
    import pyarrow as pa
    import pyarrow.parquet as pq

    (work_dir / "sk").mkdir()
    pq.write_table(pa.table({"code": ["x = 1"]}), work_dir / "sk" / "part.parquet")
    with pytest.raises(ValueError, match=r"not a SKELETONS table: columns .*'skeleton'"):
        E.read_skeleton_rows(work_dir / "sk", "tas")


def stage2_rows(tmp: Path) -> Path:
    """Stage 2's real output for three mini tasks, five solutions each, where only some
    solutions have a line profile: their TAS rows fail, their SMS rows do not."""
    from effiskel.skeleton.extract import extract_task

    rows = []
    for n, task in enumerate(["0000", "0001", "0002"]):
        codes = json.loads((MINI_DIR / task / "solutions.json").read_text())[:5]
        sols = [{"solution_id": f"{task}/{i}", "code": c, "rank": i + 1}
                for i, c in enumerate(codes)]
        # A line profile of the first n solutions only (a synthetic one: every line ran).
        profiles = {s["solution_id"]: {k: (1, 10 * k) for k in range(1, len(s["code"]
                    .splitlines()) + 1)} for s in sols[:n]}
        rows += extract_task(f"mini/{task}", f"task {task}", sols, profiles,
                             SkeletonConfig(strategies=("sms", "tas")))
    return write_shards(rows, tmp / "skeletons")


def test_efficoder_trains_on_every_efficient_solution_skeleton_or_not(work_dir, bpe):
    path = stage2_rows(work_dir)
    tas, tas_counts = E.read_skeleton_rows(path, "tas")
    sms, _ = E.read_skeleton_rows(path, "sms")
    assert tas_counts["not_ok"] == 15 - 3  # TAS needs the reference's own profile
    assert all(r["status"] == "ok" for r in sms)

    def code_set(rows, needs_skeleton):
        exs, stats = E.build_examples(rows, bpe, 1600, needs_skeleton)
        assert stats.dropped_bad_row == stats.dropped_prompt_too_long == 0
        return sorted(bpe.decode(ex.code_ids[ex.code_prompt_len : -1]) for ex in exs), stats

    every_solution = sorted(r["code"] for r in sms)
    assert len(set(every_solution)) == 15
    # EffiCoder*: the same 15 programs from either strategy, failed skeletons included.
    assert code_set(tas, False)[0] == code_set(sms, False)[0] == every_solution
    # EffiSkel: the rows with a skeleton only, the others counted.
    skel_codes, stats = code_set(tas, True)
    assert len(skel_codes) == 3 and stats.dropped_no_skeleton == 12
    assert skel_codes == sorted(r["code"] for r in tas if r["status"] == "ok")


def test_code_only_examples_are_the_code_half_of_full_examples(bpe):
    full, _ = E.build_examples(ROWS[:5], bpe, max_length=1600)
    code_only, _ = E.build_examples(ROWS[:5], bpe, max_length=1600, needs_skeleton=False)
    for f, c in zip(full, code_only):
        assert (f.code_ids == c.code_ids).all() and f.code_prompt_len == c.code_prompt_len
        assert (f.code_mask == c.code_mask).all()  # M where a skeleton exists, for logging
        assert len(c.skel_ids) == 0 and c.prefix_len == 0
    assert E.collate(code_only, "shared_prefix", False, pad_id=0).num_tokens == sum(
        len(ex.code_ids) for ex in code_only)
    with pytest.raises(ValueError, match="without a skeleton sequence"):
        E.collate(code_only, "shared_prefix", True, pad_id=0)


def test_shared_prefix_layout_gives_the_losses_of_separate_sequences(tiny_dir, bpe):
    torch.manual_seed(0)
    model = TargetLogits(load_model(tiny_dir, torch.float32)).eval()
    exs, _ = E.build_examples(ROWS[:5], bpe, max_length=1600)
    with torch.no_grad():
        tree = micro_sums(model, E.collate(exs, "shared_prefix", True, pad_id=0))
        stacked = micro_sums(model, E.collate(exs, "stacked", True, pad_id=0, pad_to=8))
        one_by_one = sum(
            micro_sums(model, E.collate([ex], "stacked", True, pad_id=0)) for ex in exs
        )
        code_only = micro_sums(model, E.collate(exs, "shared_prefix", False, pad_id=0))
        # Reference: Hugging Face's own loss, one code sequence at a time.
        hf = 0.0
        for ex in exs:
            ids = torch.tensor(ex.code_ids, dtype=torch.long)[None]
            labels = ids.clone()
            labels[0, : ex.code_prompt_len] = -100
            n = len(ex.code_ids) - ex.code_prompt_len
            hf += model.lm(input_ids=ids, labels=labels).loss.item() * n
    assert torch.allclose(tree, stacked, rtol=1e-5)
    assert torch.allclose(tree, one_by_one, rtol=1e-5)
    assert code_only[1] == 0 and torch.allclose(code_only[[0, 2]], tree[[0, 2]], rtol=1e-5)
    assert tree[0].item() == pytest.approx(hf, rel=1e-5)
    counts = losses.token_counts(
        *(
            getattr(E.collate(exs, "shared_prefix", True, 0), k)
            for k in ("is_code", "is_skel", "is_mask")
        )
    )
    n_code = sum(len(ex.code_ids) - ex.code_prompt_len for ex in exs)
    n_skel = sum(len(ex.skel_ids) - ex.skel_prompt_len for ex in exs)
    assert counts.tolist() == [n_code, n_skel, sum(int(ex.code_mask.sum()) for ex in exs)]


def test_tree_mask_hides_the_code_branch_from_the_skeleton_branch():
    # Row: prefix 0-2, code branch 3-4, skeleton branch 5-6, padding 7.
    lengths, branch, prefix = torch.tensor([7]), torch.tensor([5]), torch.tensor([3])
    additive = E.tree_attention_mask(lengths, branch, prefix, 8, torch.bfloat16, "cpu")
    assert additive.shape == (1, 1, 8, 8) and additive.dtype == torch.bfloat16
    m = additive[0, 0] == 0  # may attend; every other entry is the dtype's minimum
    assert (additive[0, 0][~m] == torch.finfo(torch.bfloat16).min).all()
    assert m[4].tolist() == [True] * 5 + [False] * 3
    assert m[6].tolist() == [True, True, True, False, False, True, True, False]
    assert m[7].tolist() == [False] * 7 + [True]
    assert np.array_equal(m[:5, :5].numpy(), np.tril(np.ones((5, 5), bool)))
