"""`Sandbox`: runs untrusted Python programs on tests, through a fork server it owns.

    with Sandbox(Limits(cpu_time_s=2)) as sb:
        ok = sb.check(code, tests)                    # correctness: all tests in one child
        result = sb.run(code, tests, repeat=30)       # timing: 30 runs per test
        result.verdict, result.tests[0].time_ns

One Sandbox is one server process and runs one program at a time; run several
Sandboxes (e.g. one per Ray actor) for parallelism. If the server dies or stops
answering, the request in flight is answered SE (a sandbox failure, never the
program's fault) and the next request starts a fresh server.

Expected outputs stay in this process: the server gets test inputs only and
returns what each run produced, which `judge.py` compares here.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

from effiskel.sandbox import judge as _judge
from effiskel.sandbox import server as _server
from effiskel.sandbox import values
from effiskel.sandbox.types import Limits, LineProfile, RunResult, TestCase, TestResult, Verdict

REPEAT_MODES = _server.REPEAT_MODES

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class SandboxError(RuntimeError):
    """The sandbox itself failed (server did not start, died, or did not answer)."""


class Sandbox:
    """A warm fork server for running untrusted programs. Thread-safe; one run at a time."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        isolation: str = "auto",
        preload: tuple[str, ...] = _server.DEFAULT_PRELOAD,
        scratch_root: str | os.PathLike | None = None,
        scratch_mb: int = 1024,
        profile_slowdown: float = 10.0,
        python: str | None = None,
        start_timeout_s: float = 60.0,
        private_proc: bool = True,
    ):
        """
        limits: default limits of every run (a call may pass its own).
        isolation: "auto" (namespaces where the kernel allows) or "process" (rlimits,
            subreaper and an audit hook only; for machines without namespaces, and tests).
        preload: modules the server imports once so programs do not pay for them.
        scratch_root: where per-server scratch directories are made (default: the temp dir).
        profile_slowdown: line profiling runs get limits this many times larger.
        private_proc: each run mounts a /proc of its own PID namespace (namespace mode);
            False only to measure what that costs (benchmarks/sandbox_throughput.py).
        """
        if isolation not in ("auto", "process"):
            raise ValueError(f"isolation must be 'auto' or 'process', not {isolation!r}")
        self.limits = limits or Limits()
        self._isolation_mode = isolation
        self._preload = tuple(preload)
        self._scratch_root = str(scratch_root) if scratch_root else None
        self._scratch_mb = scratch_mb
        self._profile_slowdown = profile_slowdown
        self._python = python or sys.executable
        self._start_timeout = start_timeout_s
        self._private_proc = private_proc
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._scratch: str | None = None
        self._log: str | None = None
        self.isolation: dict = {}
        self.restarts = 0  # servers started after the first (each after a failure)
        self._started = False
        self._finalizer = weakref.finalize(self, _stop, [None])

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start the server now (otherwise the first request starts it)."""
        with self._lock:
            self._ensure()

    def close(self) -> None:
        with self._lock:
            self._stop_server()

    def _ensure(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        if self._proc is not None:
            self._stop_server()
        if self._started:
            self.restarts += 1
        self._started = True
        # absolute: the server changes its root and working directory
        self._scratch = os.path.abspath(
            tempfile.mkdtemp(prefix="effiskel-sandbox-", dir=self._scratch_root))
        self._log = self._scratch + ".log"
        # The server's environment is the programs' environment: clean, with the
        # per-run working directory as HOME and TMPDIR.
        workdir = os.path.join(self._scratch, "run")
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "HOME": workdir, "TMPDIR": workdir,
            # Forking a process that has thread pools is unsafe; keep numeric libs single-threaded.
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": os.pathsep.join(
                p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p),
        }
        with open(self._log, "wb") as log:
            self._proc = subprocess.Popen(
                [self._python, "-m", "effiskel.sandbox.server"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                env=env, start_new_session=True, close_fds=True,
            )
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _stop, [self._proc, self._scratch, self._log])
        try:
            _server.send(self._proc.stdin.fileno(), {
                "scratch": self._scratch, "isolation": self._isolation_mode,
                "scratch_mb": self._scratch_mb, "preload": self._preload,
                "private_proc": self._private_proc,
            })
            hello = _server.recv(self._proc.stdout.fileno(), time.monotonic() + self._start_timeout)
        except (OSError, EOFError, TimeoutError) as e:
            log = self._log_tail()
            self._stop_server()
            raise SandboxError(f"sandbox server failed to start: {e}; log: {log}") from e
        if "error" in hello:
            log = self._log_tail()
            self._stop_server()
            raise SandboxError(f"sandbox server failed to start: {hello['error']}; log: {log}")
        self.isolation = hello["isolation"]

    def _stop_server(self) -> None:
        _stop([self._proc, self._scratch, self._log])
        self._proc = None
        self._scratch = None

    def _log_tail(self) -> str:
        try:
            return Path(self._log).read_text(errors="replace")[-2000:]
        except (OSError, TypeError):
            return ""

    def _request(self, req: dict, timeout_s: float) -> dict:
        with self._lock:
            self._ensure()
            try:
                _server.send(self._proc.stdin.fileno(), req)
                resp = _server.recv(self._proc.stdout.fileno(), time.monotonic() + timeout_s)
            except (OSError, EOFError, TimeoutError) as e:
                code = self._proc.poll()
                log = self._log_tail()
                self._stop_server()  # the next request starts a fresh one
                raise SandboxError(f"sandbox server failed ({e}; exit code {code}): {log}") from e
        if "error" in resp:
            raise SandboxError("sandbox server error: " + resp["error"][-2000:])
        return resp

    # -- running ---------------------------------------------------------------------
    def run(
        self,
        program: str,
        tests: list[TestCase] | list[tuple[str, str | None]],
        *,
        mode: str = "stdio",
        entry_point: str | None = None,
        checker: str | None = None,
        float_tolerance: float = 0.0,
        output_rule: str | None = None,
        repeat: int = 1,
        repeat_mode: str = "fork",
        stop_on_failure: bool = True,
        limits: Limits | None = None,
    ) -> RunResult:
        """Run `program` on each test `repeat` times, timed; judge every run's output.

        mode "stdio": the test input on stdin, stdout compared token by token.
        mode "call": `entry_point` (a function, or `Class.method`) is called with
        the test's argument list and its return value compared. A test whose
        expected output is None is not judged; its output is captured instead.
        With `stop_on_failure`, tests after the first failing one are not run.
        `output_rule` "is_not_none" compares only whether the return value is
        None (see values.apply_output_rule). A checker sees the arguments as
        the call left them, so in-place tasks can be judged.

        repeat_mode "fork" (default): every repeat is a fresh fork of the warm
        server, so no repeat can inherit anything from another. "child": one
        fork per test input runs all its repeats, each with a fresh `__main__`
        and stdin (harness.py lists what else is restored); ~10x the
        throughput, but it measures warm repeats and assumes the program does
        not carry work from one repeat to the next (see README, "Timing").
        """
        cases = _cases(tests, mode, entry_point)
        if repeat_mode not in REPEAT_MODES:
            raise ValueError(f"repeat_mode must be one of {REPEAT_MODES}, not {repeat_mode!r}")
        lim = limits or self.limits
        try:
            check_fn = _judge.checker_function(checker)
        except Exception as e:  # the task's checker, not the program, is broken
            return RunResult(Verdict.SE, [TestResult(Verdict.SE, detail=f"bad checker: {e!r}")],
                             self.isolation)
        repeat = max(1, int(repeat))
        base = {
            "op": "run", "program": program, "mode": mode, "entry_point": entry_point,
            "output_rule": output_rule, "want_args": check_fn is not None, "repeat": repeat,
            "repeat_mode": repeat_mode, "limits": _limits_dict(lim, self._profile_slowdown),
        }
        timeout = 30 + 2 * repeat * (lim.wall_s + 1)
        results = []
        for inp, expected_text in cases:
            try:
                sent = call_args(inp) if mode == "call" else inp
            except ValueError as e:  # the dataset's test, not the program
                results.append(TestResult(Verdict.SE, detail=f"bad test case: {e}"))
                if stop_on_failure:
                    break
                continue
            try:
                resp = self._request({**base, "input": sent}, timeout)
            except SandboxError as e:
                results.append(TestResult(Verdict.SE, detail=str(e)))
                break
            res = self._judged(resp, mode, inp, expected_text, check_fn, float_tolerance)
            results.append(res)
            if res.verdict != Verdict.AC and stop_on_failure:
                break
        return RunResult(_overall(results), results, self.isolation)

    def check(
        self,
        program: str,
        tests: list[TestCase] | list[tuple[str, str | None]],
        *,
        mode: str = "stdio",
        entry_point: str | None = None,
        checker: str | None = None,
        float_tolerance: float = 0.0,
        output_rule: str | None = None,
        stop_on_failure: bool = True,
        limits: Limits | None = None,
    ) -> RunResult:
        """Correctness only: all of `program`'s tests in one forked child, untimed.

        Each test still has its own limits: one that hangs is killed at its wall
        limit, one that kills its process is judged alone, and a fresh child
        takes the remaining tests. In call mode the module level runs once and
        every test is a call in the same namespace, as EvalPlus evaluates, so
        state a program keeps between calls leaks from test to test as it
        would there. Tests with no expected output are captured. Results have
        no times (use `run`)."""
        cases = _cases(tests, mode, entry_point)
        lim = limits or self.limits
        try:
            check_fn = _judge.checker_function(checker)
        except Exception as e:
            return RunResult(Verdict.SE, [TestResult(Verdict.SE, detail=f"bad checker: {e!r}")],
                             self.isolation)
        inputs, unreadable = [], {}
        for i, (inp, _) in enumerate(cases):
            try:
                inputs.append(call_args(inp) if mode == "call" else inp)
            except ValueError as e:  # sent as None: the child reports it, judged SE here
                inputs.append(None)
                unreadable[i] = f"bad test case: {e}"
        req = {
            "op": "check", "program": program, "inputs": inputs,
            "mode": mode, "entry_point": entry_point, "output_rule": output_rule,
            "want_args": check_fn is not None, "stop_on_failure": stop_on_failure,
            "limits": _limits_dict(lim, self._profile_slowdown),
        }
        timeout = 30 + len(cases) * (lim.wall_s + 1)
        try:
            resp = self._request(req, timeout)
        except SandboxError as e:
            return RunResult(Verdict.SE, [TestResult(Verdict.SE, detail=str(e))], self.isolation)
        results = []
        for i, ((inp, expected_text), r) in enumerate(zip(cases, resp["tests"])):
            res = self._judged(r, mode, inp, expected_text, check_fn, float_tolerance)
            if i in unreadable:
                res.verdict, res.detail = Verdict.SE, unreadable[i]
            results.append(res)
            if res.verdict != Verdict.AC and stop_on_failure:
                break
        return RunResult(_overall(results), results, self.isolation)

    @staticmethod
    def _judged(resp: dict, mode, inp, expected_text, check_fn, float_tolerance) -> TestResult:
        """A TestResult from the server's answer for one test, its outputs judged here."""
        res = TestResult(Verdict(resp["verdict"]), time_ns=resp.get("time_ns"),
                         times_ns=list(resp.get("times_ns") or []),
                         cpu_ns=list(resp.get("cpu_ns") or []),
                         max_rss_kb=resp.get("max_rss_kb", 0),
                         stdout_bytes=resp.get("stdout_bytes", 0), detail=resp.get("detail", ""),
                         repeat_mode=resp.get("repeat_mode", ""))
        if res.verdict != Verdict.AC:
            return res
        outputs = resp.get("outputs") or []
        if not outputs:
            res.verdict, res.detail = Verdict.SE, "the sandbox returned no output to judge"
            return res
        if expected_text is None:
            if len(outputs) > 1:
                res.verdict, res.detail = Verdict.WA, "repeats gave different outputs"
                return res
            try:
                res.output = _judge.captured(outputs[0], mode)
            except TypeError as e:
                res.verdict, res.detail = Verdict.WA, str(e)
            return res
        try:
            expected = expected_value(expected_text) if mode == "call" else expected_text
        except ValueError as e:
            res.verdict, res.detail = Verdict.SE, f"bad test case: expected output: {e}"
            return res
        for out in outputs:  # every repeat's output, each distinct one once
            verdict, detail = _judge.judge(out, mode, inp, expected, check_fn, float_tolerance)
            if verdict != "AC":
                res.verdict, res.detail = Verdict(verdict), detail
                break
        return res

    def line_profile(
        self,
        program: str,
        tests: list[TestCase] | list[tuple[str, str | None]],
        *,
        mode: str = "stdio",
        entry_point: str | None = None,
        limits: Limits | None = None,
    ) -> LineProfile:
        """Per-line hits and time of `program` over `tests` under line_profiler.

        A separate run from timing (the profiler slows programs ~10x); limits
        are scaled by `profile_slowdown`. Outputs are not judged."""
        cases = _cases(tests, mode, entry_point)
        lim = limits or self.limits
        try:
            inputs = [call_args(inp) if mode == "call" else inp for inp, _ in cases]
        except ValueError as e:
            return LineProfile(Verdict.SE, {}, f"bad test case: {e}")
        req = {"op": "profile", "program": program,
               "tests": [(inp, None) for inp in inputs], "mode": mode,
               "entry_point": entry_point,
               "limits": _limits_dict(lim, self._profile_slowdown)}
        timeout = 30 + len(cases) * (lim.wall_s * self._profile_slowdown + 1)
        try:
            resp = self._request(req, timeout)
        except SandboxError as e:
            return LineProfile(Verdict.SE, {}, str(e))
        return LineProfile(Verdict(resp["verdict"]), resp["lines"], resp["detail"])


@functools.lru_cache(maxsize=16384)
def _call_args_cached(text: str) -> bytes:
    args = values.from_literal(text)
    if not isinstance(args, (list, tuple)):
        raise ValueError(f"call-mode input must be a list of arguments, got {text[:80]!r}")
    return pickle.dumps(list(args), protocol=pickle.HIGHEST_PROTOCOL)


def call_args(text: str) -> bytes:
    """A call-mode test input (literal text of the argument list), pickled for the
    sandbox; ValueError if it is not one. Parsed once per text: a task's inputs
    are sent in every pass and every timing round, and parsing a literal costs
    as much as many a test's call."""
    return _call_args_cached(text)


@functools.lru_cache(maxsize=16384)
def _expected_cached(text: str) -> bytes:
    return pickle.dumps(values.from_literal(text), protocol=pickle.HIGHEST_PROTOCOL)


def expected_value(text: str):
    """A call-mode expected output's value (a fresh copy: checkers may mutate it)."""
    return pickle.loads(_expected_cached(text))


def _overall(results: list[TestResult]) -> Verdict:
    """SE if the sandbox failed anywhere, else the first failure, else AC."""
    if any(r.verdict == Verdict.SE for r in results):
        return Verdict.SE
    return next((r.verdict for r in results if r.verdict != Verdict.AC), Verdict.AC)


def _cases(tests, mode: str, entry_point: str | None) -> list[tuple[str, str | None]]:
    if mode not in ("stdio", "call"):
        raise ValueError(f"mode must be 'stdio' or 'call', not {mode!r}")
    if mode == "call" and not entry_point:
        raise ValueError("call mode needs an entry_point (the function to call)")
    out = []
    for t in tests:
        if isinstance(t, TestCase):
            out.append((t.input, t.output))
        elif isinstance(t, dict):
            out.append((t["input"], t.get("output")))
        else:
            inp, exp = t
            out.append((inp, exp))
    return out


def _limits_dict(lim: Limits, slowdown: float) -> dict:
    d = dataclasses.asdict(lim)
    d["wall_s"] = lim.wall_s
    d["profile_slowdown"] = slowdown
    return d


def _stop(state: list) -> None:
    """Stop a server and remove its scratch directory (also run by the finalizer)."""
    proc, scratch, log = (state + [None, None, None])[:3]
    if proc is not None:
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout,):
            try:
                stream.close()
            except OSError:
                pass
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    if log:
        try:
            os.unlink(log)
        except OSError:
            pass
