"""The sandbox's two modes, judging, capture and line profiles (the value codec: test_values.py)."""

from __future__ import annotations

import math

import pytest

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict, values


@pytest.fixture(scope="module")
def sb(build_dir):
    with Sandbox(Limits(cpu_time_s=2), scratch_root=build_dir) as s:
        yield s


SUM = "a, b = map(int, input().split())\nprint(a + b)\n"


def test_stdio_accepts_and_rejects(sb):
    ok = sb.run(SUM, [TestCase("1 2\n", "3\n"), TestCase("10 -4", "6")])
    assert ok.verdict == Verdict.AC and ok.tests_passed == 2
    bad = sb.run(SUM, [TestCase("1 2\n", "3\n"), TestCase("2 2", "5")])
    assert bad.verdict == Verdict.WA and bad.tests[1].verdict == Verdict.WA


def test_stdio_tokens_ignore_whitespace_but_not_content(sb):
    prog = "print('1  2 ')\nprint()\nprint(3)\n"
    assert sb.run(prog, [TestCase("", "1 2\n3")]).verdict == Verdict.AC
    assert sb.run(prog, [TestCase("", "1 2 3 4")]).verdict == Verdict.WA


def test_float_tolerance(sb):
    prog = "print(1/3)\n"
    assert sb.run(prog, [TestCase("", "0.333333")]).verdict == Verdict.WA
    assert sb.run(prog, [TestCase("", "0.333333")], float_tolerance=1e-5).verdict == Verdict.AC
    assert sb.run(prog, [TestCase("", "0.34")], float_tolerance=1e-5).verdict == Verdict.WA


def test_float_tolerance_never_applies_to_integers():
    assert values.stdio_equal(b"0.3333339", "0.333333", 1e-5)
    assert not values.stdio_equal(b"1000000001000", "1000000000000", 1e-5)
    assert values.stdio_equal(b"1000000001000.0", "1000000000000", 1e-5)  # a real number
    assert not values.stdio_equal(b"-7", "-8", 0.5)


def test_stop_on_failure(sb):
    tests = [TestCase("1 1", "3"), TestCase("1 2", "3")]
    assert len(sb.run(SUM, tests).tests) == 1
    both = sb.run(SUM, tests, stop_on_failure=False)
    assert [t.verdict for t in both.tests] == [Verdict.WA, Verdict.AC]


def test_call_mode_values_and_types(sb):
    prog = "def f(xs, k):\n    return sorted(set(xs))[:k], {'n': len(xs)}, 1.0 / 3\n"
    ok = sb.run(prog, [TestCase("[[3, 1, 3, 2], 2]", "([1, 2], {'n': 4}, 0.3333333333)")],
                mode="call", entry_point="f")
    assert ok.verdict == Verdict.AC, ok.detail
    wrong_type = sb.run(prog, [TestCase("[[3], 1]", "[[3], {'n': 1}, 0.3333333333]")],
                        mode="call", entry_point="f")
    assert wrong_type.verdict == Verdict.WA  # a tuple is not a list


def test_call_mode_input_is_fresh_for_every_repeat(sb):
    prog = "def f(xs):\n    xs.append(0)\n    return len(xs)\n"
    r = sb.run(prog, [TestCase("[[1, 2]]", "3")], mode="call", entry_point="f", repeat=5)
    assert r.verdict == Verdict.AC and len(r.tests[0].times_ns) == 5


def test_call_mode_class_method_entry_point(sb):
    prog = "class Solution:\n    def twoSum(self, a, b):\n        return a + b\n"
    r = sb.run(prog, [TestCase("[2, 3]", "5")], mode="call", entry_point="Solution.twoSum")
    assert r.verdict == Verdict.AC, r.detail


def test_call_mode_failures(sb):
    missing = sb.run("def g():\n    pass\n", [TestCase("[]", "1")], mode="call", entry_point="f")
    assert missing.verdict == Verdict.RE and "entry point" in missing.detail
    odd = sb.run("def f():\n    return object()\n", [TestCase("[]", "1")], mode="call",
                 entry_point="f")
    assert odd.verdict == Verdict.WA and "not a plain value" in odd.detail
    numpy_ok = sb.run("import numpy as np\ndef f():\n    return np.int64(7)\n",
                      [TestCase("[]", "7")], mode="call", entry_point="f")
    assert numpy_ok.verdict == Verdict.AC, numpy_ok.detail


def test_checker(sb):
    checker = "def check(input, expected, output):\n    return abs(output - input[0] ** 0.5) < 1e-3\n"
    prog = "def root(x):\n    return x ** 0.5 + 1e-4\n"
    r = sb.run(prog, [TestCase("[2.0]", "0")], mode="call", entry_point="root", checker=checker)
    assert r.verdict == Verdict.AC
    bad = sb.run("def root(x):\n    return x\n", [TestCase("[2.0]", "0")], mode="call",
                 entry_point="root", checker=checker)
    assert bad.verdict == Verdict.WA
    broken = sb.run(prog, [TestCase("[2.0]", "0")], mode="call", entry_point="root",
                    checker="def nope(:")
    assert broken.verdict == Verdict.SE  # a broken checker is not the program's fault


def test_checker_sees_arguments_as_the_call_left_them(sb):
    # LeetCode "modify nums in-place" tasks (Mercury) are judged on the arguments
    checker = "def check(input, expected, output):\n    return input[0] == expected\n"
    prog = "def rotate(nums):\n    nums[:] = nums[-1:] + nums[:-1]\n"
    r = sb.run(prog, [TestCase("[[1, 2, 3]]", "[3, 1, 2]")], mode="call", entry_point="rotate",
               checker=checker)
    assert r.verdict == Verdict.AC, r.detail
    noop = sb.run("def rotate(nums):\n    pass\n", [TestCase("[[1, 2, 3]]", "[3, 1, 2]")],
                  mode="call", entry_point="rotate", checker=checker)
    assert noop.verdict == Verdict.WA


def test_output_rule_is_not_none(sb):
    # EvalPlus compares only "is not None" for MBPP tasks returning re.Match objects
    prog = "import re\ndef m(s):\n    return re.match('a+', s)\n"
    plain = sb.run(prog, [TestCase("['aa']", "True")], mode="call", entry_point="m")
    assert plain.verdict == Verdict.WA and "not a plain value" in plain.detail
    ruled = sb.run(prog, [TestCase("['aa']", "True"), TestCase("['b']", "False")], mode="call",
                   entry_point="m", output_rule="is_not_none")
    assert ruled.verdict == Verdict.AC, ruled.detail


def test_capture_mode_returns_output(sb):
    r = sb.run(SUM, [TestCase("4 5", None)])
    assert r.verdict == Verdict.AC and r.tests[0].output.strip() == "9"
    c = sb.run("def f(x):\n    return {x: float('inf')}\n", [TestCase("[1]", None)],
               mode="call", entry_point="f")
    assert values.from_literal(c.tests[0].output) == {1: math.inf}


def test_repeats_are_timed(sb):
    r = sb.run("s = sum(range(20000))\nprint(s)\n", [TestCase("", str(sum(range(20000))))],
               repeat=7)
    t = r.tests[0]
    assert len(t.times_ns) == 7 and all(x > 0 for x in t.times_ns)
    assert t.time_ns == pytest.approx(sum(t.times_ns) / 7)
    assert t.max_rss_kb > 1000


def test_cpu_limit_is_tle(sb):
    r = sb.run("while True:\n    pass\n", [TestCase("", "")],
               limits=Limits(cpu_time_s=0.5, wall_time_s=5))
    assert r.verdict == Verdict.TLE


def test_threads_work_and_are_joined(sb):
    prog = ("import threading, sys\nsys.setrecursionlimit(10**6)\nthreading.stack_size(1 << 26)\n"
            "def main():\n    print(sum(range(10)))\nthreading.Thread(target=main).start()\n")
    assert sb.run(prog, [TestCase("", "45")]).verdict == Verdict.AC


def test_unpreloaded_stdlib_imports_work(sb):
    prog = "import socket, sqlite3, xml.dom.minidom, csv, zlib\nprint('ok')\n"
    r = sb.run(prog, [TestCase("", "ok")])
    assert r.verdict == Verdict.AC, r.detail


def test_line_profile_counts_module_level_and_functions(sb):
    prog = ("def f(n):\n"          # 1
            "    s = 0\n"          # 2
            "    for i in range(n):\n"  # 3
            "        s += i * i\n"  # 4
            "    return s\n"       # 5
            "t = 0\n"              # 6
            "for k in range(50):\n"  # 7
            "    t += f(200)\n"    # 8
            "print(t)\n")          # 9
    lp = sb.line_profile(prog, [TestCase("", None), TestCase("", None)])
    assert lp.verdict == Verdict.AC, lp.detail
    assert lp.lines[4][0] == 2 * 50 * 200  # hits, summed over both tests
    assert lp.lines[8][0] == 2 * 50 and lp.lines[9][0] == 2
    hottest = max(lp.lines, key=lambda n: lp.lines[n][1])
    assert hottest == 8  # inclusive: the call site carries f's time


def test_line_profile_with_closures_and_generators(sb):
    prog = ("def main():\n"
            "    xs = list(range(100))\n"
            "    best = max(x * k for x in xs for k in (1, 2))\n"  # a closure over xs
            "    print(best)\n"
            "main()\n")
    lp = sb.line_profile(prog, [TestCase("", None)])
    assert lp.verdict == Verdict.AC, lp.detail
    assert lp.lines[3][0] >= 1  # the generator expression's line, inside the closure
    assert lp.lines[5][0] == 1


def test_line_profile_of_call_mode(sb):
    prog = "def f(xs):\n    ys = sorted(xs)\n    return ys[0]\n"
    lp = sb.line_profile(prog, [TestCase("[[3, 1, 2]]", None)], mode="call", entry_point="f")
    assert lp.verdict == Verdict.AC and lp.lines[2][0] == 1


def test_server_death_mid_run_is_se_and_recovers(build_dir):
    import threading
    import time

    with Sandbox(Limits(cpu_time_s=5), scratch_root=build_dir) as s:
        out = {}
        t = threading.Thread(target=lambda: out.update(
            r=s.run("import time\ntime.sleep(3)\nprint(1)", [TestCase("", "1")])))
        t.start()
        time.sleep(0.5)
        s._proc.kill()  # the sandbox itself fails while the program runs
        t.join()
        assert out["r"].verdict == Verdict.SE and "sandbox" in out["r"].tests[0].detail
        assert s.run("print(1)", [TestCase("", "1")]).verdict == Verdict.AC
        s._proc.kill()  # dead between requests: the next one just starts a new server
        s._proc.wait()
        assert s.run("print(1)", [TestCase("", "1")]).verdict == Verdict.AC
        assert s.restarts == 2


# ------------------------------------------------------------------ value comparison
def test_values_equal_semantics():
    assert values.values_equal([1.0, 2.0000001], [1, 2])
    assert not values.values_equal([1, 2], (1, 2))
    assert values.values_equal(float("nan"), float("nan"))
    assert not values.values_equal(1.1, 1.0)
    assert values.values_equal(1.1, 1.0, atol=0.2)
    assert values.values_equal({"a": [0.1 + 0.2]}, {"a": [0.3]})
