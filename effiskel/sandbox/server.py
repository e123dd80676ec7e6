"""The fork server: a warm interpreter that forks one isolated child per run.

Started by `effiskel.sandbox.Sandbox` as `python -m effiskel.sandbox.server`.
It isolates itself once (see isolation.py), imports what programs commonly
import, freezes its heap for the garbage collector, then answers requests on
its stdin/stdout (length-prefixed pickles from the trusted client). Each run
of a program on one test is one `fork()`: the child sets its limits, drops
privileges, runs the program and times only the program's own work; the
server waits with a wall-clock limit, kills the whole process tree on a limit,
and judges the output. Untrusted code never runs in the server itself.

Child → server channel: a memfd on fd 3 holding one marker byte b"S" (the
harness finished setting up, so what follows is the program's doing) and then
a pickled record {kind, time_ns, exc, ...}. A missing marker is a sandbox
failure (SE), never blamed on the program.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import gc
import importlib
import io
import math
import os
import pickle
import resource
import select
import signal
import struct
import sys
import time
import types

from effiskel.sandbox import isolation, values

# Imports stay few and light (no hashlib, shutil, threading, traceback, dataclasses):
# a fork copies the server's memory page by page, so every module costs every run.

# What solutions in APPS, HumanEval, MBPP and ENAMEL commonly import. Each module
# saves its importers its import time but costs every run: fork time grows with
# the server's memory (~33 us per MB here). numpy (6 MB: +0.4 ms per run, -54 ms
# per numpy-importing run) pays off only where many solutions use it, e.g. CodeNet:
# add it with the stages' `preload` setting there.
DEFAULT_PRELOAD = (
    "array", "bisect", "collections", "copy", "dataclasses", "datetime", "decimal", "enum",
    "fractions", "functools", "hashlib", "heapq", "itertools", "json", "math", "cmath",
    "numbers", "operator", "queue", "random", "re", "statistics", "string", "textwrap",
    "typing", "unicodedata",
)
MARKER = b"S"
HARNESS_FAILED = 0x7E  # exit code of a child whose harness failed before the program ran
_HEADER = struct.Struct("!Q")


# ---------------------------------------------------------------------------- protocol
def send(fd: int, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def recv(fd: int, deadline: float | None = None):
    """One message from `fd`; EOFError when the other side is gone; TimeoutError at deadline."""
    header = _read_exact(fd, _HEADER.size, deadline)
    return pickle.loads(_read_exact(fd, _HEADER.unpack(header)[0], deadline))


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("no answer from the sandbox server in time")
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("sandbox server closed the channel")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class _SafeUnpickler(pickle.Unpickler):
    """Loads only plain builtin values (what values.to_plain produces)."""

    _ALLOWED = {("builtins", "complex"), ("builtins", "bytearray"), ("builtins", "set"),
                ("builtins", "frozenset")}

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return getattr(builtins, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


# ---------------------------------------------------------------------------- the server
class Server:
    def __init__(self, iso: isolation.Isolation):
        self.iso = iso
        self.programs: dict[str, tuple] = {}  # program text → (code object, error)
        self.program_files = 0
        self.checkers: dict[str, object] = {}
        # Every run gets a fresh, empty directory at the same path, so HOME and
        # TMPDIR (set once in the server's environment by the client) point at it.
        self.workdir = os.path.join(iso.scratch, "run")
        self._request_ctx: tuple[int, int] | None = None  # reset by every request
        os.makedirs(os.path.join(iso.scratch, "prog"), mode=0o755, exist_ok=True)
        os.chmod(iso.scratch, 0o711)
        # The child's sys.stdin/stdout/stderr, built once: the child dup2s its
        # files onto fds 0-2, and building these per child costs copy-on-write faults.
        self.stdio = (
            io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False), 1 << 16),
                             encoding="utf-8"),
            io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False), 1 << 16),
                             encoding="utf-8"),
            io.TextIOWrapper(io.BufferedWriter(io.FileIO(2, "w", closefd=False), 4096),
                             encoding="utf-8", errors="backslashreplace", line_buffering=True),
        )

    # -- requests ------------------------------------------------------------------
    def handle(self, req: dict) -> dict:
        op = req["op"]
        self._request_ctx = None
        if op == "run":
            return self.run_program(req)
        if op == "profile":
            return self.line_profile(req)
        raise ValueError(f"unknown op {op!r}")

    def run_program(self, req: dict) -> dict:
        mode = req["mode"]
        limits = req["limits"]
        code, err = self._compile(req["program"])
        if err:
            return {"verdict": "RE", "tests": [_test(verdict="RE", detail=err)]}
        try:
            checker = self._checker(req.get("checker"))
        except Exception as e:  # the task's checker, not the program, is broken
            return {"verdict": "SE", "tests": [_test(verdict="SE", detail=f"bad checker: {e!r}")]}
        results = []
        for inp, expected_text in req["tests"]:
            try:
                prepared = self._prepare(mode, inp, expected_text)
            except Exception as e:
                results.append(_test(verdict="SE", detail=f"bad test case: {e}"))
                break
            with prepared as (stdin_fd, args, expected):
                res = self._run_test(req, code, checker, stdin_fd, args, inp, expected,
                                     expected_text is None, limits)
            results.append(res)
            if res["verdict"] != "AC" and req.get("stop_on_failure", True):
                break
        verdict = next((r["verdict"] for r in results if r["verdict"] == "SE"), None) or next(
            (r["verdict"] for r in results if r["verdict"] != "AC"), "AC"
        )
        return {"verdict": verdict, "tests": results}

    def _run_test(self, req, code, checker, stdin_fd, args, inp, expected, capture, limits):
        mode, entry = req["mode"], req.get("entry_point")
        call = {"output_rule": req.get("output_rule"), "want_args": checker is not None}
        res = _test()
        for _ in range(max(1, req.get("repeat", 1))):
            out = self._run_once(code, mode, entry, stdin_fd, args, limits, profile=False,
                                 call=call)
            res["max_rss_kb"] = max(res["max_rss_kb"], out["max_rss_kb"])
            res["stdout_bytes"] = out["stdout_size"]
            verdict, detail = self._outcome(out, mode, limits)
            if verdict == "AC":
                if capture:
                    try:
                        res["output"] = _captured(out, mode)
                    except TypeError as e:
                        verdict, detail = "WA", str(e)
                else:
                    verdict, detail = self._judge(out, mode, inp, expected, checker, req)
            if verdict != "AC":
                res.update(verdict=verdict, detail=detail)
                return res
            res["times_ns"].append(out["time_ns"])
            res["cpu_ns"].append(out["cpu_ns"])
        res["time_ns"] = sum(res["times_ns"]) / len(res["times_ns"])
        return res

    def line_profile(self, req: dict) -> dict:
        code, err = self._compile(req["program"])
        if err:
            return {"verdict": "RE", "lines": {}, "detail": err}
        import line_profiler  # noqa: F401 - once here, not in every profiled child
        lines: dict[int, list[int]] = {}
        verdict, detail = "AC", ""
        for inp, _expected in req["tests"]:
            try:
                prepared = self._prepare(req["mode"], inp, None)
            except Exception as e:
                return {"verdict": "SE", "lines": {}, "detail": f"bad test case: {e}"}
            with prepared as (stdin_fd, args, _):
                out = self._run_once(code, req["mode"], req.get("entry_point"), stdin_fd, args,
                                     req["limits"], profile=True)
            v, d = self._outcome(out, req["mode"], req["limits"])
            if v != "AC":
                verdict, detail = v, d
                break
            for lineno, (hits, ns) in out["record"].get("lines", {}).items():
                acc = lines.setdefault(lineno, [0, 0])
                acc[0] += hits
                acc[1] += ns
        return {"verdict": verdict, "lines": {k: tuple(v) for k, v in lines.items()},
                "detail": detail}

    # -- preparation ---------------------------------------------------------------
    def _compile(self, program: str):
        key = program
        if key not in self.programs:
            # A real file, so tracebacks and line profiles map back to source lines.
            self.program_files += 1
            filename = os.path.join(self.iso.scratch, "prog", f"p{self.program_files}.py")
            with open(filename, "w", encoding="utf-8", errors="surrogatepass") as f:
                f.write(program)
            os.chmod(filename, 0o644)
            try:
                entry = (compile(program, filename, "exec", dont_inherit=True), None)
            except (SyntaxError, ValueError) as e:
                line = getattr(e, "lineno", None)
                entry = (None, f"{type(e).__name__}: {getattr(e, 'msg', e)}"
                               + (f" (line {line})" if line else ""))
            if len(self.programs) > 256:
                self.programs.clear()
            self.programs[key] = entry
        return self.programs[key]

    def _checker(self, src: str | None):
        if not src:
            return None
        if src not in self.checkers:
            ns = {"__builtins__": builtins, "math": math}
            exec(compile(src, "<checker>", "exec"), ns)
            if not callable(ns.get("check")):
                raise ValueError("checker source must define check(input, expected, output)")
            self.checkers[src] = ns["check"]
        return self.checkers[src]

    @staticmethod
    def _prepare(mode, inp, expected_text):
        """A test, ready to run: a context manager of (stdin memfd or None, decoded
        arguments or None, expected value). Raises on a malformed test, before
        anything is opened; the memfd is closed on exit."""
        if mode == "stdio":
            fd = os.memfd_create("stdin", os.MFD_CLOEXEC)
            view = memoryview(inp.encode("utf-8", "surrogateescape"))
            while view:
                view = view[os.write(fd, view):]
            return _closing_fd(fd, (fd, None, expected_text))
        args = values.from_literal(inp)
        if not isinstance(args, (list, tuple)):
            raise ValueError(f"call-mode input must be a list of arguments, got {inp[:80]!r}")
        expected = None if expected_text is None else values.from_literal(expected_text)
        return contextlib.nullcontext((None, list(args), expected))

    # -- one run -------------------------------------------------------------------
    def _run_once(self, code, mode, entry, stdin_fd, args, limits, profile: bool,
                  call: dict | None = None) -> dict:
        """One fork. `call`: call-mode options {output_rule, want_args}."""
        scale = limits.get("profile_slowdown", 10.0) if profile else 1.0
        cpu_s, wall_s = limits["cpu_time_s"] * scale, limits["wall_s"] * scale
        workdir = self.workdir
        os.mkdir(workdir, 0o700)
        if self.iso.run_uid is not None:
            os.chown(workdir, self.iso.run_uid, self.iso.run_uid)
        out_fd = os.memfd_create("stdout", os.MFD_CLOEXEC)
        err_fd = os.memfd_create("stderr", os.MFD_CLOEXEC)
        res_fd = os.memfd_create("result", os.MFD_CLOEXEC)
        in_fd = os.open(f"/proc/self/fd/{stdin_fd}" if stdin_fd is not None else os.devnull,
                        os.O_RDONLY | os.O_CLOEXEC)
        nproc, baseline = self._per_request(limits)
        pid = -1
        try:
            self.iso.before_fork()
            try:
                pid = os.fork()
                if pid == 0:  # ---- child: never returns
                    _child(self.iso, code, mode, entry, args, limits, workdir, self.stdio,
                           (in_fd, out_fd, err_fd, res_fd), cpu_s, nproc, baseline, profile,
                           call or {"output_rule": None, "want_args": False})
            finally:
                if pid != 0:
                    self.iso.after_fork()
            started = time.perf_counter()
            timed_out = _wait_exit(pid, wall_s)
            _, status, ru = os.wait4(pid, 0)
            wall_ns = int((time.perf_counter() - started) * 1e9)
            if not self.iso.pid_namespace:
                self.iso.sweep()
            return _collect(out_fd, err_fd, res_fd, status, ru, timed_out, wall_ns, limits, cpu_s,
                            wall_s)
        finally:
            for fd in (in_fd, out_fd, err_fd, res_fd):
                os.close(fd)
            try:
                os.rmdir(workdir)  # the common case: the program left nothing
            except OSError:
                import shutil

                shutil.rmtree(workdir, ignore_errors=True)

    def _per_request(self, limits: dict) -> tuple[int, int]:
        """The process limit and the address-space baseline, computed once per request
        (a /proc scan or read per run would cost as much as the run's own work)."""
        if self._request_ctx is None:
            self._request_ctx = (self.iso.nproc_limit(limits["max_processes"]), _vm_bytes())
        return self._request_ctx

    # -- verdicts ------------------------------------------------------------------
    @staticmethod
    def _outcome(out: dict, mode: str, limits: dict) -> tuple[str, str]:
        """The verdict of a run before its output is judged ("AC" = ran to completion)."""
        rec, status = out["record"], out["status"]
        if not out["started"]:
            return "SE", "sandbox harness failed before the program ran: " + out["stderr"][-500:]
        # The output limit is checked first: a program past it that keeps going
        # (e.g. ignoring write errors) hit that limit before any time limit.
        if out["stdout_size"] > limits["max_output_bytes"]:
            return "OLE", f"output over {limits['max_output_bytes']} bytes"
        if out["timed_out"]:
            return "TLE", f"wall time limit {out['wall_limit_s']:.3g} s"
        if out["cpu_ns"] > out["cpu_limit_s"] * 1e9 or (
            os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU
        ):
            return "TLE", f"CPU time limit {out['cpu_limit_s']:.3g} s"
        if rec is None:
            if os.WIFSIGNALED(status):
                sig = signal.Signals(os.WTERMSIG(status)).name
                return "RE", f"killed by {sig}" + _tail(out["stderr"])
            code = os.WEXITSTATUS(status)
            if code != 0:
                return "RE", f"exit code {code}" + _tail(out["stderr"])
            if mode == "call":
                return "RE", "exited before returning a value"
            return "AC", ""
        kind = rec["kind"]
        if kind == "harness_error":
            return "SE", "sandbox harness failed: " + rec["msg"]
        if kind == "exception":
            if rec["exc"] == "MemoryError":
                return "MLE", f"memory limit {limits['memory_mb']} MB"
            return "RE", f"{rec['exc']}: {rec['msg']}"[:500] + (
                f" (line {rec['line']})" if rec.get("line") else "")
        if kind == "exit" and rec["code"] != 0:
            return "RE", f"exit code {rec['code']}" + _tail(out["stderr"])
        if kind == "corrupt":
            return "RE", "the program overwrote the sandbox's result channel"
        if "MemoryError" in out["stderr"]:
            return "MLE", f"memory limit {limits['memory_mb']} MB"
        return "AC", ""

    @staticmethod
    def _judge(out, mode, inp, expected, checker, req) -> tuple[str, str]:
        tol = req.get("float_tolerance") or 0.0
        if mode == "stdio":
            got = out["stdout"]
            if checker is not None:
                ok = _call_checker(checker, inp, expected, got.decode("utf-8", "replace"))
            else:
                ok = values.stdio_equal(got, expected, tol)
            return ("AC", "") if ok else ("WA", f"got {got[:200]!r}, expected {expected[:200]!r}")
        rec = out["record"]
        if "value_error" in rec:
            return "WA", rec["value_error"]
        got = rec["value"]
        if checker is not None:
            # the arguments as the call left them: in-place tasks are judged on them
            args = rec["args"] if "args" in rec else values.from_literal(inp)
            ok = _call_checker(checker, args, expected, got)
        else:
            ok = values.values_equal(got, expected, tol)
        return ("AC", "") if ok else ("WA", f"returned {_short(got)}, expected {_short(expected)}")


@contextlib.contextmanager
def _closing_fd(fd: int, value):
    try:
        yield value
    finally:
        os.close(fd)


def _test(**kw) -> dict:
    res = {"verdict": "AC", "time_ns": None, "times_ns": [], "cpu_ns": [], "max_rss_kb": 0,
           "stdout_bytes": 0, "detail": "", "output": None}
    res.update(kw)
    return res


def _short(v) -> str:
    r = repr(v)
    return r if len(r) <= 200 else r[:200] + "..."


def _tail(stderr: str) -> str:
    s = stderr.strip().splitlines()
    return f": {s[-1][:300]}" if s else ""


def _captured(out: dict, mode: str) -> str:
    if mode == "stdio":
        return out["stdout"].decode("utf-8", "surrogateescape")
    rec = out["record"]
    if "value_error" in rec:
        raise TypeError(rec["value_error"])
    return values.to_literal(rec["value"])


def _call_checker(checker, inp, expected, got) -> bool:
    """Run the task's checker (trusted dataset code) under a time guard."""
    def alarm(*_):
        raise TimeoutError("checker took longer than 10 s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 10.0)
    try:
        return bool(checker(inp, expected, got))
    except TimeoutError:
        raise
    except Exception:
        return False  # e.g. the output has the wrong shape for the checker
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _vm_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _wait_exit(pid: int, wall_s: float) -> bool:
    """Wait for the child to end; kill its whole tree at the wall limit. True if killed."""
    pidfd = os.pidfd_open(pid)
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        if poller.poll(wall_s * 1000):
            return False
        # SIGKILL to the first process of a PID namespace kills everything in it;
        # without one, its process group goes now and strays in the sweep.
        for kill in (lambda: os.kill(pid, signal.SIGKILL), lambda: os.killpg(pid, signal.SIGKILL)):
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass
        return True
    finally:
        os.close(pidfd)


def _collect(out_fd, err_fd, res_fd, status, ru, timed_out, wall_ns, limits, cpu_s,
             wall_s) -> dict:
    stdout_size = os.fstat(out_fd).st_size
    stdout = os.pread(out_fd, stdout_size, 0) if stdout_size <= limits["max_output_bytes"] else b""
    err_size = os.fstat(err_fd).st_size
    stderr = os.pread(err_fd, 4096, max(0, err_size - 4096)).decode("utf-8", "replace")
    raw = os.pread(res_fd, os.fstat(res_fd).st_size, 0)
    started = raw[:1] == MARKER
    record = None
    if started and len(raw) > 1:
        try:
            record = _SafeUnpickler(io.BytesIO(raw[1:])).load()
            if not isinstance(record, dict) or "kind" not in record:
                record = {"kind": "corrupt"}
        except Exception:
            record = {"kind": "corrupt"}
    return {
        "started": started,
        "record": record,
        "status": status,
        "timed_out": timed_out,
        "time_ns": record.get("time_ns", wall_ns) if record else wall_ns,
        "cpu_ns": int((ru.ru_utime + ru.ru_stime) * 1e9),
        "max_rss_kb": ru.ru_maxrss,
        "stdout": stdout,
        "stdout_size": stdout_size,
        "stderr": stderr,
        "wall_limit_s": wall_s,  # as applied: scaled for line-profiled runs
        "cpu_limit_s": cpu_s,
    }


# ---------------------------------------------------------------------------- the child
def _child(iso, code, mode, entry, args, limits, workdir, stdio, fds, cpu_s, nproc, baseline,
           profile, call):
    """Runs in the forked child. Never returns."""
    try:
        _setup_child(iso, limits, workdir, stdio, fds, cpu_s, nproc, baseline)
        os.write(3, MARKER)
    except BaseException:
        try:
            import traceback

            os.write(2, traceback.format_exc().encode())
        finally:
            os._exit(HARNESS_FAILED)
    try:
        try:
            record = _run_program(code, mode, entry, args, profile, call["output_rule"],
                                  call["want_args"])
        except BaseException:  # the harness itself, not the program: never judged AC
            import traceback

            record = {"kind": "harness_error", "msg": traceback.format_exc()[-2000:]}
        _write_record(record)
    finally:
        os._exit(0)


def _write_record(record: dict) -> None:
    try:
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:  # e.g. an unpicklable exception message
        data = pickle.dumps({"kind": "exception", "exc": "PicklingError", "msg": str(e)})
    try:
        os.pwrite(3, data, 1)
    except OSError:  # the returned value is larger than the file size limit
        os.ftruncate(3, 1)
        small = {k: v for k, v in record.items() if k != "value"}
        small["value_error"] = "returned value is larger than the output limit"
        os.pwrite(3, pickle.dumps(small), 1)


def _setup_child(iso, limits, workdir, stdio, fds, cpu_s, nproc, baseline):
    """Limits, files and identity of the child. Kept lean: every Python object it
    touches costs a copy-on-write page fault, and this runs once per run."""
    in_fd, out_fd, err_fd, res_fd = fds
    os.setsid()
    isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
    for target, fd in ((0, in_fd), (1, out_fd), (2, err_fd), (3, res_fd)):
        os.dup2(fd, target)
    os.closerange(4, 1 << 20)
    os.chdir(workdir)
    mem = baseline + limits["memory_mb"] * (1 << 20)
    fsize = max(limits["max_file_bytes"], limits["max_output_bytes"]) + 1
    cpu = max(1, math.ceil(cpu_s))
    for res, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (mem, mem)),
        (resource.RLIMIT_NPROC, (nproc, nproc)),
        (resource.RLIMIT_FSIZE, (fsize, fsize)),
        (resource.RLIMIT_NOFILE, (limits["max_open_files"],) * 2),
        (resource.RLIMIT_STACK, (limits["stack_mb"] << 20,) * 2),
        (resource.RLIMIT_CORE, (0, 0)),
    ):
        hard = resource.getrlimit(res)[1]
        if hard != resource.RLIM_INFINITY:
            value = (min(value[0], hard), min(value[1], hard))
        resource.setrlimit(res, value)
    iso.enter_child()
    # Environment (clean, HOME=TMPDIR=workdir) and signal dispositions (those of
    # a fresh interpreter) are the server's own, inherited as they are.
    sys.stdin, sys.stdout, sys.stderr = stdio
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = stdio
    atexit._clear()
    if iso.needs_audit_hook:
        isolation.install_audit_hook(workdir, deny_fork=not iso.nproc_binds)


def _run_program(code, mode, entry, args, profile, output_rule=None, want_args=False) -> dict:
    filename = code.co_filename
    module = types.ModuleType("__main__")
    module.__file__ = filename
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    sys.argv = [filename]
    g = module.__dict__
    profiler = _make_profiler(code) if profile else None
    body = types.FunctionType(profiler[1], g) if profiler else None
    record: dict = {"kind": "ok"}
    start = time.perf_counter_ns()
    try:
        if profiler:
            profiler[0].enable_by_count()
        if mode == "stdio":
            body() if body else exec(code, g)
            threading = sys.modules.get("threading")  # no module, no threads to wait for
            if threading is not None:
                threading._shutdown()  # a solution may do its work in a non-daemon thread
            atexit._run_exitfuncs()
            start_done = time.perf_counter_ns()
        else:
            body() if body else exec(code, g)  # module level: untimed, as in EvalPlus
            fn = values.resolve_entry_point(g, entry)
            start = time.perf_counter_ns()
            result = fn(*args)
            start_done = time.perf_counter_ns()
            try:
                record["value"] = values.to_plain(values.apply_output_rule(result, output_rule))
            except TypeError as e:
                record["value_error"] = str(e)
            if want_args:
                try:
                    record["args"] = values.to_plain(args)
                except TypeError:
                    pass  # the checker then sees the arguments as given
    except SystemExit as e:
        start_done = time.perf_counter_ns()
        code_ = e.code
        if code_ is not None and not isinstance(code_, int):
            print(code_, file=sys.stderr)
            code_ = 1
        record = {"kind": "exit", "code": code_ or 0}
        if mode == "call" and not code_:
            record = {"kind": "exception", "exc": "SystemExit", "msg": "exited before returning"}
    except BaseException as e:  # noqa: BLE001 - every failure of the program is reported
        start_done = time.perf_counter_ns()
        line = None
        tb = e.__traceback__
        while tb is not None:  # the program's innermost line (traceback.walk_tb, inlined)
            if tb.tb_frame.f_code.co_filename == filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        try:
            msg = str(e)[:1000]
        except Exception:
            msg = "<unprintable>"
        record = {"kind": "exception", "exc": type(e).__name__, "msg": msg, "line": line}
    finally:
        if profiler:
            profiler[0].disable_by_count()
        try:
            sys.stdout.flush()
        except Exception:
            pass  # e.g. file size limit: judged as OLE from the output's size
    record["time_ns"] = start_done - start
    if profiler:
        record["lines"] = _line_stats(profiler[0], filename)
    return record


def _make_profiler(code):
    """A LineProfiler that sees every code object of the program, module level included.

    line_profiler keys on (padded copies of) code objects, so register bottom-up
    and run the registered copies: functions created at run time then come
    from registered code.
    """
    from line_profiler import LineProfiler

    lp = LineProfiler()

    def register(c):
        consts = tuple(register(k) if isinstance(k, types.CodeType) else k for k in c.co_consts)
        # a closure's code needs cells to make a function of; empty ones do
        cells = tuple(types.CellType() for _ in c.co_freevars)
        dummy = types.FunctionType(c.replace(co_consts=consts), {}, closure=cells or None)
        lp.add_function(dummy)
        return dummy.__code__

    return lp, register(code)


def _line_stats(lp, filename: str) -> dict[int, tuple[int, int]]:
    stats = lp.get_stats()
    lines: dict[int, list[int]] = {}
    for (fname, _, _), rows in stats.timings.items():
        if fname != filename:
            continue
        for lineno, hits, t in rows:
            acc = lines.setdefault(lineno, [0, 0])
            acc[0] += hits
            acc[1] += int(t * stats.unit * 1e9)
    return {k: (v[0], v[1]) for k, v in lines.items()}


# ---------------------------------------------------------------------------- main
def main() -> None:
    rfd, wfd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # stray prints must not corrupt the protocol
    cfg = recv(rfd)
    iso = isolation.setup(cfg["scratch"], cfg["isolation"], cfg["scratch_mb"])
    for name in cfg["preload"]:
        try:
            importlib.import_module(name)
        except Exception:
            pass  # optional (e.g. numpy absent): programs importing it pay the import
    gc.collect()
    gc.freeze()  # children then never scan (and copy-on-write) the server's objects
    server = Server(iso)
    send(wfd, {"ready": True, "isolation": iso.report(), "pid": os.getpid()})
    while True:
        try:
            req = recv(rfd)
        except EOFError:
            return
        try:
            resp = server.handle(req)
        except Exception:
            import traceback

            resp = {"error": traceback.format_exc()}
        send(wfd, resp)


if __name__ == "__main__":
    main()
