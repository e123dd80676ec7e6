"""The `effiskel` command, run as users run it (the installed console script)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from effiskel.config import ExtractConfig, load
from effiskel.training.config import TrainConfig
from tests.conftest import ROOT

EFFISKEL = str(Path(sys.executable).parent / "effiskel")


def run_cli(*args, cwd=None):
    return subprocess.run([EFFISKEL, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def run_job(verb, *args):
    """`python -m jobs.<verb>`, as `ray job submit -- python -m jobs.<verb>` runs it."""
    return subprocess.run([sys.executable, "-m", f"jobs.{verb.replace('-', '_')}", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_run_tests_json_stdio(work_dir):
    prog = work_dir / "p.py"
    prog.write_text("a, b = map(int, input().split())\nprint(a + b)\n")
    tests = work_dir / "t.jsonl"
    tests.write_text('{"input": "1 2", "output": "3"}\n{"input": "2 2", "output": "5"}\n')
    out = run_cli("run-tests", "--program", str(prog), "--tests", str(tests), "--repeat", "3",
                  "--all-tests", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["verdict"] == "WA"
    assert [t["verdict"] for t in res["tests"]] == ["AC", "WA"]
    first = res["tests"][0]
    assert set(first) >= {"verdict", "time_ns", "times_ns", "max_rss_kb", "stdout_bytes", "detail"}
    assert len(first["times_ns"]) == 3 and first["time_ns"] > 0
    assert res["isolation"]["rlimits"] is True


def test_run_tests_call_mode_and_limits(work_dir):
    prog = work_dir / "f.py"
    prog.write_text("def f(n):\n    while n:\n        pass\n    return n\n")
    tests = work_dir / "t.jsonl"
    tests.write_text('{"input": "[0]", "output": "0"}\n{"input": "[1]", "output": "1"}\n')
    out = run_cli("run-tests", "--program", str(prog), "--tests", str(tests), "--mode", "call",
                  "--entry-point", "f", "--time-limit", "1", "--memory-mb", "128", "--json")
    res = json.loads(out.stdout)
    assert [t["verdict"] for t in res["tests"]] == ["AC", "TLE"]
    table = run_cli("run-tests", "--program", str(prog), "--tests", str(tests), "--mode", "call",
                    "--entry-point", "f", "--time-limit", "1")
    assert "verdict: TLE" in table.stdout


# The two measurements through `run-tests --json`: 0.35 s of work, then the
# clocks replaced by `lambda: 0` (was timed -1.5e12 ns), or a pickled record on fd 3
# and os._exit(0) (was timed 1,000 ns and AC).
_WORK = "s = 0\nfor i in range(1_500_000):\n    s += i * i % 7\nprint(s, flush=True)\n"
_CHEATS = {
    "clocks": _WORK + "import time\nfor n in dir(time):\n"
                      "    if n.endswith(('_ns', 'counter', 'monotonic', 'time')):\n"
                      "        setattr(time, n, lambda *a: 0)\n",
    "record": _WORK + "import os, pickle\n"
                      "os.pwrite(3, pickle.dumps({'kind': 'ok', 'time_ns': 1000}), 0)\n"
                      "os._exit(0)\n",
}


@pytest.mark.parametrize("repeat_mode", ["fork", "child"])
@pytest.mark.parametrize("cheat", sorted(_CHEATS))
def test_run_tests_times_cheats_from_outside(work_dir, cheat, repeat_mode):
    answer = str(sum(i * i % 7 for i in range(1_500_000)))
    (work_dir / "honest.py").write_text(_WORK)
    (work_dir / "cheat.py").write_text(_CHEATS[cheat])
    (work_dir / "t.jsonl").write_text(json.dumps({"input": "", "output": answer}) + "\n")
    times = {}
    for name in ("honest", "cheat"):
        out = run_cli("run-tests", "--program", str(work_dir / f"{name}.py"), "--tests",
                      str(work_dir / "t.jsonl"), "--repeat", "3", "--repeat-mode", repeat_mode,
                      "--json")
        assert out.returncode == 0, out.stderr
        res = json.loads(out.stdout)
        test = res["tests"][0]
        assert res["verdict"] in ("AC", "RE"), res
        if res["verdict"] == "RE":  # refused, never AC with a made-up time
            assert "timing record inconsistent" in test["detail"]
            continue
        assert test["repeat_mode"] in ("fork", "child") and min(test["times_ns"]) >= 0
        times[name] = min(test["times_ns"])
    assert "honest" in times
    if "cheat" in times:
        assert times["cheat"] >= 0.5 * times["honest"], times


@pytest.mark.parametrize("bad,message", [
    (["--program", "/nonexistent.py", "--tests", "t.jsonl"], "does not exist"),
    (["--program", "p.py", "--tests", "t.jsonl", "--mode", "call"], "--entry-point"),
    (["--program", "p.py", "--tests", "broken.jsonl"], "broken.jsonl:1"),
    (["--program", "p.py", "--tests", "no_output.jsonl"], "no_output.jsonl:2: the test has an "
                                                         "'input' but no 'output'"),
])
def test_run_tests_bad_input_is_a_clear_error(work_dir, bad, message):
    (work_dir / "p.py").write_text("print(1)\n")
    (work_dir / "t.jsonl").write_text('{"input": "", "output": "1"}\n')
    (work_dir / "broken.jsonl").write_text("{not json\n")
    (work_dir / "no_output.jsonl").write_text('{"input": "", "output": "1"}\n{"input": "2"}\n')
    out = run_cli("run-tests", *bad, cwd=work_dir)
    assert out.returncode == 2 and message in out.stderr


def test_help_points_at_what_the_user_has():
    top = run_cli("--help")
    assert top.returncode == 0
    for verb in ("run-tests", "profile", "extract", "train", "demo"):
        assert f"\n  {verb} " in top.stdout
    assert "ARCHITECTURE" not in top.stdout and "effiskel COMMAND --help" in top.stdout
    assert "--help" in top.stdout and "--print_config" in top.stdout and "configs/" in top.stdout
    for verb in ("run-tests", "profile", "extract", "train", "demo"):
        out = run_cli(verb, "--help")
        assert out.returncode == 0 and out.stdout.startswith(f"usage: effiskel {verb} "), out
        assert "python -m" not in out.stdout.split("\n\n")[0], out.stdout  # not in its usage


_HEAVY = ("torch", "ray", "deepspeed", "transformers", "peft", "trl")


@pytest.mark.parametrize("verb,doc", [
    ("profile", "Timed runs per test input (the paper's R)"),
    ("extract", "TAS: each efficient solution is line-profiled on at most"),
    ("train", "Peak learning rate (AdamW). (type: float, default: 2e-05)"),
])
def test_stage_help_lists_every_key_and_imports_neither_torch_nor_ray(verb, doc):
    probe = (
        "import sys\n"
        "from effiskel.cli import main\n"
        "try:\n"
        f"    main([{verb!r}, '--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        f"print('HEAVY', sorted(m for m in {_HEAVY!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.rstrip().endswith("HEAVY []"), out.stdout[-500:]
    assert doc in " ".join(out.stdout.split())


def test_same_flags_in_effiskel_and_python_m_jobs():
    """The README's spellings (dashes, an alias, key=value) and the flags they stand for."""
    args = ["--source", "mini", "--top-k", "3", "--time-limit", "2", "repeat=4",
            "--isolation", "process", "--print_config"]
    via_cli, via_job = run_cli("profile", *args), run_job("profile", *args)
    assert via_cli.returncode == via_job.returncode == 0, via_cli.stderr + via_job.stderr
    assert via_cli.stdout == via_job.stdout
    printed = yaml.safe_load(via_cli.stdout)
    assert (printed["top_k"], printed["repeat"], printed["isolation"]) == (3, 4, "process")
    assert printed["limits"]["cpu_time_s"] == 2.0


@pytest.mark.parametrize("verb,cls,args", [
    ("train", TrainConfig, ["--config", str(ROOT / "configs" / "demo_train.yaml"),
                            "--optim.lr", "1e-4", "--method", "efficoder"]),
    ("extract", ExtractConfig, ["--in", "build/x", "--strategy", "sms,tas",
                                "--skeleton.sss_threshold", "0.9"]),
])
def test_print_config_reads_back_to_an_equal_config(work_dir, verb, cls, args):
    printed = run_cli(verb, *args, "--print_config")
    assert printed.returncode == 0, printed.stderr
    (work_dir / "printed.yaml").write_text(printed.stdout)
    again = run_job(verb, "--config", str(work_dir / "printed.yaml"), "--print_config")
    assert again.returncode == 0 and again.stdout == printed.stdout
    expected = load(TrainConfig, args[1], args[2:]) if cls is TrainConfig else load(
        cls, None, ["--input", "build/x", "--skeleton.strategies", "sms,tas",
                    "--skeleton.sss_threshold", "0.9"])
    assert load(cls, work_dir / "printed.yaml") == expected
    assert expected != cls()  # the flags did change something


@pytest.mark.parametrize("verb,where,bad,message", [
    ("profile", "flag", ["--top-kk", "3"], "unknown key 'top_kk' (did you mean top_k?); "
                                           "valid keys: source, data, out, top_k,"),
    ("profile", "yaml", "limits:\n  memoryx: 64\n", "unknown key 'limits.memoryx' (did you mean "
                                                    "limits.memory_mb?); valid keys of limits: "),
    ("train", "flag", ["--optim.lrr", "1"], "unknown key 'optim.lrr' (did you mean optim.lr?); "
                                            "valid keys of optim: lr, weight_decay,"),
    ("train", "yaml", "metod: efficoder\n", "unknown key 'metod' (did you mean method?); "
                                            "valid keys: method, alpha,"),
])
def test_a_misspelt_key_is_one_line_and_exit_code_2(work_dir, verb, where, bad, message):
    if where == "yaml":
        (work_dir / "bad.yaml").write_text(bad)
        bad = ["--config", str(work_dir / "bad.yaml")]
    for out in (run_cli(verb, *bad), run_job(verb, *bad)):
        assert out.returncode == 2, out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
        assert lines[0].split(": error: ")[1].startswith(message), lines[0]
        assert out.stdout == ""
