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
