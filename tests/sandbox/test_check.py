"""`Sandbox.check`: correctness with all of a program's tests in one child.

One process runs every test (a counter kept on a preloaded module proves it),
yet each test keeps its own limits: a hang costs one wall limit and is TLE for
that test alone, a crash is RE for that test alone, and the tests after it are
judged in a fresh child. State a program keeps between calls leaks from test
to test in call mode, as EvalPlus accepts. Both isolation modes.
"""

from __future__ import annotations

import time

import pytest

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict

LIMITS = Limits(cpu_time_s=1, wall_time_s=1.5)
COUNTER = "import json\njson.n = getattr(json, 'n', 0) + 1\n"  # survives within one process


@pytest.fixture(scope="module", params=["auto", "process"])
def sb(request, build_dir):
    root = build_dir / "sandbox-tests"
    root.mkdir(exist_ok=True)
    with Sandbox(LIMITS, isolation=request.param, scratch_root=root) as s:
        yield s


def verdicts(res):
    return [str(t.verdict) for t in res.tests]


def test_all_tests_run_in_one_process(sb):
    prog = COUNTER + "a, b = map(int, input().split())\nprint(a + b, json.n)\n"
    tests = [TestCase(f"{i} 1", f"{i + 1} {i + 1}") for i in range(5)]
    res = sb.check(prog, tests)
    assert res.verdict == Verdict.AC, res.detail
    assert all(t.times_ns == [] and t.time_ns is None for t in res.tests)  # untimed
    # the timed path forks per run: the counter never gets past 1
    assert sb.run(prog, tests[1:2]).verdict == Verdict.WA


def test_a_hang_is_tle_for_its_test_alone(sb):
    prog = "n = int(input())\nwhile n == 2:\n    pass\nprint(n)\n"
    tests = [TestCase(str(i), str(i)) for i in range(5)]
    start = time.monotonic()
    res = sb.check(prog, tests, stop_on_failure=False)
    assert verdicts(res) == ["AC", "AC", "TLE", "AC", "AC"], [t.detail for t in res.tests]
    assert time.monotonic() - start < LIMITS.wall_s + 3  # one limit, not five


def test_a_crash_is_judged_alone_and_a_fresh_child_goes_on(sb):
    # a real segfault (PID 1 of a namespace ignores its own default-action signals;
    # process mode refuses ctypes, and there the process is not PID 1)
    prog = (COUNTER + "import os, signal\nn = int(input())\n"
            "if n == 1:\n    try:\n        import ctypes\n        ctypes.string_at(0)\n"
            "    except PermissionError:\n        os.kill(os.getpid(), signal.SIGSEGV)\n"
            "if n == 3:\n    os._exit(4)\nprint(n, json.n)\n")
    tests = [TestCase("0", "0 1"), TestCase("1", "x"), TestCase("2", "2 1"),
             TestCase("3", "x"), TestCase("4", "4 1")]
    res = sb.check(prog, tests, stop_on_failure=False)
    assert verdicts(res) == ["AC", "RE", "AC", "RE", "AC"], [t.detail for t in res.tests]
    assert "SIGSEGV" in res.tests[1].detail and "exit code 4" in res.tests[3].detail


def test_stop_on_failure_stops_at_the_first_failure(sb):
    prog = "n = int(input())\nprint(n if n != 1 else -1)\n"
    tests = [TestCase(str(i), str(i)) for i in range(4)]
    res = sb.check(prog, tests)
    assert verdicts(res) == ["AC", "WA"]
    raising = sb.check("n = int(input())\nassert n != 1\nprint(n)\n", tests)
    assert verdicts(raising) == ["AC", "RE"]


def test_call_mode_runs_the_module_once_and_state_leaks_as_in_evalplus(sb):
    prog = COUNTER + "def f(x, seen=[]):\n    seen.append(x)\n    return len(seen), json.n\n"
    tests = [TestCase(f"[{i}]", f"({i + 1}, 1)") for i in range(4)]
    res = sb.check(prog, tests, mode="call", entry_point="f")
    assert res.verdict == Verdict.AC, res.detail


def test_call_mode_module_level_failure_fails_every_test(sb):
    res = sb.check("raise ImportError('no such thing')\ndef f(x):\n    return x\n",
                   [TestCase("[1]", "1"), TestCase("[2]", "2")], mode="call", entry_point="f",
                   stop_on_failure=False)
    assert verdicts(res) == ["RE", "RE"] and "no such thing" in res.tests[0].detail


def test_capture_checkers_and_bad_tests(sb):
    prog = "def f(xs):\n    xs.sort()\n    return None\n"
    checker = "def check(input, expected, output):\n    return input[0] == expected\n"
    res = sb.check(prog, [TestCase("[[3, 1, 2]]", "[1, 2, 3]"), TestCase("[[2, 1]]", None)],
                   mode="call", entry_point="f", checker=checker)
    assert res.verdict == Verdict.AC, res.detail
    assert res.tests[1].output == "None"
    bad = sb.check("def f(x):\n    return x\n", [TestCase("[1]", "1"), TestCase("not a list", "1"),
                                                 TestCase("[3]", "3")],
                   mode="call", entry_point="f", stop_on_failure=False)
    assert verdicts(bad) == ["AC", "SE", "AC"]


def test_check_agrees_with_run(sb):
    progs = {"ok": "print(sum(map(int, input().split())))\n",
             "wrong": "print(sum(map(int, input().split())) + (input is None))\n",
             "re": "print(1 // (int(input().split()[0]) - 2))\n"}
    tests = [TestCase("1 2", "3"), TestCase("2 5", "7"), TestCase("4 4", "8")]
    for name, prog in progs.items():
        a, b = sb.check(prog, tests, stop_on_failure=False), sb.run(prog, tests,
                                                                    stop_on_failure=False)
        assert verdicts(a) == verdicts(b), (name, verdicts(a), verdicts(b))


def test_output_limit_per_test(sb):
    prog = "n = int(input())\nprint('x' * (n * 2_000_000))\n"
    res = sb.check(prog, [TestCase("0", ""), TestCase("1", "x"), TestCase("0", "")],
                   stop_on_failure=False, limits=Limits(cpu_time_s=1, max_output_bytes=1 << 20))
    assert verdicts(res) == ["AC", "OLE", "AC"], [t.detail for t in res.tests]
