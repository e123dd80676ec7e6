"""effiskel.config: one parser (jsonargparse) builds every stage's config, from YAML and flags."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from effiskel import config
from effiskel.config import (
    ConfigError,
    ExtractConfig,
    ProfileConfig,
    dump,
    from_dict,
    load,
    to_dict,
)
from effiskel.sandbox import Limits
from effiskel.skeleton.extract import SkeletonConfig
from effiskel.training.config import TrainConfig
from jobs import extract as extract_job
from jobs import profile as profile_job

STAGE_CONFIGS = [ProfileConfig, ExtractConfig, TrainConfig]


def _sections(cls):
    yield cls
    for tp in typing.get_type_hints(cls).values():
        if dataclasses.is_dataclass(tp):
            yield from _sections(tp)


@pytest.mark.parametrize("cls", STAGE_CONFIGS, ids=lambda c: c.__name__)
def test_every_field_of_every_section_has_a_docstring(cls):
    for section in _sections(cls):
        docs = config.field_docs(section)
        missing = {f.name for f in dataclasses.fields(section)} - {k for k, v in docs.items() if v}
        assert not missing, f"{section.__name__}: {missing}"


def test_yaml_and_flags_spell_a_setting_the_same_way(work_dir):
    path = work_dir / "p.yaml"
    path.write_text("repeat: 3\nlimits:\n  cpu_time_s: 2\n")
    from_yaml = load(ProfileConfig, path)
    from_flags = load(ProfileConfig, None, ["--repeat", "3", "--limits.cpu_time_s", "2"])
    assert from_yaml == from_flags == ProfileConfig(repeat=3, limits=Limits(cpu_time_s=2.0))
    # Flags after --config override it; a nested key leaves its section's other keys alone.
    cfg = load(ProfileConfig, path, ["--limits.memory_mb=256"])
    assert (cfg.repeat, cfg.limits.cpu_time_s, cfg.limits.memory_mb) == (3, 2.0, 256)


def test_the_contract_spellings_are_the_same_flags():
    """Dashes, key=value, a,b,c lists and the README's aliases read as the flag they stand for."""
    contract = config.parse(ProfileConfig, [
        "--top-k", "3", "--repeat-mode", "fork", "--time-limit", "2", "--memory-mb", "256",
        "repeat=4", "limits.stack_mb=64"], aliases=profile_job.ALIASES)
    flags = load(ProfileConfig, None, [
        "--top_k", "3", "--repeat_mode", "fork", "--limits.cpu_time_s", "2",
        "--limits.memory_mb", "256", "--repeat", "4", "--limits.stack_mb", "64"])
    assert contract == flags
    assert (flags.top_k, flags.repeat_mode, flags.repeat, flags.limits.memory_mb) == (3, "fork", 4,
                                                                                        256)
    ex = config.parse(ExtractConfig, ["--in", "a", "--strategy", "sms,tas"],
                      aliases=extract_job.ALIASES)
    assert (ex.input, ex.skeleton.strategies) == ("a", ("sms", "tas"))
    assert load(ExtractConfig, None, ["--skeleton.strategies", "[sss]"]).skeleton.strategies == (
        "sss",)
    # A value that looks like key=value stays the value of the flag before it.
    assert load(TrainConfig, None, ["--run_name", "lr=2"]).run_name == "lr=2"
    lora = load(TrainConfig, None, ["lora.target_modules=q_proj,v_proj"]).lora
    assert lora.target_modules == ["q_proj", "v_proj"]


@pytest.mark.parametrize("cls,args,message", [
    (ProfileConfig, ["--top_kk", "3"], "unknown key 'top_kk' (did you mean top_k?); valid keys: "
                                       "source, data, out, top_k, repeat,"),
    (ProfileConfig, ["limits.bogus=1"], "unknown key 'limits.bogus'; valid keys of limits: "
                                        "cpu_time_s, wall_time_s, memory_mb,"),
    (TrainConfig, ["--optim.lrr", "1"], "unknown key 'optim.lrr' (did you mean optim.lr?); "
                                        "valid keys of optim: lr, weight_decay,"),
    (ProfileConfig, ["--isolation", "none"], "isolation: expected one of auto, process, got 'none'"),
    (ProfileConfig, ["--repeat-mode", "thread"], "repeat_mode: expected one of child, fork"),
    (ProfileConfig, ["--repeat", "x"], "repeat: expected int, got 'x'"),
    (TrainConfig, ["--method", "dpo"], "method: expected one of effiskel, efficoder, codedpo, skeldpo, got 'dpo'"),
    (TrainConfig, ["--data.strategy", "lcs"], "data.strategy: expected one of sms, sss, tas"),
    (TrainConfig, ["--deepspeed.zero_stage", "1"], "deepspeed.zero_stage: expected one of 2, 3"),
    (TrainConfig, ["--gamma", "-1"], "gamma = -1.0 is negative"),  # TrainConfig's own check
    (ExtractConfig, ["--skeleton.strategies", "sms,lcs"], "unknown ['lcs']"),  # SkeletonConfig's
])
def test_bad_flags_are_one_line_naming_the_key(cls, args, message):
    with pytest.raises(ConfigError) as e:
        load(cls, None, args)
    assert message in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("text,message", [
    ("repat: 3\n", "unknown key 'repat' (did you mean repeat?); valid keys: source, data,"),
    ("limits:\n  memoryx: 3\n", "unknown key 'limits.memoryx' (did you mean limits.memory_mb?); "
                               "valid keys of limits: cpu_time_s,"),
])
def test_a_misspelt_yaml_key_lists_the_valid_keys(work_dir, text, message):
    (work_dir / "bad.yaml").write_text(text)
    with pytest.raises(ConfigError, match="unknown key") as e:
        load(ProfileConfig, work_dir / "bad.yaml")
    assert message in str(e.value)


def test_floats_written_without_a_dot_parse(work_dir):
    """PyYAML alone reads `2e-5` as a string; a learning rate is written that way."""
    (work_dir / "t.yaml").write_text("optim:\n  lr: 2e-5\n  weight_decay: 1\n")
    optim = load(TrainConfig, work_dir / "t.yaml").optim
    assert optim.lr == 2e-5 and isinstance(optim.weight_decay, float)
    assert load(TrainConfig, None, ["--optim.lr", "3e-4"]).optim.lr == 3e-4


@pytest.mark.parametrize("cfg", [
    ProfileConfig(source="apps", data="x", repeat=3, isolation="process",
                  limits=Limits(cpu_time_s=2.5, wall_time_s=9), preload=["numpy"],
                  source_options={"levels": [0, 1]}),
    ExtractConfig(input="a", skeleton=SkeletonConfig(strategies=("sms", "tas"), max_solutions=3)),
    load(TrainConfig, None, ["--method", "efficoder", "--optim.lr", "1e-4",
                             "--scaling.env_vars", '{"NCCL_DEBUG": "INFO"}', "--alpha", "0.5"]),
], ids=["profile", "extract", "train"])
def test_dump_and_from_dict_give_back_an_equal_config(cfg, work_dir):
    (work_dir / "c.yaml").write_text(dump(cfg))
    assert load(type(cfg), work_dir / "c.yaml") == cfg
    assert from_dict(type(cfg), to_dict(cfg)) == cfg  # how a Ray worker gets its config


def test_a_config_built_in_code_is_checked_as_a_command_line_is():
    with pytest.raises(ConfigError, match="unknown key 'limits.bogus'"):
        from_dict(ProfileConfig, {"limits": {"bogus": 1}})
    with pytest.raises(ConfigError, match="isolation: expected one of auto, process"):
        config.check(ProfileConfig(isolation="none"))  # built in code, not parsed
    with pytest.raises(ConfigError, match="repeat_mode: expected one of child, fork"):
        config.check(ProfileConfig(repeat_mode="thread"))
    assert config.check(ProfileConfig(repeat=3)) == ProfileConfig(repeat=3)


def test_help_shows_each_fields_docstring_and_default(capsys):
    with pytest.raises(SystemExit) as e:
        config.parse(TrainConfig, ["--help"], prog="effiskel train")
    assert e.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "usage: effiskel train" in text
    assert "--optim.lr LR Peak learning rate (AdamW). (type: float, default: 2e-05)" in text
    assert "--data.strategy {sms,sss,tas}" in text
