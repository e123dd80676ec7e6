"""TrainConfig: documented fields, paper defaults, the YAML files under configs/."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from effiskel.config import ConfigError, dump, field_docs, load
from effiskel.training.config import TrainConfig
from tests.conftest import ROOT

TRAIN_CONFIGS = [
    "demo_train.yaml",
    "qwen2.5-coder-1.5b.yaml",
    "qwen2.5-coder-7b.yaml",
    "starcoder2-3b.yaml",
    "deepseek-coder-6.7b.yaml",
    "codellama-7b-python.yaml",
]


def _sections(cls):
    yield cls
    for f in dataclasses.fields(cls):
        tp = typing.get_type_hints(cls)[f.name]
        if dataclasses.is_dataclass(tp):
            yield from _sections(tp)


def test_every_field_has_a_docstring():
    for cls in _sections(TrainConfig):
        undocumented = {f.name for f in dataclasses.fields(cls)} - set(field_docs(cls))
        assert not undocumented, f"{cls.__name__}: {undocumented}"
    assert field_docs(TrainConfig)["method"].startswith("`effiskel` = multi-task")


def test_method_picks_the_weights_and_overrides_win():
    assert load(TrainConfig, None, []).weights == (0.6, 0.2, 0.2)
    assert load(TrainConfig, None, ["--method", "efficoder"]).weights == (1.0, 0.0, 0.0)
    assert load(TrainConfig, None, ["--beta", "0.5"]).weights == (0.6, 0.5, 0.2)
    with pytest.raises(ConfigError, match="method"):
        load(TrainConfig, None, ["--method", "dpo"])
    with pytest.raises(ConfigError, match="negative"):
        load(TrainConfig, None, ["--gamma", "-1"])


def test_defaults_follow_the_paper():
    cfg = load(TrainConfig, None, [])
    o = cfg.optim
    assert (o.lr, o.global_batch_size, o.epochs, cfg.data.max_length) == (2e-5, 64, 5, 1600)
    assert cfg.data.strategy == "tas" and cfg.deepspeed.zero_stage == 2
    with pytest.raises(ConfigError, match="zero_stage"):
        load(TrainConfig, None, ["--deepspeed.zero_stage", "1"])


@pytest.mark.parametrize("name", TRAIN_CONFIGS)
def test_config_files_load_and_round_trip(name, work_dir):
    cfg = load(TrainConfig, ROOT / "configs" / name)
    (work_dir / "c.yaml").write_text(dump(cfg))
    assert load(TrainConfig, work_dir / "c.yaml") == cfg
    if name != "demo_train.yaml":  # the paper's setting
        o = cfg.optim
        assert (o.lr, o.global_batch_size, o.epochs, cfg.data.max_length, cfg.method) == (
            2e-5,
            64,
            5,
            1600,
            "effiskel",
        )
        assert o.global_batch_size % (o.micro_batch_size * cfg.scaling.num_workers) == 0
