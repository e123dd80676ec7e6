"""Hostile and broken programs: each gets the right verdict within its limit,
leaves no process and no file behind, and the next run works.

Every case runs under both isolation modes: "auto" (kernel namespaces, as on
this machine) and "process" (the fallback for machines without namespaces).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import psutil
import pytest

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict

LIMITS = Limits(cpu_time_s=1, wall_time_s=1.5, memory_mb=256, max_output_bytes=1 << 20,
                max_file_bytes=1 << 20)
TAG = uuid.uuid4().hex[:12]
ESCAPE_TMP = f"/tmp/effiskel-escape-{TAG}"
SLEEP_MARK = str(800000 + int(TAG[:4], 16))  # a daemon's `sleep` argument, to find it by


@pytest.fixture(scope="module", params=["auto", "process"])
def sandbox(request, build_dir):
    root = build_dir / "sandbox-tests"
    root.mkdir(exist_ok=True)
    with Sandbox(LIMITS, isolation=request.param, scratch_root=root) as sb:
        yield sb


def _server_children(sb: Sandbox) -> list[int]:
    return [p.pid for p in psutil.Process(sb._proc.pid).children()]


def _processes_matching(text: str) -> list[int]:
    return [p.pid for p in psutil.process_iter(["cmdline"])
            if text in "\0".join(p.info["cmdline"] or ())]


def _processes_of_uid(uid: int) -> list[int]:
    """Processes whose real, effective or saved uid is `uid`."""
    return [p.pid for p in psutil.process_iter(["uids"])
            if p.info["uids"] is not None and uid in p.info["uids"]]


# name → (program, allowed verdicts in auto mode, allowed verdicts in process mode)
CASES = {
    "infinite_loop": ("while True:\n    pass\n", {"TLE"}, {"TLE"}),
    "loop_catching_everything": (
        "while True:\n    try:\n        while True:\n            pass\n"
        "    except BaseException:\n        pass\n", {"TLE"}, {"TLE"}),
    "ignores_sigterm_and_sigxcpu": (
        "import signal\nfor s in (signal.SIGTERM, signal.SIGXCPU, signal.SIGINT, signal.SIGHUP):\n"
        "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass\n", {"TLE"}, {"TLE"}),
    "sleeps_forever": ("import time\ntime.sleep(10**6)\n", {"TLE"}, {"TLE"}),
    "memory_bomb": ("x = []\nwhile True:\n    x.append(' ' * 10**6)\n", {"MLE"}, {"MLE"}),
    "one_huge_allocation": ("a = bytearray(10**11)\n", {"MLE"}, {"MLE"}),
    # process mode as root has no RLIMIT_NPROC: the guard refuses fork (RE) or,
    # caught, the loop runs out its time (TLE)
    "fork_bomb": ("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n"
                  "        pass\n", {"TLE"}, {"TLE", "RE"}),
    "deep_recursion": ("import sys\nsys.setrecursionlimit(10**8)\ndef f(n):\n"
                       "    return f(n + 1) + 1\nf(0)\n", {"RE", "MLE", "TLE"}, {"RE", "MLE", "TLE"}),
    "recursion_error": ("def f():\n    f()\nf()\n", {"RE"}, {"RE"}),
    "huge_output": ("while True:\n    print('x' * 10000)\n", {"OLE"}, {"OLE"}),
    "huge_output_ignoring_errors": (
        "while True:\n    try:\n        print('x' * 10000, flush=True)\n    except OSError:\n"
        "        pass\n", {"OLE"}, {"OLE"}),
    "writes_outside_workdir": (
        f"open({ESCAPE_TMP!r}, 'w').write('x')\nprint(1)\n", {"RE"}, {"RE"}),
    "kills_parent": ("import os\nos.kill(os.getppid(), 9)\nprint('alive')\n",
                     {"WA"}, {"RE"}),
    # process mode: listing /proc (other processes) is refused outright
    "kills_everything_it_sees": (
        "import os, signal\nfor p in os.listdir('/proc'):\n"
        "    if p.isdigit() and int(p) != os.getpid():\n        try:\n"
        "            os.kill(int(p), signal.SIGKILL)\n        except OSError:\n"
        "            pass\nprint('alive')\n", {"WA"}, {"RE"}),
    "os_exit_nonzero": ("import os\nos._exit(3)\n", {"RE"}, {"RE"}),
    "os_exit_zero_without_output": ("import os\nos._exit(0)\n", {"WA"}, {"WA"}),
    "segfault_via_ctypes": ("import ctypes\nctypes.string_at(0)\n", {"RE"}, {"RE"}),
    "syntax_error": ("def f(:\n    pass\n", {"RE"}, {"RE"}),
    "reads_stdin_forever": ("import sys\nwhile True:\n    sys.stdin.read()\n", {"TLE"}, {"TLE"}),
    "input_past_eof": ("while True:\n    input()\n", {"RE"}, {"RE"}),
    "spawns_daemon_process": (
        f"import subprocess\nsubprocess.Popen(['sleep', '{SLEEP_MARK}'], start_new_session=True)\n"
        "print('spawned')\n", {"WA"}, {"RE"}),
    "double_fork_daemon": (
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        time.sleep(10**6)\n    os._exit(0)\nprint('parent done')\n", {"WA"}, {"RE"}),
    "thread_bomb": (
        "import threading, time\nfor i in range(1000):\n"
        "    threading.Thread(target=time.sleep, args=(10**6,), daemon=True).start()\n",
        {"RE"}, {"RE"}),
    "file_over_size_limit": ("open('big', 'wb').write(b'x' * (4 << 20))\n", {"RE"}, {"RE"}),
    "tampers_with_result_channel": ("import os\nos.write(3, b'garbage' * 100)\nprint(1)\n",
                                    {"AC", "RE"}, {"AC", "RE"}),
    "non_utf8_output": ("import sys\nsys.stdout.buffer.write(b'\\xff\\xfe\\n')\n", {"WA"}, {"WA"}),
    "exit_with_message": ("exit('bye')\n", {"RE"}, {"RE"}),
    "raises": ("raise ValueError('boom')\n", {"RE"}, {"RE"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_program(sandbox, name):
    program, auto_ok, process_ok = CASES[name]
    allowed = auto_ok if sandbox.isolation["mode"] == "namespaces" else process_ok
    restarts = sandbox.restarts
    start = time.monotonic()
    result = sandbox.run(program, [TestCase("", "1\n")])
    elapsed = time.monotonic() - start
    assert str(result.verdict) in allowed, (name, result.verdict, result.detail)
    assert elapsed < LIMITS.wall_s + 3, f"{name} took {elapsed:.1f} s"
    assert sandbox.restarts == restarts, "the program took the sandbox server down"
    assert _server_children(sandbox) == [], "a process of the program outlived the run"
    assert not _processes_matching(SLEEP_MARK), "a spawned daemon outlived the run"
    uid = sandbox.isolation["unprivileged_uid"]
    if uid is not None:
        assert not _processes_of_uid(uid), "a process of the run's uid survived"
    assert not os.path.exists(ESCAPE_TMP)
    assert sandbox.run("print(1)", [TestCase("", "1")]).verdict == Verdict.AC


def test_no_file_left_in_scratch(sandbox):
    result = sandbox.run("open('f.txt', 'w').write('data')\nimport os\nos.mkdir('d')\n"
                         "open('d/g', 'w').write('x')\nprint(open('f.txt').read())\n",
                         [TestCase("", "data")])
    assert result.verdict == Verdict.AC, result.detail  # writing its own directory is fine
    # what a second run sees: a fresh, empty working directory
    again = sandbox.run("import os\nprint(len(os.listdir('.')))\n", [TestCase("", "0")])
    assert again.verdict == Verdict.AC, again.detail
    if sandbox.isolation["mode"] == "process":
        assert sorted(os.listdir(sandbox._scratch)) == ["prog"]
    else:  # a private tmpfs: nothing at all shows on the host
        assert os.listdir(sandbox._scratch) == []


def test_cannot_delete_outside(sandbox, work_dir):
    victim = work_dir / "victim.txt"
    victim.write_text("keep me")
    result = sandbox.run(f"import os\nos.remove({str(victim)!r})\nprint(1)\n",
                         [TestCase("", "1")])
    assert result.verdict == Verdict.RE
    assert victim.read_text() == "keep me"


def test_network_is_cut_off(sandbox):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(3)
    port = listener.getsockname()[1]
    connections = []

    def accept():
        try:
            connections.append(listener.accept())
        except OSError:
            pass

    t = threading.Thread(target=accept)
    t.start()
    result = sandbox.run(
        f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "s.sendall(b'leak')\nprint(1)\n", [TestCase("", "1")])
    t.join()
    listener.close()
    assert result.verdict == Verdict.RE, result.detail
    assert connections == [], "the program reached a server on the host"


def test_isolation_is_reported(sandbox):
    iso = sandbox.isolation
    assert iso["rlimits"] and iso["subreaper"]
    if iso["mode"] == "namespaces":
        assert iso["network_namespace"] and iso["pid_namespace_per_run"]
    else:
        assert iso["audit_hook"]
