"""repeat_mode "child" (R repeats in one fork) against "fork" (one fork per repeat).

Child mode must give every repeat what a fresh fork would: a new `__main__`,
stdin from the start, an empty working directory, `builtins` as they were,
the program's own imports executed again; every repeat's output is judged;
and a program whose repeats cannot share a process is timed with forks. Both
isolation modes.
"""

from __future__ import annotations

import pytest

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict


@pytest.fixture(scope="module", params=["auto", "process"])
def sb(request, build_dir):
    root = build_dir / "sandbox-tests"
    root.mkdir(exist_ok=True)
    with Sandbox(Limits(cpu_time_s=5), isolation=request.param, scratch_root=root) as s:
        yield s


def run(sb, program, expected, stdin="", repeat=5, mode="child"):
    return sb.run(program, [TestCase(stdin, expected)], repeat=repeat, repeat_mode=mode)


def test_child_mode_times_every_repeat_in_one_process(sb):
    res = run(sb, "a, b = map(int, input().split())\nprint(a + b)\n", "7", "3 4\n", repeat=20)
    t = res.tests[0]
    assert res.verdict == Verdict.AC, res.detail
    assert t.repeat_mode == "child" and len(t.times_ns) == 20 and min(t.times_ns) > 0
    assert len(t.cpu_ns) == 20


def test_each_repeat_has_fresh_globals_stdin_workdir_and_builtins(sb):
    prog = ("import builtins, os\n"
            "count = globals().get('count', 0) + 1\n"  # a fresh __main__: always 1
            "builtins.seen = getattr(builtins, 'seen', 0) + 1\n"  # builtins restored: 1
            "first_line = input()\n"  # stdin from the start
            "print(count, builtins.seen, first_line, len(os.listdir('.')))\n"
            "open('left-behind', 'w').write('x')\n")  # the next repeat's directory is empty
    res = run(sb, prog, "1 1 hello 0", "hello\nworld\n")
    assert res.verdict == Verdict.AC, res.detail
    assert res.tests[0].repeat_mode == "child"


def test_the_programs_own_imports_run_again_in_every_repeat(sb):
    # csv is not preloaded: each repeat imports it afresh, as a fresh fork would
    prog = "import sys\nbefore = 'csv' in sys.modules\nimport csv\nprint(before)\n"
    res = run(sb, prog, "False")
    assert res.verdict == Verdict.AC, res.detail


def test_every_repeats_output_is_judged(sb):
    # State on a preloaded module survives between repeats (child mode's stated
    # limit); the second repeat then prints something else, and is judged WA.
    prog = "import json\njson.runs = getattr(json, 'runs', 0) + 1\nprint(json.runs)\n"
    assert run(sb, prog, "1").verdict == Verdict.WA
    assert run(sb, prog, "1", mode="fork").verdict == Verdict.AC  # every fork starts fresh


def test_a_program_that_ends_its_own_process_is_timed_with_forks(sb):
    prog = "import os\nprint(5, flush=True)\nos._exit(0)\n"
    res = run(sb, prog, "5")
    t = res.tests[0]
    assert res.verdict == Verdict.AC, res.detail
    assert t.repeat_mode == "fork" and "ends its own process" in t.detail
    assert len(t.times_ns) == 5 and min(t.times_ns) >= 0


def test_work_carried_between_repeats_falls_back_to_forks(sb):
    # The first repeat does 0.2 s of work and leaves the answer on a preloaded
    # module; the next ones just print it. One fork per repeat times it honestly.
    prog = ("import json\n"
            "if not hasattr(json, 'answer'):\n"
            "    json.answer = sum(i * i % 7 for i in range(1_000_000))\n"
            "print(json.answer)\n")
    expected = str(sum(i * i % 7 for i in range(1_000_000)))
    res = run(sb, prog, expected, repeat=4)
    t = res.tests[0]
    assert res.verdict == Verdict.AC, res.detail
    assert t.repeat_mode == "fork" and "10x the others" in t.detail
    assert min(t.times_ns) > 0.3 * max(t.times_ns)  # every repeat did the work


def test_call_mode_repeats_get_fresh_arguments(sb):
    prog = "def f(xs):\n    xs.append(0)\n    return len(xs)\n"
    res = sb.run(prog, [TestCase("[[1, 2]]", "3")], mode="call", entry_point="f", repeat=5,
                 repeat_mode="child")
    assert res.verdict == Verdict.AC, res.detail
    assert len(res.tests[0].times_ns) == 5


def test_a_failing_repeat_stops_the_test(sb):
    prog = ("import json\njson.n = getattr(json, 'n', 0) + 1\n"
            "if json.n == 3:\n    raise ValueError('third')\nprint(1)\n")
    res = run(sb, prog, "1")
    assert res.verdict == Verdict.RE and "third" in res.detail


def test_a_hanging_repeat_is_tle_within_its_own_limit(sb):
    import time

    prog = ("import json, time\njson.n = getattr(json, 'n', 0) + 1\n"
            "if json.n == 2:\n    time.sleep(100)\nprint(1)\n")
    start = time.monotonic()
    res = sb.run(prog, [TestCase("", "1")], repeat=20, repeat_mode="child",
                 limits=Limits(cpu_time_s=1, wall_time_s=1))
    assert res.verdict == Verdict.TLE, res.detail
    assert time.monotonic() - start < 5  # not 20 repeats' worth of limits


def test_unknown_repeat_mode_is_an_error(sb):
    with pytest.raises(ValueError, match="repeat_mode"):
        sb.run("print(1)", [TestCase("", "1")], repeat_mode="threads")
