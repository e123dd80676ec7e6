"""A program is never timed faster than it ran: cheating twins of an honest program.

Each twin does the honest program's work (about 0.25 s of it) and then tries
to be timed faster: by rewriting the clocks, by forging the harness's record
(from the main thread or another one, with or without forged timing markers),
or by editing the harness's own objects it can reach. Each must come out
either refused (RE, "timing record inconsistent") or timed like the honest
program, never AC with a small time, in both isolation modes and both repeat
modes. The 0.5 bound leaves room for this shared machine's noise; a cheat that
worked would be timed in microseconds.
"""

from __future__ import annotations

import statistics

import pytest

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict

N = 1_200_000
WORK = f"def work():\n    s = 0\n    for i in range({N}):\n        s += i * i % 7\n    return s\n"
ANSWER = str(sum(i * i % 7 for i in range(N)))
FORGED = ("{'repeats': [{'kind': 'ok', 't': 1000, 'cpu': 1000}], 'first_len': 0}")
CLOCKS = ("import time\n"
          "for n in ('perf_counter_ns', 'monotonic_ns', 'time_ns', 'process_time_ns'):\n"
          "    setattr(time, n, lambda: 0)\n"
          "for n in ('perf_counter', 'monotonic', 'time', 'process_time'):\n"
          "    setattr(time, n, lambda: 0.0)\n")

HONEST = WORK + "print(work())\n"
TWINS = {
    "rewrites_clocks": CLOCKS + WORK + "print(work())\n",
    # the record of the issue: {"kind": "ok", "time_ns": 1000} on fd 3, then os._exit(0)
    "forged_record_old_format": WORK + (
        "import os, pickle\nprint(work(), flush=True)\n"
        "os.pwrite(3, b'S' + pickle.dumps({'kind': 'ok', 'time_ns': 1000}), 0)\nos._exit(0)\n"),
    "forged_record_and_early_end_marker": (
        "import os, pickle\nos.write(4, b'E')\n" + WORK + "print(work(), flush=True)\n"
        f"os.pwrite(3, pickle.dumps({FORGED}), 0)\nos._exit(0)\n"),
    "forged_record_and_late_end_marker": WORK + (
        "import os, pickle\nprint(work(), flush=True)\nos.write(4, b'E')\n"
        f"os.pwrite(3, pickle.dumps({FORGED}), 0)\nos._exit(0)\n"),
    "clocks_and_forged_record": CLOCKS + "import os, pickle\nos.write(4, b'E')\n" + WORK + (
        f"print(work(), flush=True)\nos.pwrite(3, pickle.dumps({FORGED}), 0)\nos._exit(0)\n"),
    "forged_record_from_a_thread": WORK + (
        "import os, pickle, threading\n"
        f"forged = pickle.dumps({FORGED})\n"
        "def overwrite():\n    while True:\n        os.pwrite(3, forged, 0)\n"
        "threading.Thread(target=overwrite, daemon=True).start()\nprint(work())\n"),
    "thread_forges_markers_record_and_exits": WORK + (
        "import os, pickle, threading, time\n"
        f"forged = pickle.dumps({FORGED})\n"
        "def cheat():\n    os.write(4, b'E')\n    time.sleep(0.2)\n"
        "    os.pwrite(3, forged, 0)\n    os._exit(0)\n"
        "threading.Thread(target=cheat).start()\nprint(work(), flush=True)\ntime.sleep(1)\n"),
    "edits_the_harness_module": (
        "import sys\nh = sys.modules['effiskel.sandbox.harness']\norig = h.write_result\n"
        "def forged(result):\n    for r in result['repeats']:\n        r['t'] = 1000\n"
        "    orig(result)\nh.write_result = forged\n"
        "import time\nh.time = type('T', (), {'perf_counter_ns': staticmethod(lambda: 0)})\n"
        + WORK + "print(work())\n"),
    "edits_the_harness_frame": (  # f_locals writes from a trace function reach the frame
        "import sys\n" + WORK + "print(work())\n"
        "f = sys._getframe()\nwhile f is not None and 'start' not in f.f_locals:\n"
        "    f = f.f_back\n"
        "def tracer(frame, event, arg):\n"
        "    if 'start' in frame.f_locals and 'end' in frame.f_locals:\n"
        "        frame.f_locals['start'] = frame.f_locals['end'] - 1000\n    return tracer\n"
        "if f is not None:\n    f.f_trace = tracer\n    sys.settrace(lambda *a: None)\n"),
    "finds_harness_functions_with_gc": (  # unfreeze: the server's heap is frozen out of gc
        "import gc, pickle, types\ngc.unfreeze()\n"
        "def dumps(obj, *a, **k):\n"
        "    if isinstance(obj, dict) and 'repeats' in obj:\n"
        "        for r in obj['repeats']:\n"
        "            r['t'] = 1000\n"
        "    return pickle.dumps(obj, *a, **k)\n"
        "fake = types.ModuleType('pickle')\nfake.__dict__.update(pickle.__dict__)\n"
        "fake.dumps = dumps\n"
        "for o in gc.get_objects():\n"
        "    if callable(o) and getattr(o, '__name__', '') == 'write_result':\n"
        "        o.__globals__['pickle'] = fake\n"
        + WORK + "print(work())\n"),
}


@pytest.fixture(scope="module", params=["auto", "process"])
def sandbox(request, build_dir):
    root = build_dir / "sandbox-tests"
    root.mkdir(exist_ok=True)
    with Sandbox(Limits(cpu_time_s=10), isolation=request.param, scratch_root=root) as sb:
        yield sb


@pytest.fixture(scope="module")
def honest_ns(sandbox):
    res = sandbox.run(HONEST, [TestCase("", ANSWER)], repeat=3)
    assert res.verdict == Verdict.AC, res.detail
    t = statistics.median(res.tests[0].times_ns)
    assert 0.05e9 < t < 3e9, f"the honest work took {t / 1e9:.2f} s; resize N"
    return t


def _assert_not_faster(res, honest: float, name: str) -> None:
    t = res.tests[0]
    assert all(x >= 0 for x in t.times_ns), (name, t.times_ns)
    if res.verdict == Verdict.AC:
        assert t.times_ns and min(t.times_ns) >= 0.5 * honest, (
            f"{name}: timed {min(t.times_ns) / 1e6:.3f} ms, honest twin {honest / 1e6:.1f} ms")
    else:
        assert res.verdict == Verdict.RE and "timing record inconsistent" in t.detail, (
            name, res.verdict, t.detail)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_cheating_twin_is_not_timed_faster(sandbox, honest_ns, name):
    res = sandbox.run(TWINS[name], [TestCase("", ANSWER)], repeat=2)
    _assert_not_faster(res, honest_ns, name)


@pytest.mark.parametrize("name", ["rewrites_clocks", "forged_record_and_early_end_marker",
                                  "forged_record_and_late_end_marker", "edits_the_harness_frame",
                                  "finds_harness_functions_with_gc"])
def test_cheating_twin_in_child_mode(sandbox, honest_ns, name):
    res = sandbox.run(TWINS[name], [TestCase("", ANSWER)], repeat=3, repeat_mode="child")
    _assert_not_faster(res, honest_ns, name)


def test_a_forged_record_is_refused_with_the_reason():
    """What the server concludes from a forged record and a forged end marker,
    without a sandbox: the window the kernel saw is what counts."""
    from effiskel.sandbox.server import Bounds, check_timing

    ms = 1_000_000
    begin = 10**18
    honest = [(b"B", begin), (b"E", begin + 300 * ms)]
    bounds = Bounds(window_ns=50_000, gap_ns=500_000, exit_ns=2 * ms, outside_cpu_ns=5 * ms)
    rec = [{"kind": "ok", "t": 299 * ms, "cpu": 299 * ms}]
    charged, problem, _ = check_timing(honest, rec, begin - ms, begin + 301 * ms, bounds, 10_000,
                                       [1])
    assert problem is None and charged == [300 * ms - 50_000]  # clamped up to w - o
    # the record says 1 µs for a 300 ms window: not believed
    _, problem, _ = check_timing(honest, [{"kind": "ok", "t": 1000}], begin - ms,
                                 begin + 301 * ms, bounds, 10_000, [1])
    assert problem and "reported 1000 ns, observed 300000000 ns" in problem
    # a forged early E, then 300 ms of work before the process ends: not believed
    early = [(b"B", begin), (b"E", begin + 1000)]
    _, problem, _ = check_timing(early, [{"kind": "ok", "t": 900}], begin - ms, begin + 300 * ms,
                                 bounds, 10_000, [1])
    assert problem and "after its last repeat ended" in problem
    # a little more after E than the harness needs (a busy machine): charged, not refused
    charged, problem, _ = check_timing(honest, rec, begin - ms, begin + 305 * ms, bounds, 10_000,
                                       [1])
    assert problem is None and charged[0] > 300 * ms
    # 80 ms between the last marker and the exit the server saw: with the child's
    # CPU at what the harness needs, the server was scheduled late (charged nothing);
    # with the child burning CPU all that time, it was working (not believed)
    cpu = 299 * ms + 3 * ms
    charged, problem, _ = check_timing(honest, rec, begin - ms, begin + 380 * ms, bounds, 10_000,
                                       [1], cpu)
    assert problem is None and charged == [300 * ms - 50_000]
    _, problem, _ = check_timing(honest, rec, begin - ms, begin + 380 * ms, bounds, 10_000, [1],
                                 cpu + 80 * ms)
    assert problem and "after its last repeat ended" in problem
    # markers missing or extra: not believed
    _, problem, _ = check_timing(honest + [(b"E", begin + 301 * ms)], rec, begin - ms,
                                 begin + 302 * ms, bounds, 10_000, [1])
    assert problem and "markers" in problem
