"""The `effiskel` command, run as users run it (the installed console script)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EFFISKEL = str(Path(sys.executable).parent / "effiskel")


def run_cli(*args, cwd=None):
    return subprocess.run([EFFISKEL, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


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
