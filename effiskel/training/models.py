"""Base models: check and load a local HF causal LM, add LoRA, build the `tiny` preset.

Nothing here downloads: a model is a local directory (config.json, weights, a
fast tokenizer), or the `tiny` preset built from the training texts.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from effiskel.skeleton.render import MASK as MASK_TOKEN
from effiskel.training.examples import tree_attention_mask

TINY = "tiny"


class ModelPathError(ValueError):
    """model.path does not name a usable local causal-LM directory."""


def check_model_dir(path: str | Path) -> None:
    """Raise ModelPathError, saying what to do, unless `path` is a local HF causal-LM dir
    with weights and a tokenizer. Cheap (reads config.json only): run it before Ray starts."""
    from transformers import AutoConfig
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    p = Path(path)
    what = f"model.path {str(path)!r}"
    if not p.is_dir():
        raise ModelPathError(
            f"{what} is not a directory. Give a local Hugging Face model directory "
            f"(config.json, weights, tokenizer; e.g. from `huggingface-cli download`) or {TINY!r}."
        )
    if not (p / "config.json").is_file():
        raise ModelPathError(
            f"{what} has no config.json: it is not a Hugging Face model directory."
        )
    try:
        config = AutoConfig.from_pretrained(p)
    except Exception as e:  # unknown model_type, malformed JSON, ...
        raise ModelPathError(f"{what}: config.json cannot be read by transformers: {e}") from e
    if config.model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        raise ModelPathError(
            f"{what} is a {config.model_type!r} model, not a causal language model "
            "(AutoModelForCausalLM cannot load it). Give a decoder-only code LLM, e.g. "
            "Qwen2.5-Coder, StarCoder2, DeepSeek-Coder, CodeLlama."
        )
    if not any(p.glob("*.safetensors")) and not any(p.glob("*.bin")):
        raise ModelPathError(f"{what} holds no weights (*.safetensors or *.bin).")
    if not (p / "tokenizer.json").is_file() and not (p / "tokenizer_config.json").is_file():
        raise ModelPathError(
            f"{what} holds no tokenizer (tokenizer.json); save one beside the model."
        )


def load_tokenizer(path: str | Path):
    """The model's fast tokenizer, with a pad token (EOS if it has none)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path, use_fast=True)
    if not tok.is_fast:
        raise ModelPathError(
            f"the tokenizer in {str(path)!r} has no fast (Rust) version; the mask alignment needs "
            "its offset mapping. Save a tokenizer.json beside the model."
        )
    if tok.pad_token_id is None:
        tok.pad_token = tok.eos_token
    return tok


def load_model(path: str | Path, dtype: torch.dtype, attn_implementation: str = "sdpa"):
    """AutoModelForCausalLM from a local directory, in `dtype`."""
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(
        path, dtype=dtype, attn_implementation=attn_implementation
    )


def lora_config(rank: int, alpha: int, dropout: float, target_modules: list[str]):
    """The peft LoraConfig of the `lora` config section (TRL's trainers take it as is)."""
    from peft import LoraConfig

    targets = "all-linear" if list(target_modules) == ["all-linear"] else list(target_modules)
    return LoraConfig(
        r=rank,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules=targets,
        task_type="CAUSAL_LM",
    )


def add_lora(model, rank: int, alpha: int, dropout: float, target_modules: list[str]):
    """Wrap `model` in a peft LoRA adapter; only the adapter's weights train."""
    from peft import get_peft_model

    return get_peft_model(model, lora_config(rank, alpha, dropout, target_modules))


class TargetLogits(nn.Module):
    """A causal LM (peft-wrapped or not) whose forward returns logits only at the positions
    that predict a label. The output head of a code LLM is a large matmul (Qwen2.5-1.5B:
    151,936 × 1,536, ~15 % of its FLOPs); the prompt's positions predict nothing, so
    skipping them saves that work and the [B, L, V] logits tensor."""

    def __init__(self, lm: nn.Module):
        super().__init__()
        self.lm = lm
        # A head followed by logit post-processing (softcapping, scaling) needs the full model.
        cfg = self.base().config
        self.full_model = bool(
            getattr(cfg, "final_logit_softcapping", None) or getattr(cfg, "logit_scale", None)
        )

    def base(self):
        # Looked up, not stored: an attribute would register the base model a second time
        # (under another name in every state dict and checkpoint).
        return self.lm.get_base_model() if hasattr(self.lm, "get_base_model") else self.lm

    def forward(
        self,
        input_ids: torch.Tensor,
        position_ids: torch.Tensor,
        select: torch.Tensor,
        lengths: torch.Tensor,
        branch: torch.Tensor | None = None,
        prefix: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Logits at the `select`ed positions of rows of `lengths` tokens, then padding.

        Rows are causal sequences, or with `branch` and `prefix` shared-prefix trees
        (`examples.collate`), whose mask is built here, on the device.
        """
        base = self.base()
        L = input_ids.shape[1]
        if branch is None:
            positions = torch.arange(L, device=input_ids.device)
            attention_mask = (positions[None, :] < lengths[:, None]).long()
        else:
            dtype = base.get_input_embeddings().weight.dtype
            attention_mask = tree_attention_mask(lengths, branch, prefix, L, dtype, input_ids.device)
        if self.full_model:
            out = base(
                input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids
            )
            return out.logits[select]
        hidden = base.get_decoder()(
            input_ids=input_ids,
            attention_mask=attention_mask,
            position_ids=position_ids,
            use_cache=False,
        ).last_hidden_state
        return base.get_output_embeddings()(hidden[select])


def tiny_config(vocab_size: int, **token_ids):
    """The `tiny` preset's architecture: a 2-layer, width-64 Llama."""
    from transformers import LlamaConfig

    return LlamaConfig(vocab_size=vocab_size, hidden_size=64, intermediate_size=256,
                       num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
                       max_position_embeddings=8192, **token_ids)


def build_tiny(
    texts: list[str], out_dir: str | Path, vocab_size: int = 1024, seed: int = 0
) -> Path:
    """The `tiny` preset: a byte-level BPE tokenizer trained on `texts` (with `<MASK>` as one
    added token) and a randomly initialised 2-layer, width-64 Llama, saved as a normal HF
    directory (AutoModelForCausalLM / AutoTokenizer load it). Returns `out_dir`."""
    from tokenizers import (
        AddedToken,
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import LlamaForCausalLM, PreTrainedTokenizerFast

    out = Path(out_dir)
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    core.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>", "<|pad|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(texts, trainer)
    # Not "special": decoding with skip_special_tokens must keep it in a skeleton.
    core.add_tokens([AddedToken(MASK_TOKEN, special=False, normalized=False)])
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core, eos_token="<|endoftext|>", pad_token="<|pad|>"
    )

    torch.manual_seed(seed)
    config = tiny_config(
        vocab_size=len(tok),
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
        bos_token_id=None,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def tiny_model(texts: list[str], output_dir: str | Path, vocab_size: int, seed: int) -> Path:
    """The `tiny` preset for these training texts, built once in `output_dir`.

    One model per (texts, vocabulary, seed), so the runs of one data set share their
    starting weights and a resumed run finds its own."""
    import hashlib
    import json

    key = hashlib.sha256(json.dumps([texts, vocab_size, seed]).encode()).hexdigest()
    path = Path(output_dir).resolve() / f"tiny_model-{key[:12]}"
    if not (path / "config.json").is_file():
        build_tiny(texts, path, vocab_size=vocab_size, seed=seed)
    return path


def merge_adapter(base_path: str | Path, adapter_dir: str | Path, out_dir: str | Path) -> Path:
    """Write base model + LoRA adapter merged into plain weights (loadable without peft)."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(base_path, dtype="auto")
    merged = PeftModel.from_pretrained(model, adapter_dir).merge_and_unload()
    merged.save_pretrained(out_dir)
    load_tokenizer(base_path).save_pretrained(out_dir)
    return Path(out_dir)
