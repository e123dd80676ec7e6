"""`Sandbox`: runs untrusted Python programs on tests, through a fork server it owns.

    with Sandbox(Limits(cpu_time_s=2)) as sb:
        result = sb.run(code, [TestCase("1 2\\n", "3\\n")], repeat=30)
        result.verdict, result.tests[0].time_ns

One Sandbox is one server process and runs one program at a time; run several
Sandboxes (e.g. one per Ray actor) for parallelism. If the server dies or stops
answering, the request in flight is answered SE (a sandbox failure, never the
program's fault) and the next request starts a fresh server.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

from effiskel.sandbox import server as _server
from effiskel.sandbox.types import Limits, LineProfile, RunResult, TestCase, TestResult, Verdict

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
    ):
        """
        limits: default limits of every run (a call may pass its own).
        isolation: "auto" (namespaces where the kernel allows) or "process" (rlimits,
            subreaper and an audit hook only; for machines without namespaces, and tests).
        preload: modules the server imports once so programs do not pay for them.
        scratch_root: where per-server scratch directories are made (default: the temp dir).
        profile_slowdown: line profiling runs get limits this many times larger.
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
        self._scratch = tempfile.mkdtemp(prefix="effiskel-sandbox-", dir=self._scratch_root)
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
            })
            hello = _server.recv(self._proc.stdout.fileno(), time.monotonic() + self._start_timeout)
        except (OSError, EOFError, TimeoutError) as e:
            log = self._log_tail()
            self._stop_server()
            raise SandboxError(f"sandbox server failed to start: {e}; log: {log}") from e
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
        stop_on_failure: bool = True,
        limits: Limits | None = None,
    ) -> RunResult:
        """Run `program` on each test `repeat` times; judge every run.

        mode "stdio": the test input on stdin, stdout compared token by token.
        mode "call": `entry_point` (a function, or `Class.method`) is called with
        the test's argument list and its return value compared. A test whose
        expected output is None is not judged; its output is captured instead.
        With `stop_on_failure`, tests after the first failing one are not run.
        `output_rule` "is_not_none" compares only whether the return value is
        None (see values.apply_output_rule). A checker sees the arguments as
        the call left them, so in-place tasks can be judged.
        """
        cases = _cases(tests, mode, entry_point)
        lim = limits or self.limits
        req = {
            "op": "run", "program": program, "tests": cases, "mode": mode,
            "entry_point": entry_point, "checker": checker, "float_tolerance": float_tolerance,
            "output_rule": output_rule,
            "repeat": max(1, int(repeat)), "stop_on_failure": stop_on_failure,
            "limits": _limits_dict(lim, self._profile_slowdown),
        }
        timeout = 30 + len(cases) * req["repeat"] * (lim.wall_s + 1)
        try:
            resp = self._request(req, timeout)
        except SandboxError as e:
            return RunResult(Verdict.SE, [TestResult(Verdict.SE, detail=str(e))], self.isolation)
        tests_out = [
            TestResult(**{**t, "verdict": Verdict(t["verdict"])}) for t in resp["tests"]
        ]
        return RunResult(Verdict(resp["verdict"]), tests_out, self.isolation)

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
        req = {"op": "profile", "program": program, "tests": cases, "mode": mode,
               "entry_point": entry_point,
               "limits": _limits_dict(lim, self._profile_slowdown)}
        timeout = 30 + len(cases) * (lim.wall_s * self._profile_slowdown + 1)
        try:
            resp = self._request(req, timeout)
        except SandboxError as e:
            return LineProfile(Verdict.SE, {}, str(e))
        return LineProfile(Verdict(resp["verdict"]), resp["lines"], resp["detail"])


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
