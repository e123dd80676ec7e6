"""A program cannot read its answers: not on disk, not in memory, not through /proc.

The expected output of each test here is a fresh random token that sits in a
tests file under build/ (as `effiskel run-tests` would read it) and in this
process. The hunting program knows the token's shape, not its value, and
looks everywhere it can: the exact path of the tests file, the datasets
directory, a walk of the filesystem, every object of its process (the server's
frozen heap included), its /proc. Run outside the sandbox, the same program
finds the token, so the search itself works.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

import pytest

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict
from tests.conftest import ROOT, SHARED_DATA

HUNT = r'''
import gc, os, re, sys
PATTERN = re.compile(rb"ANSWER-[0-9a-f]{32}")
found, files = set(), 0
def look(data):
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    found.update(m.decode() for m in PATTERN.findall(data))
def read(path):
    global files
    try:
        with open(path, "rb") as f:
            look(f.read(1 << 20))
        files += 1
    except (OSError, ValueError):
        pass
for path in TARGETS:  # where the answers are, exactly
    if os.path.isdir(path):
        for d, _, names in os.walk(path):
            for n in names:
                read(os.path.join(d, n))
    else:
        read(path)
if found and STOP_EARLY:  # the control: it finds the answer where it lies
    print(" ".join(sorted(found)), files)
    raise SystemExit(0)
skip = {"/proc", "/sys", "/dev", "/usr", os.path.realpath(sys.prefix),
        os.path.realpath(sys.base_prefix)}
for d, dirs, names in os.walk("/"):  # and everywhere else it can see
    dirs[:] = [x for x in dirs if os.path.join(d, x) not in skip]
    for n in names:
        read(os.path.join(d, n))
gc.unfreeze()
for o in gc.get_objects():  # every object of its process, the server's heap included
    try:
        if isinstance(o, (str, bytes)):
            look(o)
        elif isinstance(o, dict):
            for v in o.values():
                if isinstance(v, (str, bytes)):
                    look(v)
        elif isinstance(o, (list, tuple)):
            for v in o:
                if isinstance(v, (str, bytes)):
                    look(v)
    except Exception:
        pass
for p in ("/proc/self/environ", "/proc/self/cmdline", "/proc/1/environ", "/proc/1/cmdline"):
    read(p)
print(" ".join(sorted(found)) or "nothing", files)
'''


@pytest.fixture(scope="module", params=["auto", "process"])
def sandbox(request, build_dir):
    root = build_dir / "sandbox-tests"
    root.mkdir(exist_ok=True)
    with Sandbox(Limits(cpu_time_s=20, wall_time_s=40), isolation=request.param,
                 scratch_root=root) as sb:
        yield sb


def _token() -> str:
    return f"ANSWER-{uuid.uuid4().hex}"


def _hunter(tests_file, stop_early: bool = False) -> str:
    targets = [str(tests_file), str(tests_file.parent), str(SHARED_DATA), str(ROOT / "build")]
    return f"TARGETS = {targets!r}\nSTOP_EARLY = {stop_early}\n" + HUNT


def test_the_hunt_finds_the_answer_outside_the_sandbox(work_dir):
    token = _token()
    tests_file = work_dir / "tests.jsonl"
    tests_file.write_text(f'{{"input": "", "output": "{token}"}}\n')
    prog = work_dir / "hunt.py"
    prog.write_text(_hunter(tests_file, stop_early=True))  # not the whole disk: seconds
    out = subprocess.run([sys.executable, str(prog)], capture_output=True, text=True,
                         timeout=300)
    assert token in out.stdout, out.stderr[-2000:]


@pytest.mark.parametrize("path", ["run", "check"])
def test_a_program_cannot_find_its_expected_output(sandbox, work_dir, path):
    token = _token()
    tests_file = work_dir / "tests.jsonl"
    tests_file.write_text(f'{{"input": "", "output": "{token}"}}\n')
    program = _hunter(tests_file)
    run = sandbox.run if path == "run" else sandbox.check
    judged = run(program, [TestCase("", token)])
    assert judged.verdict == Verdict.WA, judged.detail  # it printed something else
    printed = run(program, [TestCase("", None)])
    assert printed.verdict == Verdict.AC, printed.detail
    words = printed.tests[0].output.split()
    assert words[0] == "nothing", printed.tests[0].output
    if sandbox.isolation["mode"] == "namespaces":
        assert int(words[1]) > 0  # it did read the files it could see


def test_a_previous_program_is_not_reachable(sandbox):
    """The reference solution of a task runs in the same server before the
    others: nothing of it may be left for the next program to find."""
    token = _token()
    first = sandbox.run(f"SECRET = {token!r}\nprint(len(SECRET))\n", [TestCase("", "39")])
    assert first.verdict == Verdict.AC, first.detail
    hunt = ("import gc, os, re\ngc.unfreeze()\nfound = set()\n"
            "pat = re.compile(r'ANSWER-[0-9a-f]{32}')\n"
            "for o in gc.get_objects():\n"
            "    if isinstance(o, str):\n        found.update(pat.findall(o))\n"
            "    elif isinstance(o, dict):\n"
            "        found.update(m for v in o.values() if isinstance(v, str) "
            "for m in pat.findall(v))\n"
            "prog = os.path.dirname(__file__)\n"
            "try:\n    listing = os.listdir(prog)\nexcept OSError:\n    listing = 'refused'\n"
            "if listing == [os.path.basename(__file__)]:\n    listing = 'only-itself'\n"
            "print(sorted(found) or 'nothing', listing)\n")
    res = sandbox.run(hunt, [TestCase("", None)])
    assert res.verdict == Verdict.AC, res.detail
    # the program directory cannot be listed (a run's own uid), or holds only this
    # program (where runs keep the server's uid: unprivileged user namespaces)
    assert res.tests[0].output.split() in (["nothing", "refused"], ["nothing", "only-itself"])


def test_proc_shows_only_the_runs_own_processes(sandbox):
    prog = ("import os, subprocess\n"
            "try:\n    pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
            "except PermissionError:\n    pids = 'refused'\n"
            "own = open('/proc/self/status').read().split('\\n')[0]\n"
            "print(pids, os.getpid(), own)\n")
    res = sandbox.run(prog, [TestCase("", None)])
    assert res.verdict == Verdict.AC, res.detail
    pids, me, name = res.tests[0].output.split(maxsplit=2)
    assert name.startswith("Name:")  # its own entries are readable
    if sandbox.isolation["mode"] == "namespaces":
        assert sandbox.isolation["private_proc"]
        assert (pids, me) == ("[1]", "1"), res.tests[0].output
    else:  # best effort: the audit hook refuses the listing and other processes' entries
        assert pids == "refused"
        other = sandbox.run(f"print(open('/proc/{os.getpid()}/cmdline').read())\n",
                            [TestCase("", None)])
        assert other.verdict == Verdict.RE and "not allowed" in other.detail


def test_a_run_sees_the_interpreter_but_not_the_checkout(sandbox):
    prog = ("import os, sys, json, decimal, sqlite3\n"  # libraries, an extension module
            "print(os.path.exists(sys.prefix), os.path.exists(os.getcwd()),"
            f" os.path.exists({str(ROOT / 'effiskel' / 'cli.py')!r}),"
            f" os.path.exists({str(ROOT / 'pyproject.toml')!r}))\n")
    res = sandbox.run(prog, [TestCase("", None)])
    assert res.verdict == Verdict.AC, res.detail
    if sandbox.isolation["mode"] == "namespaces":
        assert res.tests[0].output.split() == ["True", "True", "False", "False"]
    read = sandbox.run(f"print(open({str(ROOT / 'pyproject.toml')!r}).read()[:10])\n",
                       [TestCase("", None)])
    assert read.verdict == Verdict.RE, read.detail


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="no shared data on this machine")
def test_datasets_are_not_readable(sandbox):
    data = next(p for p in SHARED_DATA.rglob("*") if p.is_file())
    res = sandbox.run(f"print(len(open({str(data)!r}, 'rb').read()))\n", [TestCase("", None)])
    assert res.verdict == Verdict.RE, res.detail
    assert re.search(r"No such file|not allowed", res.detail), res.detail
