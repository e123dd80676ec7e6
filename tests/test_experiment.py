"""jobs/experiment.py without Ray: the steps a config plans and how they are wired, and the
runner's resume rule (a step recorded with the same config is skipped, a changed config runs
again). Nothing here starts Ray: Ray's start is replaced by a counter, which is how the tests
see that a fully recorded experiment never needs a cluster."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from effiskel.config import Benchmark, ConfigError, ExperimentConfig, load
from jobs import experiment as ex
from tests.conftest import ROOT

DEMO, PAPER = ROOT / "configs" / "experiment-demo.yaml", ROOT / "configs" / "experiment-paper.yaml"
TRAINING = ["profile", "extract", "pairs", "base", "train/effiskel", "train/efficoder",
            "train/codedpo", "train/skeldpo"]


def _bench(label: str) -> list[str]:
    return [f"generate/{label}", f"evaluate/{label}", f"compare/{label}"]


def _names(cfg: ExperimentConfig) -> list[str]:
    return [s.name for s in ex.plan(cfg)]


# Parsing a config costs ~0.6 s (jsonargparse builds its parser each time): the configs are
# read once, and the variations below are made from them as code would (dataclasses.replace
# runs ExperimentConfig's checks again).
@pytest.fixture(scope="module")
def default():
    return load(ExperimentConfig)


@pytest.fixture(scope="module")
def paper():
    return load(ExperimentConfig, PAPER)


def _with(cfg: ExperimentConfig, **changes) -> ExperimentConfig:
    return dataclasses.replace(cfg, **changes)


def _extracting(cfg: ExperimentConfig, *strategies: str) -> ExperimentConfig:
    skeleton = dataclasses.replace(cfg.extract.skeleton, strategies=strategies)
    return _with(cfg, extract=dataclasses.replace(cfg.extract, skeleton=skeleton))


PROMPTED_ONLY = dict(methods=["instruct", "llm4effi"], model="/models/base",
                     benchmarks=[Benchmark(source="mini", samples=["/s/other.jsonl:other"])])


# ----------------------------------------------------------------------------- the plan
def test_the_demo_and_paper_configs_plan_every_step_in_order(paper):
    assert _names(load(ExperimentConfig, DEMO)) == TRAINING + _bench("mini")
    assert _names(paper) == (
        TRAINING + _bench("humanevalplus") + _bench("mbppplus") + _bench("enamel"))


def test_run_names_one_effiskel_run_per_strategy(default):
    cfg = _with(default, strategies=["tas", "sms", "sss"])
    assert ex.run_names(cfg) == {"effiskel": "effiskel", "effiskel-sms": "effiskel",
                                 "effiskel-sss": "effiskel", "efficoder": "efficoder",
                                 "codedpo": "codedpo", "skeldpo": "skeldpo"}
    only_sms = _with(default, methods=["effiskel", "instruct"], strategies=["sms"])
    assert ex.run_names(only_sms) == {"effiskel-sms": "effiskel"}
    assert _names(only_sms) == ["profile", "extract", "base", "train/effiskel-sms",
                                *_bench("mini")]


def test_no_pairs_step_without_a_dpo_method(default):
    cfg = _with(default, methods=["effiskel", "efficoder", "instruct"])
    assert not ex.needs_pairs(cfg)
    assert _names(cfg) == ["profile", "extract", "base", "train/effiskel", "train/efficoder",
                           *_bench("mini")]
    for dpo in ("codedpo", "skeldpo"):
        with_dpo = _with(default, methods=["efficoder", dpo])
        assert ex.needs_pairs(with_dpo) and "pairs" in _names(with_dpo)


def test_extracted_strategies_are_the_configs_and_what_the_methods_need(default):
    assert ex.extracted_strategies(default) == ["sms", "sss", "tas"]
    sss = _extracting(default, "sss")
    # EffiSkel's strategy and the pairs' chosen skeletons join the extract section's own.
    assert ex.extracted_strategies(
        _with(sss, methods=["effiskel"], strategies=["sms"])) == ["sms", "sss"]
    assert sss.pairs.pairs.strategy == "tas"
    assert ex.extracted_strategies(_with(sss, methods=["skeldpo"])) == ["sss", "tas"]
    # ...and only when a method needs them.
    assert ex.extracted_strategies(
        _with(sss, methods=["efficoder"], strategies=["sms"])) == ["sss"]
    extract = next(s for s in ex.plan(_with(sss, methods=["effiskel"], strategies=["tas"]))
                   if s.name == "extract")
    assert extract.config().skeleton.strategies == ("sss", "tas")


def test_prompted_methods_and_given_samples_need_no_training(default):
    cfg = _with(default, **PROMPTED_ONLY)
    assert ex.run_names(cfg) == {}
    steps = ex.plan(cfg)
    assert [s.name for s in steps] == _bench("mini")
    generate, evaluate, _ = (s.config() for s in steps)
    assert generate.methods == ["instruct", "llm4effi"]
    assert evaluate.samples == [str(Path(cfg.out) / "generate" / "mini"), "/s/other.jsonl:other"]


def test_steps_are_wired_to_each_others_outputs(work_dir, paper):
    out, model = work_dir / "out", "/mnt/effiskel/models/Qwen2.5-Coder-1.5B-Instruct"
    cfg = _with(paper, out=str(out), train_overrides={"codedpo": {"optim": {"lr": 5.0e-6}}})
    c = {s.name: s.config() for s in ex.plan(cfg)}
    assert (c["profile"].out, c["profile"].source, c["profile"].repeat) == (
        str(out / "profile"), "apps", 30)
    assert (c["extract"].input, c["extract"].out) == (str(out / "profile"), str(out / "extract"))
    assert (c["pairs"].input, c["pairs"].skeletons) == (str(out / "profile"), str(out / "extract"))
    for run in ("effiskel", "efficoder", "codedpo", "skeldpo"):
        t = c[f"train/{run}"]
        assert (t.method, t.run_name, t.output_dir, t.model.path) == (
            run, run, str(out / "train"), model)
        assert t.data.path == str(out / "extract" / "skeletons")
        assert t.data.pairs_path == str(out / "pairs" / "pairs")
        assert t.optim.lr == (5e-6 if run == "codedpo" else 2e-5)  # the override, only there
        assert t.optim.global_batch_size == 64  # the shared train section, kept
    runs = [str(out / "train" / r) for r in ("effiskel", "efficoder", "codedpo", "skeldpo")]
    for bench in ("humanevalplus", "mbppplus", "enamel"):
        g, e, r = c[f"generate/{bench}"], c[f"evaluate/{bench}"], c[f"compare/{bench}"]
        assert g.methods == [*runs, "instruct", "llm4effi"]
        assert (g.model, g.source, g.out) == (model, bench, str(out / "generate" / bench))
        assert g.sampling.n == 10
        assert (e.samples, e.source, e.out) == (
            [str(out / "generate" / bench)], bench, str(out / "evaluate" / bench))
        assert (r.runs, r.baseline, r.out) == (
            [str(out / "evaluate" / bench)], "efficoder", str(out / "report" / bench))


# ----------------------------------------------------------------------------- the runner
@pytest.fixture
def ray_starts(monkeypatch):
    """Every start of Ray the runner asks for, instead of starting it."""
    import ray

    import data_pipeline.common

    starts = []
    monkeypatch.setattr(data_pipeline.common, "init_ray",
                        lambda address=None, **kw: starts.append(address))
    # a Ray the session's other tests started must not hide the runner's ask
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    return starts


def _report(out: Path, label: str) -> None:
    (out / "report" / label).mkdir(parents=True, exist_ok=True)
    (out / "report" / label / "report.md").write_text(
        "# Report\n\n| method | pass@1 |\n|---|---|\n| instruct | 12 % |\n\n## Notes\n\n"
        "| not | this |\n")


def test_a_fully_recorded_experiment_runs_nothing_and_starts_no_ray(work_dir, ray_starts,
                                                                    capsys, default):
    out = work_dir / "out"
    cfg = _with(default, out=str(out), **PROMPTED_ONLY)
    steps = ex.plan(cfg)
    (out / "steps").mkdir(parents=True)
    for step in steps:  # as the runner records a finished step
        ex._record(out, step.name).write_text(json.dumps(
            {"config": ex._plain(step.config()), "seconds": 1.0, "result": None}))
    _report(out, "mini")
    assert ex.run_experiment(cfg) == [out / "report" / "mini" / "report.html"]
    assert ray_starts == []  # the runner never asked for Ray
    printed = capsys.readouterr().out
    for i, name in enumerate(["generate/mini", "evaluate/mini", "compare/mini"], 1):
        assert f"[{i}/3] {name}: done earlier, skipped" in printed
    # The report's first table, and not the tables of its later sections.
    assert "| instruct | 12 % |" in printed and "| not | this |" not in printed
    assert json.loads((out / "experiment.json").read_text())["methods"] == ["instruct",
                                                                           "llm4effi"]


def test_a_step_runs_again_only_when_its_config_changed(work_dir, ray_starts, monkeypatch,
                                                       default):
    out = work_dir / "out"
    cfg = _with(default, out=str(out), methods=["instruct"])
    settings = {"a": {"x": 1}, "b": {"x": 1}}
    ran = []

    def steps(cfg, after=None):
        def step(name):
            def run(c):
                ran.append((name, c))
                return {"done": name}
            return ex.Step(name, lambda: dict(settings[name]), run)
        return [step("a"), step("b")]

    monkeypatch.setattr(ex, "plan", steps)
    _report(out, "mini")

    ex.run_experiment(cfg)
    assert ran == [("a", {"x": 1}), ("b", {"x": 1})] and ray_starts  # Ray for a step
    record = json.loads(ex._record(out, "b").read_text())
    assert record["config"] == {"x": 1} and record["result"] == {"done": "b"}

    ran.clear()
    ray_starts.clear()
    ex.run_experiment(cfg)  # nothing changed: nothing runs, and no Ray for it
    assert ran == [] and ray_starts == []

    settings["b"] = {"x": 2}
    ex.run_experiment(cfg)
    assert ran == [("b", {"x": 2})] and ray_starts  # a's config is the recorded one
    assert json.loads(ex._record(out, "b").read_text())["config"] == {"x": 2}


def test_a_record_holds_a_dataclass_config_as_plain_json(work_dir):
    from effiskel.config import CompareConfig

    c = CompareConfig(runs=[str(work_dir / "e")], baseline="instruct", out=str(work_dir / "r"))
    plain = ex._plain(c)
    assert plain == json.loads(json.dumps(plain)) and plain["baseline"] == "instruct"
    assert ex._plain(c) == plain  # the same config reads back equal: a rerun skips it
    assert ex._record(work_dir, "evaluate/humanevalplus") == (
        work_dir / "steps" / "evaluate__humanevalplus.json")


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("text", "message"), [
    ("benchmark: []\n", "unknown key 'benchmark' (did you mean benchmarks?); valid keys: out,"),
    ("train:\n  optim: {lrr: 1}\n", "unknown key 'train.optim.lrr' (did you mean train.optim.lr?)"),
    ("methods: [effiskell]\n", "methods: expected list[Literal['effiskel', "),
])
def test_a_misspelt_key_is_one_line_naming_it(work_dir, text, message):
    path = work_dir / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as e:
        load(ExperimentConfig, path)
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


def test_the_command_refuses_a_misspelt_key_in_one_line(work_dir, capsys):
    path = work_dir / "bad.yaml"
    path.write_text("out: build/x\nstrategy: [sms]\n")
    with pytest.raises(SystemExit) as exit_:
        ex.main(["--config", str(path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m jobs.experiment: error: unknown key 'strategy' "
                          "(did you mean strategies?)")
    assert err.count("\n") == 1


@pytest.mark.xfail(strict=True, reason="a benchmark entry's unknown key lists the experiment's "
                                       "top-level keys, not a benchmark's (effiskel/config.py)")
def test_a_misspelt_key_in_a_benchmark_lists_a_benchmarks_keys(work_dir):
    path = work_dir / "bad.yaml"
    path.write_text("benchmarks: [{sorce: mini}]\n")
    with pytest.raises(ConfigError, match="sorce") as e:
        load(ExperimentConfig, path)
    assert "source, data, name, limit" in str(e.value), str(e.value)
