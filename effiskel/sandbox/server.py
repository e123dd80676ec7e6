"""The fork server: a warm interpreter that forks isolated children to run programs.

Started by `effiskel.sandbox.Sandbox` as `python -m effiskel.sandbox.server`.
It isolates itself once (see isolation.py), imports what programs commonly
import, freezes its heap for the garbage collector, calibrates its timing
bounds, then answers requests on its stdin/stdout (length-prefixed pickles
from the trusted client). Untrusted code never runs in the server itself;
the child's side of a run is harness.py.

Requests carry programs and test *inputs* only (stdin text, or a call's
argument list pickled by the client, which parses each literal once). Expected outputs never reach
this process: whatever it holds when it forks, a child can read
(`gc.get_objects()`, its own memory), so the server returns what each run
produced and the client judges it (judge.py).

Ops:
- "run": one test input timed R times, either one fork per repeat
  (repeat_mode "fork") or R repeats in one forked child ("child", see
  harness.py for what is made fresh between repeats);
- "check": correctness, all of a program's tests in one child (each test
  bounded by its own wall deadline; a test that hangs or kills its process
  is judged alone and a new child takes the remaining tests);
- "profile": line profiles, one untimed fork per test.

The time charged (`check_timing`): a program is never timed faster than the
server saw it run. The harness sends a datagram right before and right after
each repeat; the kernel timestamps each one as it is sent, so the window
w = ts(E) - ts(B) of every repeat comes from outside the program's reach. The
harness's own measurement t (the program's clock calls bound before it ran)
is a refinement inside that window: the time charged is t clamped to
[w - o, w], o the calibrated harness overhead inside a window (tens of µs),
so no record can make a run look faster than w - o, and no time is negative.
Between repeats and after the last one only harness work should happen; the
server calibrates at start-up what it needs there (the gap between repeats,
plus per byte of output; from the last E to the process's exit, plus per MB
of memory the kernel frees; the child's CPU outside its windows). Time beyond
that which both the wall clock and the kernel's count of the child's CPU show
is charged to the program, spread over its repeats: work burns CPU, while a
server that the scheduler wakes late does not, so a busy machine adds no
noise there and hidden work is still charged. A record
that cannot be believed: markers missing or out of order, t > w, t far below
w (t < w - o - 1 ms - 5 % of w), or more than 20 ms + 10 % of the run of
such excess. Such a test is run once more, and if its record
is again inconsistent it is RE "timing record inconsistent: reported X ns,
observed Y ns", never AC with a time the outside did not see.
"""

from __future__ import annotations

import _socket
import builtins
import contextlib
import fcntl
import gc
import importlib
import io
import os
import pickle
import select
import signal
import struct
import sys
import time

from effiskel.sandbox import harness, isolation

# Imports stay few and light (no hashlib, shutil, threading, traceback, dataclasses,
# socket.py): a fork copies the server's memory page by page, so every module costs
# every run.

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
REPEAT_MODES = ("fork", "child")
_CHECK_TICK_MS = 5  # how often the correctness path looks at its child's records
HARNESS_FAILED = harness.HARNESS_FAILED
_HEADER = struct.Struct("!Q")
_SO_TIMESTAMPNS = 35  # asm-generic (x86_64, aarch64); SCM_TIMESTAMPNS has the same value
_SO_SNDBUFFORCE = 32
_TIMESPEC = struct.Struct("qq")


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


def _safe_load(raw: bytes):
    try:
        return _SafeUnpickler(io.BytesIO(raw)).load()
    except Exception:
        return None


# ---------------------------------------------------------------------------- timing checks
class Bounds:
    """How far the outside observation of a run may differ from an honest record.

    `window_ns`: harness time inside a [B, E] window besides the program's own;
    `gap_ns` (+ `gap_per_byte_ns` of output): harness time between two repeats;
    `exit_ns` (+ `exit_per_mb_ns` of peak memory): from the last E to the
    process's exit as the server sees it; `outside_cpu_ns`: the child's CPU
    outside its windows (set-up, gaps, exit) for up to 5 repeats. Calibrated
    by `Server.calibrate`."""

    def __init__(self, window_ns=50_000, gap_ns=500_000, gap_per_byte_ns=2.0, exit_ns=3_000_000,
                 exit_per_mb_ns=60_000.0, repeats_per_fork=100, exit_typical_ns=0,
                 outside_cpu_ns=10_000_000):
        self.window_ns, self.gap_ns, self.gap_per_byte_ns = window_ns, gap_ns, gap_per_byte_ns
        self.exit_ns, self.exit_per_mb_ns = exit_ns, exit_per_mb_ns
        self.outside_cpu_ns = outside_cpu_ns  # the child's CPU outside its windows (5 repeats)
        self.repeats_per_fork = repeats_per_fork
        self.exit_typical_ns = exit_typical_ns  # median exit lag of an empty program

    def report(self) -> dict:
        return {k: round(v, 1) if isinstance(v, float) else v for k, v in vars(self).items()}


def _gross(total_ns: int) -> int:
    """An excess over the harness's needs no scheduler explains: 20 ms + 10 % of
    the run. Smaller excesses are charged to the program; larger ones mean the
    record cannot be believed."""
    return 20_000_000 + total_ns // 10


def check_timing(markers, records, fork_rt, exit_rt, bounds: Bounds, rss_kb: int,
                 out_bytes: list[int], cpu_ns: int | None = None
                 ) -> tuple[list[int] | None, str | None, dict]:
    """The charged time of each repeat, or why the run's record is not believed.

    `markers`: (byte, kernel timestamp ns) of every datagram the child sent,
    in order; `records`: the harness's record per repeat (`t`: its time, `cpu`:
    its CPU); `fork_rt`/`exit_rt`: the server's clock (realtime, as the
    timestamps) just before the fork and when it saw the child exit;
    `out_bytes`: each repeat's output size; `cpu_ns`: the kernel's count of the
    child's CPU time.

    Each repeat is charged its t clamped to [w - o, w]. Outside the windows
    (between repeats, and after the last one until the server saw the exit)
    only harness work should happen; what exceeds the calibrated needs there,
    both on the wall clock and in the child's CPU time (work burns CPU, a
    server waiting to be scheduled does not), is charged too, spread over the
    repeats. Returns (charged, problem, observed), observed holding the raw
    windows, gaps and CPU outside the windows (for calibration)."""
    n = len(records)
    observed = {"windows": [], "gaps": [], "exit": None, "outside_cpu": None}
    kinds = [m[0] for m in markers]
    if kinds != [harness.BEGIN, harness.END] * n or any(m[1] is None for m in markers):
        return None, (f"timing record inconsistent: {n} repeats reported, markers "
                      f"{b''.join(k[:1] for k in kinds[:40]).decode('latin-1')!r} observed"), observed
    if markers and markers[0][1] < fork_rt - 1_000_000:
        return None, "timing record inconsistent: a repeat began before its process", observed
    charged, inside_cpu = [], 0
    wall_out = allowed_wall = 0
    for k, rec in enumerate(records):
        begin, end = markers[2 * k][1], markers[2 * k + 1][1]
        w = end - begin
        t = rec.get("t")
        observed["windows"].append((w, t))
        if not isinstance(t, int) or w < 0:
            return None, f"timing record inconsistent: reported {t!r}, observed {w} ns", observed
        if t > w + max(20_000, w // 10_000) or t < w - bounds.window_ns - 1_000_000 - w // 20:
            return None, f"timing record inconsistent: reported {t} ns, observed {w} ns", observed
        charged.append(min(max(t, w - bounds.window_ns), w))
        cpu = rec.get("cpu")
        inside_cpu += min(cpu, w) if isinstance(cpu, int) and cpu > 0 else 0
        if k:
            gap = begin - markers[2 * k - 1][1]
            observed["gaps"].append((gap, out_bytes[k - 1]))
            wall_out += gap
            allowed_wall += bounds.gap_ns + bounds.gap_per_byte_ns * out_bytes[k - 1]
    if not markers:
        return charged, None, observed
    lag = exit_rt - markers[-1][1]
    observed["exit"] = lag
    memory = bounds.exit_per_mb_ns * rss_kb / 1024
    # (+2 µs a repeat: the harness pickles every repeat's record before it exits)
    allowed_exit = bounds.exit_ns + memory + 2_000 * n
    wall_excess = wall_out + lag - allowed_wall - allowed_exit
    excess = max(0, wall_excess)
    if cpu_ns is not None:
        outside = cpu_ns - inside_cpu
        observed["outside_cpu"] = outside
        allowed_cpu = (bounds.outside_cpu_ns + memory
                       + (bounds.gap_ns + bounds.gap_per_byte_ns * sum(out_bytes)) * max(0, n - 5))
        excess = min(excess, max(0, outside - allowed_cpu))
    if excess > _gross(exit_rt - fork_rt):
        where = (f"the process ran {lag} ns after its last repeat ended"
                 if lag > allowed_exit else f"{wall_out} ns passed between its repeats")
        return None, (f"timing record inconsistent: {where}, where the harness needs "
                      f"{int(allowed_exit if lag > allowed_exit else allowed_wall)} ns"), observed
    share = int(excess) // max(1, n)
    return [c + share for c in charged], None, observed


def _median(xs) -> float:
    xs = sorted(xs)
    n = len(xs)
    return (xs[n // 2] + xs[(n - 1) // 2]) / 2 if n else 0.0


def carried_state(times: list[int]) -> bool:
    """Child mode: whether the first repeat dwarfs the others (10x and 20 ms more)
    the way a program does that carries its work from one repeat to the next
    in its process, or pays a one-off import the other repeats skip."""
    if len(times) < 3:
        return False
    rest = _median(times[1:])
    return times[0] > 10 * rest and times[0] - rest > 20_000_000


# ---------------------------------------------------------------------------- the server
class Server:
    def __init__(self, iso: isolation.Isolation):
        self.iso = iso
        self.program: tuple | None = None  # (text, code, error, extra) of the last program
        # Every run gets a fresh, empty directory at the same path, so HOME and
        # TMPDIR (set once in the server's environment by the client) point at it.
        self.workdir = os.path.join(iso.scratch, "run")
        self.progdir = os.path.join(iso.scratch, "prog")
        os.makedirs(self.progdir, mode=0o711, exist_ok=True)
        os.chmod(self.progdir, 0o711)  # a run cannot list it: it sees its own program only
        os.chmod(iso.scratch, 0o711)
        self.bounds = Bounds()
        self._fresh: dict | None = None  # harness.snapshot(), retaken when sys.modules grows
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
        self._original_stdio = harness.install_in_server(self.stdio)

    def fresh_state(self) -> dict:
        if self._fresh is None or len(self._fresh["modules"]) != len(sys.modules):
            self._fresh = harness.snapshot()
        return self._fresh

    # -- requests ------------------------------------------------------------------
    def handle(self, req: dict) -> dict:
        op = req["op"]
        if op == "run":
            return self.run_test(req)
        if op == "check":
            return self.check_program(req)
        if op == "profile":
            return self.line_profile(req)
        raise ValueError(f"unknown op {op!r}")

    def _compile(self, program: str):
        """The code object of `program`, cached for the last program only: other
        programs (a task's reference solution among them) must not sit in the
        memory a run's child inherits."""
        if self.program is None or self.program[0] != program:
            if self.program is not None and self.program[3]:
                with contextlib.suppress(OSError):
                    os.unlink(self.program[3])
            self.program = None
            # A real file, so tracebacks and line profiles map back to source lines;
            # a random name in a directory runs cannot list, so no run finds another's.
            filename = os.path.join(self.progdir, f"p{os.urandom(12).hex()}.py")
            with open(filename, "w", encoding="utf-8", errors="surrogatepass") as f:
                f.write(program)
            os.chmod(filename, 0o644)
            try:
                code, err = compile(program, filename, "exec", dont_inherit=True), None
            except (SyntaxError, ValueError) as e:
                line = getattr(e, "lineno", None)
                code, err = None, (f"{type(e).__name__}: {getattr(e, 'msg', e)}"
                                   + (f" (line {line})" if line else ""))
            self.program = (program, code, err, filename, {"baseline": _vm_bytes()})
        return self.program

    def _nproc_baseline(self, limits: dict) -> tuple[int, int]:
        """The process limit and address-space baseline, once per program (a /proc
        scan or read per run would cost as much as the run's own work)."""
        ctx = self.program[4]
        key = limits["max_processes"]
        if key not in ctx:
            ctx[key] = self.iso.nproc_limit(key)
        return ctx[key], ctx["baseline"]

    # -- timed runs ----------------------------------------------------------------
    def run_test(self, req: dict) -> dict:
        """One test input, `repeat` timed runs. The outputs are returned, not judged."""
        _, code, err, _, _ = self._compile(req["program"])
        if err:
            return _result("RE", err)
        mode, inp, limits = req["mode"], req["input"], req["limits"]
        repeat, repeat_mode = max(1, int(req.get("repeat", 1))), req.get("repeat_mode", "fork")
        if repeat_mode not in REPEAT_MODES:
            return _result("SE", f"unknown repeat_mode {repeat_mode!r}; choose one of "
                                 f"{REPEAT_MODES}")
        try:
            stdin = _stdin_file(mode, inp)
        except ValueError as e:
            return _result("SE", f"bad test case: {e}")
        call = (req.get("entry_point"), req.get("output_rule"), bool(req.get("want_args")))
        with stdin as in_path:
            if repeat_mode == "child" and repeat > 1:
                res = self._timed(code, mode, inp, in_path, call, limits, repeat)
                if res.pop("needs_fork", False) or (
                        res["verdict"] == "AC" and carried_state(res["times_ns"])):
                    why = res.get("fork_reason") or (
                        "the first repeat took over 10x the others in one process (a one-off "
                        "import, or state carried between repeats)")
                    res = self._timed(code, mode, inp, in_path, call, limits, repeat, fork=True)
                    res["repeat_mode"] = "fork"
                    res["detail"] = res["detail"] or f"timed with one fork per repeat: {why}"
                return res
            return self._timed(code, mode, inp, in_path, call, limits, repeat, fork=True)

    def _timed(self, code, mode, inp, in_path, call, limits, repeat, fork=False) -> dict:
        """All repeats of one input: `repeat` forks of one run each, or forks of up
        to `bounds.repeats_per_fork` repeats. Merged into one result."""
        per_fork = 1 if fork else self.bounds.repeats_per_fork
        res = _result("AC", "", repeat_mode="fork" if fork else "child")
        left = repeat
        while left > 0:
            n = min(left, per_fork)
            one = self._timed_fork(code, mode, inp, in_path, call, limits, n)
            if one.get("inconsistent"):  # retry once: a busy machine can stretch a gap
                one = self._timed_fork(code, mode, inp, in_path, call, limits, n)
            res["max_rss_kb"] = max(res["max_rss_kb"], one["max_rss_kb"])
            res["stdout_bytes"] = max(res["stdout_bytes"], one["stdout_bytes"])
            for o in one["outputs"]:
                if o not in res["outputs"]:
                    res["outputs"].append(o)
            if one.get("needs_fork"):
                res.update(needs_fork=True, fork_reason=one["detail"])
                return res
            if one["verdict"] != "AC":
                res.update(verdict=one["verdict"], detail=one["detail"])
                return res
            res["times_ns"] += one["times_ns"]
            res["cpu_ns"] += one["cpu_ns"]
            left -= n
        res["time_ns"] = sum(res["times_ns"]) / len(res["times_ns"])
        return res

    def _timed_fork(self, code, mode, inp, in_path, call, limits, repeat) -> dict:
        """One fork running `repeat` timed repeats; the verdict before judging."""
        cpu_s, wall_s = limits["cpu_time_s"], limits["wall_s"]
        entry, output_rule, want_args = call
        child_fds, files = self._child_files(in_path, stream=False)
        max_out = limits["max_output_bytes"]
        fsize = max(limits["max_file_bytes"], max_out * (2 if repeat > 1 else 1)) + 1
        nproc, baseline = self._nproc_baseline(limits)
        iso = self.iso
        with files as (out_fd, err_fd, res_fd, sock):
            fork_rt = time.time_ns()
            fresh = self.fresh_state() if repeat > 1 else None
            pid = self._fork(harness.child_main, _timed_child, iso, limits, self.workdir,
                             self.stdio, child_fds, cpu_s, nproc, baseline, fsize, code, mode,
                             entry, inp, repeat, output_rule, want_args, fresh)
            markers: list = []
            timed_out = _wait_exit(pid, wall_s * repeat + 0.5,
                                   _repeat_watch(sock, markers, wall_s) if repeat > 1 else None)
            _, status, ru = os.wait4(pid, 0)
            exit_rt = time.time_ns()
            markers += _drain_markers(sock)
            out = self._collect(out_fd, err_fd, res_fd, status, ru, timed_out, limits)
        out.update(markers=markers, fork_rt=fork_rt, exit_rt=exit_rt,
                   stdout_outputs=2 if repeat > 1 else 1)
        return self._timed_outcome(out, mode, limits, repeat)

    def _timed_outcome(self, out: dict, mode: str, limits: dict, repeat: int) -> dict:
        res = _result("AC", "", max_rss_kb=out["max_rss_kb"], stdout_bytes=out["stdout_size"])
        started = bool(out["markers"]) and out["markers"][0][0] == harness.BEGIN
        verdict, detail = _death(out, limits, started)
        result = out["result"]
        records = result.get("repeats") if isinstance(result, dict) else None
        if verdict is None and not isinstance(records, list):
            if out["status"] == 0 and repeat > 1:
                # e.g. os._exit(0): its process cannot hold several repeats
                res.update(needs_fork=True, detail="the program ends its own process")
                return res
            if out["status"] == 0 and mode == "stdio":
                records = None  # ended itself after its output: timed from outside only
            else:
                verdict, detail = "RE", (f"exit code {os.WEXITSTATUS(out['status'])}"
                                         if out["status"] else "exited before returning a value")
        if verdict is None and records:
            bad = [r for r in records if not isinstance(r, dict) or "kind" not in r]
            if bad:
                verdict, detail = "RE", "the program overwrote the sandbox's result channel"
            else:
                verdict, detail = _record_outcome(records[-1], out, limits)
        if verdict is not None and verdict != "AC":
            res.update(verdict=verdict, detail=detail)
            return res
        if records is None:  # ended its own process (stdio, one repeat)
            t = self._outside_only(out)
            if t is None:
                res.update(verdict="RE", detail="timing record inconsistent: no record of the "
                                                "run came back, and its markers do not say it "
                                                "ended its own process")
                return res
            if out["cpu_ns"] > limits["cpu_time_s"] * 1e9:
                res.update(verdict="TLE", detail=f"CPU time limit {limits['cpu_time_s']:.3g} s")
                return res
            res["times_ns"], res["cpu_ns"] = [t], [out["cpu_ns"]]
            res["outputs"] = [out["stdout"]] if mode == "stdio" else []
            return res
        res["outputs"] = _outputs(records, out, mode, limits)
        out_bytes = [len(r.get("out", b"")) if "out" in r else result.get("first_len", 0)
                     for r in records]
        charged, problem, res["_observed"] = check_timing(
            out["markers"], records, out["fork_rt"], out["exit_rt"], self.bounds,
            out["max_rss_kb"], out_bytes, out["cpu_ns"])
        if problem:
            res.update(verdict="RE", detail=problem, inconsistent=True)
            return res
        cpu_limit = limits["cpu_time_s"] * 1e9
        if out["cpu_ns"] > cpu_limit * repeat:
            res.update(verdict="TLE", detail=f"CPU time limit {limits['cpu_time_s']:.3g} s")
            return res
        for t, rec in zip(charged, records):
            if t > limits["wall_s"] * 1e9 or rec.get("cpu", 0) > cpu_limit:
                res.update(verdict="TLE", detail=f"time limit {limits['cpu_time_s']:.3g} s "
                                                 "in one repeat")
                return res
        res["times_ns"] = charged
        # per-repeat CPU from the child's clock, never more in total than the kernel's count
        cpu = [max(0, int(r.get("cpu", 0))) for r in records]
        scale = min(1.0, out["cpu_ns"] / sum(cpu)) if sum(cpu) else 1.0
        res["cpu_ns"] = [int(c * scale) for c in cpu] if repeat > 1 else [out["cpu_ns"]]
        return res

    def _outside_only(self, out: dict) -> int | None:
        """The time of a run that ended its own process: its B marker to its exit,
        less what an empty program's exit takes."""
        marks = out["markers"]
        if not marks or marks[0][0] != harness.BEGIN or len(marks) > 1:
            return None
        return max(0, out["exit_rt"] - marks[0][1] - self.bounds.exit_typical_ns)

    # -- correctness ---------------------------------------------------------------
    def check_program(self, req: dict) -> dict:
        """All tests of one program, in as few children as failures allow; untimed."""
        _, code, err, _, _ = self._compile(req["program"])
        inputs = req["inputs"]
        if err:
            return {"tests": [_result("RE", err)]}
        stop = req.get("stop_on_failure", True)
        results: list[dict] = []
        while len(results) < len(inputs):
            results += self._check_fork(code, req, inputs, len(results))
            if stop and any(r["verdict"] != "AC" for r in results):
                break
        return {"tests": results}

    def _check_fork(self, code, req, inputs, first) -> list[dict]:
        """One child running tests `first`..; returns a result per test it got to."""
        mode, limits = req["mode"], req["limits"]
        wall_s = limits["wall_s"]
        child_fds, files = self._child_files(None, stream=True)
        n = len(inputs) - first
        fsize = max(limits["max_file_bytes"], limits["max_output_bytes"]) + 1
        nproc, baseline = self._nproc_baseline(limits)
        results: list[dict] = []
        with files as (out_fd, err_fd, res_fd, channel):
            pid = self._fork(harness.child_main, _check_child, self.iso, limits, self.workdir,
                             self.stdio, child_fds, limits["cpu_time_s"], nproc, baseline, fsize,
                             code, mode, req.get("entry_point"), inputs, first,
                             req.get("output_rule"), bool(req.get("want_args")),
                             req.get("stop_on_failure", True), n)
            timed_out, violation = self._read_records(pid, channel, first, wall_s, mode,
                                                      limits, results, len(inputs))
            _, status, ru = os.wait4(pid, 0)
            out = self._collect(out_fd, err_fd, res_fd, status, ru, timed_out, limits)
        rss = out["max_rss_kb"]
        for r in results:
            r["max_rss_kb"] = rss
        stopped = req.get("stop_on_failure", True) and results and \
            results[-1]["verdict"] != "AC"
        if violation:
            results.append(_result("RE", violation, max_rss_kb=rss))
        elif first + len(results) < len(inputs) and not stopped:
            # the child ended during this test: judge it by how it ended
            verdict, detail = _death(out, limits, started=True, per_test=True)
            if verdict is None:
                if status == 0 and mode == "stdio":  # ended itself after printing
                    verdict = "AC"
                elif not results and os.WIFEXITED(status) and \
                        os.WEXITSTATUS(status) == HARNESS_FAILED:
                    verdict, detail = "SE", "sandbox harness failed: " + out["stderr"][-500:]
                else:
                    verdict, detail = "RE", (f"exit code {os.WEXITSTATUS(status)}"
                                             if status else "exited before returning a value")
            results.append(_result(verdict, detail, max_rss_kb=rss,
                                   stdout_bytes=out["stdout_size"],
                                   outputs=[out["stdout"]] if verdict == "AC" else []))
        return results

    def _read_records(self, pid, channel, first, wall_s, mode, limits, results, n_inputs):
        """Read per-test records until the child exits; kill it when one test runs
        past its wall limit. Returns (timed_out, protocol violation or None).

        The server looks at the pipe every few ms instead of waking for each
        record (a wake-up per test costs two context switches, as much as a
        small test itself); the child ending wakes it at once."""
        pidfd = os.pidfd_open(pid)
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        buf = bytearray()
        deadline = time.monotonic() + wall_s
        timed_out, violation = False, None
        header = harness._HEADER_SIZE
        try:
            while True:
                exited = bool(poller.poll(_CHECK_TICK_MS))
                while True:
                    try:
                        chunk = os.read(channel, 1 << 20)
                    except BlockingIOError:
                        break
                    if not chunk:
                        break
                    buf += chunk
                progressed = False
                while len(buf) >= header and violation is None:
                    size = int.from_bytes(buf[:header], "big")
                    if size > 4 * limits["max_output_bytes"] + (1 << 20):
                        violation = "the program wrote on the sandbox's result channel"
                        break
                    if len(buf) < header + size:
                        break
                    rec = _safe_load(bytes(buf[header:header + size]))
                    del buf[:header + size]
                    i = first + len(results)
                    if not isinstance(rec, dict) or rec.get("i") != i or "kind" not in rec:
                        violation = "the program wrote on the sandbox's result channel"
                        break
                    verdict, detail = _record_outcome(rec, None, limits)
                    progressed = True
                    if rec.get("module_level"):
                        results += [_result(verdict, detail) for _ in range(i, n_inputs)]
                        break
                    outputs = []
                    if verdict == "AC":
                        outputs = [rec["out"] if mode == "stdio" else _call_output(rec)]
                    results.append(_result(verdict, detail, outputs=outputs,
                                           stdout_bytes=len(rec.get("out", b""))))
                if violation:
                    _kill_tree(pid)
                    break
                if exited:
                    break
                if progressed:
                    deadline = time.monotonic() + wall_s
                elif time.monotonic() >= deadline:
                    _kill_tree(pid)
                    timed_out = True
                    break
        finally:
            os.close(pidfd)
        return timed_out, violation

    # -- line profiles -------------------------------------------------------------
    def line_profile(self, req: dict) -> dict:
        _, code, err, _, _ = self._compile(req["program"])
        if err:
            return {"verdict": "RE", "lines": {}, "detail": err}
        import line_profiler  # noqa: F401 - once here, not in every profiled child
        limits = req["limits"]
        scale = limits.get("profile_slowdown", 10.0)
        lines: dict[int, list[int]] = {}
        nproc, baseline = self._nproc_baseline(limits)
        fsize = max(limits["max_file_bytes"], limits["max_output_bytes"]) + 1
        for inp, _expected in req["tests"]:
            try:
                stdin = _stdin_file(req["mode"], inp)
            except ValueError as e:
                return {"verdict": "SE", "lines": {}, "detail": f"bad test case: {e}"}
            with stdin as in_path:
                child_fds, files = self._child_files(in_path, stream=False)
                with files as (out_fd, err_fd, res_fd, _sock):
                    pid = self._fork(harness.child_main, _profile_child, self.iso, limits,
                                     self.workdir, self.stdio, child_fds,
                                     limits["cpu_time_s"] * scale, nproc, baseline, fsize, code,
                                     req["mode"], req.get("entry_point"), inp)
                    timed_out = _wait_exit(pid, limits["wall_s"] * scale)
                    _, status, ru = os.wait4(pid, 0)
                    out = self._collect(out_fd, err_fd, res_fd, status, ru, timed_out, limits,
                                        scale)
            verdict, detail = _death(out, limits, started=True)
            result = out["result"]
            recs = result.get("repeats") if isinstance(result, dict) else None
            if verdict is None:
                if not recs or not isinstance(recs[0], dict) or "kind" not in recs[0]:
                    verdict, detail = "RE", "no line profile came back"
                else:
                    verdict, detail = _record_outcome(recs[0], out, limits)
            if verdict != "AC":
                return {"verdict": verdict, "lines": {}, "detail": detail}
            for lineno, (hits, ns) in (recs[0].get("lines") or {}).items():
                acc = lines.setdefault(lineno, [0, 0])
                acc[0] += hits
                acc[1] += ns
        return {"verdict": "AC", "lines": {k: tuple(v) for k, v in lines.items()}, "detail": ""}

    # -- forking -------------------------------------------------------------------
    def _child_files(self, in_path: str | None, stream: bool):
        """The child's fds 0-4 and the server's ends (see harness.py)."""
        in_fd = os.open(in_path or os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        out_fd = os.memfd_create("stdout", os.MFD_CLOEXEC)
        err_fd = os.memfd_create("stderr", os.MFD_CLOEXEC)
        res_fd = os.memfd_create("result", os.MFD_CLOEXEC)
        if stream:
            server_end, child_end = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
            os.set_blocking(child_end, True)
            with contextlib.suppress(OSError):  # room for many records between two looks
                fcntl.fcntl(child_end, fcntl.F_SETPIPE_SZ, 1 << 20)
            keep = server_end
        else:
            a, b = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_DGRAM)
            a.setsockopt(_socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
            a.setblocking(False)
            with contextlib.suppress(OSError):  # room for every marker without a reader
                b.setsockopt(_socket.SOL_SOCKET, _SO_SNDBUFFORCE, 4 << 20)
            child_end = b.detach()
            os.set_inheritable(child_end, False)
            keep = a

        @contextlib.contextmanager
        def files():
            try:
                yield out_fd, err_fd, res_fd, keep
            finally:
                for fd in (in_fd, out_fd, err_fd, res_fd, child_end):
                    os.close(fd)
                if stream:
                    os.close(keep)
                else:
                    keep.close()
        return (in_fd, out_fd, err_fd, res_fd, child_end), files()

    def _fork(self, main, body, *args) -> int:
        workdir = self.workdir
        self.stdio[1].flush()  # nothing the server printed may reach a program's stdout
        with contextlib.suppress(FileExistsError):
            os.mkdir(workdir, 0o700)
        if self.iso.run_uid is not None:
            os.chown(workdir, self.iso.run_uid, self.iso.run_uid)
        self.iso.before_fork()
        pid = -1
        try:
            pid = os.fork()
            if pid == 0:  # ---- child: never returns
                main(body, *args)
        finally:
            if pid != 0:
                self.iso.after_fork()
        return pid

    def _collect(self, out_fd, err_fd, res_fd, status, ru, timed_out, limits,
                 scale=1.0) -> dict:
        if not self.iso.pid_namespace:
            self.iso.sweep()
        try:
            os.rmdir(self.workdir)  # the common case: the program left nothing
        except OSError:
            import shutil

            shutil.rmtree(self.workdir, ignore_errors=True)
        stdout_size = os.fstat(out_fd).st_size
        stdout = os.pread(out_fd, stdout_size, 0) if stdout_size <= 2 * limits[
            "max_output_bytes"] else b""
        err_size = os.fstat(err_fd).st_size
        stderr = os.pread(err_fd, 4096, max(0, err_size - 4096)).decode("utf-8", "replace")
        raw = os.pread(res_fd, os.fstat(res_fd).st_size, 0)
        return {
            "result": _safe_load(raw) if raw else None,
            "status": status,
            "timed_out": timed_out,
            "cpu_ns": int((ru.ru_utime + ru.ru_stime) * 1e9),
            "max_rss_kb": ru.ru_maxrss,
            "stdout": stdout,
            "stdout_size": stdout_size,
            "stderr": stderr,
            "wall_limit_s": limits["wall_s"] * scale,
            "cpu_limit_s": limits["cpu_time_s"] * scale,
        }

    # -- calibration -----------------------------------------------------------------
    def calibrate(self) -> Bounds:
        """Measure the harness's own overheads on this machine, with margins.

        An empty program in child mode gives the in-window overhead, the gap
        between repeats and the exit lag; one holding 32 MB the exit lag per MB
        (the kernel frees a process's memory before the server sees it end)."""
        limits = {"cpu_time_s": 5.0, "wall_s": 11.0, "memory_mb": 512, "max_processes": 16,
                  "max_file_bytes": 1 << 20, "max_open_files": 64, "max_output_bytes": 1 << 20,
                  "stack_mb": 64}
        probe = Bounds(window_ns=10**12, gap_ns=10**12, exit_ns=10**12, outside_cpu_ns=10**12)
        windows, gaps, exits, big, outside = [], [], [], [], []
        self.bounds = probe
        for program, n, sink in (("pass\n", 10, exits), ("x = b'.' * (32 << 20)\n", 2, big)):
            _, code, _, _, _ = self._compile(program)
            for _ in range(n):
                with _stdin_file("stdio", "") as in_path:
                    one = self._timed_fork(code, "stdio", "", in_path, (None, None, False),
                                           limits, 5)
                raw = one.pop("_observed", None)
                if one["verdict"] != "AC" or raw is None:
                    continue
                if sink is exits:
                    windows += [w - t for w, t in raw["windows"]]
                    gaps += [g for g, _ in raw["gaps"]]
                    outside.append(raw["outside_cpu"])
                sink.append((raw["exit"], one["max_rss_kb"]))
        self.program = None
        if len(exits) < 5 or not big or not windows:
            raise OSError("could not calibrate the timing bounds: the kernel gave no "
                          "timestamps for the harness's markers")

        # Medians, doubled, over floors: a busy machine inflates high percentiles,
        # and what the scheduler adds beyond these is charged, not refused.
        lag = _median(e for e, _ in exits)
        per_mb = (_median(e for e, _ in big) - lag) * 1024 / max(
            1, _median(r for _, r in big) - _median(r for _, r in exits))
        bounds = Bounds(
            window_ns=int(min(max(50_000, 4 * _median(windows)), 1_000_000)),
            gap_ns=int(min(max(300_000, 2 * _median(gaps)), 5_000_000)),
            exit_ns=int(min(max(2_000_000, 2 * lag), 30_000_000)),
            exit_per_mb_ns=float(min(max(60_000.0, 2 * per_mb), 1_000_000.0)),
            repeats_per_fork=_marker_capacity() // 2 - 2,
            exit_typical_ns=int(lag),
            outside_cpu_ns=int(min(max(5_000_000, 2 * _median(outside)), 50_000_000)),
        )
        self.bounds = bounds
        return bounds


# ---------------------------------------------------------------------------- children
def _timed_child(iso, limits, workdir, stdio, fds, cpu_s, nproc, baseline, fsize, code, mode,
                 entry, inp, repeat, output_rule, want_args, fresh):
    harness.setup(iso, limits, workdir, stdio, fds, cpu_s, cpu_s * repeat + repeat, nproc,
                  baseline, fsize, code.co_filename)
    harness.timed(code, mode, entry, inp, repeat, output_rule, want_args, limits, workdir,
                  stdio, iso.pid_namespace, cpu_s, fresh)


def _check_child(iso, limits, workdir, stdio, fds, cpu_s, nproc, baseline, fsize, code, mode,
                 entry, inputs, first, output_rule, want_args, stop_on_failure, n):
    harness.setup(iso, limits, workdir, stdio, fds, cpu_s, cpu_s * n + n, nproc, baseline,
                  fsize, code.co_filename)
    harness.check(code, mode, entry, inputs, first, output_rule, want_args, limits, cpu_s,
                  stop_on_failure, stdio)


def _profile_child(iso, limits, workdir, stdio, fds, cpu_s, nproc, baseline, fsize, code, mode,
                   entry, inp):
    harness.setup(iso, limits, workdir, stdio, fds, cpu_s, cpu_s, nproc, baseline, fsize,
                  code.co_filename)
    harness.profiled(code, mode, entry, inp)


# ---------------------------------------------------------------------------- verdicts
def _result(verdict: str, detail: str = "", **kw) -> dict:
    res = {"verdict": verdict, "detail": detail, "time_ns": None, "times_ns": [], "cpu_ns": [],
           "max_rss_kb": 0, "stdout_bytes": 0, "outputs": []}
    res.update(kw)
    return res


def _death(out: dict, limits: dict, started: bool, per_test: bool = False):
    """The verdict from how the process ended, before any record is read (None: normally)."""
    status = out["status"]
    if not started:
        return "SE", "sandbox harness failed before the program ran: " + out["stderr"][-500:]
    # The output limit is checked first: a program past it that keeps going
    # (e.g. ignoring write errors) hit that limit before any time limit.
    # (child mode: stdout holds the first repeat's output and the current one's)
    if out["stdout_size"] > limits["max_output_bytes"] * out.get("stdout_outputs", 1):
        return "OLE", f"output over {limits['max_output_bytes']} bytes"
    if out["timed_out"]:
        return "TLE", f"wall time limit {out['wall_limit_s']:.3g} s"
    # The run is PID 1 of its namespace, which the kernel's SIGXCPU does not kill
    # by default: the harness's handler exits with XCPU_EXIT, else the hard limit kills.
    if (os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)
            and out["cpu_ns"] >= out["cpu_limit_s"] * 1e9) or (
            os.WIFEXITED(status) and os.WEXITSTATUS(status) == harness.XCPU_EXIT):
        return "TLE", f"CPU time limit {out['cpu_limit_s']:.3g} s"
    if out["result"] is None and os.WIFSIGNALED(status):
        if "MemoryError" in out["stderr"]:
            return "MLE", f"memory limit {limits['memory_mb']} MB"
        sig = signal.Signals(os.WTERMSIG(status)).name
        return "RE", f"killed by {sig}" + _tail(out["stderr"])
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == HARNESS_FAILED and not per_test:
        return "SE", "sandbox harness failed: " + out["stderr"][-500:]
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == harness.HARNESS_BROKEN:
        return "RE", "the program broke the run's harness: its record could not be written"
    return None, ""


def _record_outcome(rec: dict, out: dict | None, limits: dict) -> tuple[str, str]:
    """The verdict of one execution from the harness's record ("AC" = ran to completion)."""
    kind = rec["kind"]
    if kind == "exception":
        if rec.get("exc") == "MemoryError":
            return "MLE", f"memory limit {limits['memory_mb']} MB"
        return "RE", f"{rec.get('exc')}: {rec.get('msg')}"[:500] + (
            f" (line {rec['line']})" if rec.get("line") else "")
    if kind == "exit" and rec.get("code"):
        return "RE", f"exit code {rec['code']}" + (_tail(out["stderr"]) if out else "")
    if kind == "ole":
        return "OLE", f"output over {limits['max_output_bytes']} bytes"
    if kind == "bad_input":  # the dataset's test, not the program
        return "SE", f"bad test case: {rec.get('msg')}"
    if kind == "channel":
        return "RE", "the program closed the sandbox's timing channel: " + str(rec.get("msg"))
    if kind == "harness_broken":
        return "RE", ("the program broke the run's harness after it started: "
                      + str(rec.get("msg"))[-300:])
    if kind not in ("ok", "exit"):
        return "RE", "the program overwrote the sandbox's result channel"
    if out is not None and "MemoryError" in out["stderr"]:
        return "MLE", f"memory limit {limits['memory_mb']} MB"
    return "AC", ""


def _call_output(rec: dict) -> dict:
    return {k: rec[k] for k in ("value", "args", "value_error") if k in rec}


def _outputs(records, out, mode, limits) -> list:
    """The distinct outputs of the repeats: stdout bytes, or call-mode values."""
    outputs: list = []
    if mode == "stdio":
        first_len = out["result"].get("first_len", 0) if isinstance(out["result"], dict) else 0
        if not isinstance(first_len, int) or first_len < 0:
            first_len = 0
        outputs.append(out["stdout"][:first_len] if len(records) > 1 else out["stdout"])
        for r in records[1:]:
            if isinstance(r.get("out"), bytes) and r["out"] not in outputs:
                outputs.append(r["out"])
        return outputs
    for r in records:
        if r.get("same") or r["kind"] != "ok":
            continue
        o = _call_output(r)
        if o not in outputs:
            outputs.append(o)
    return outputs


def _tail(stderr: str) -> str:
    s = stderr.strip().splitlines()
    return f": {s[-1][:300]}" if s else ""


@contextlib.contextmanager
def _stdin_file(mode: str, inp: str):
    """The path a run opens as stdin (read-only, so it cannot change the input of
    later repeats): a memfd holding the test input, or None for call mode (whose
    arguments the client sends pickled)."""
    if mode != "stdio":
        yield None
        return
    fd = os.memfd_create("stdin", os.MFD_CLOEXEC)
    try:
        view = memoryview(inp.encode("utf-8", "surrogateescape"))
        while view:
            view = view[os.write(fd, view):]
        yield f"/proc/self/fd/{fd}"
    finally:
        os.close(fd)


def _drain_markers(sock) -> list[tuple[bytes, int | None]]:
    """Every datagram the child sent, with the kernel's timestamp of its sending."""
    marks = []
    while True:
        try:
            data, anc, _, _ = sock.recvmsg(16, 64)
        except (BlockingIOError, InterruptedError):
            return marks
        ts = None
        for level, kind, payload in anc:
            if level == _socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS and len(payload) >= 16:
                sec, ns = _TIMESPEC.unpack(payload[:16])
                ts = sec * 1_000_000_000 + ns
        marks.append((data, ts))
        if len(marks) > 1_000_000:
            return marks


def _marker_capacity() -> int:
    """How many markers a child can send before a reader must drain them."""
    a, b = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    try:
        with contextlib.suppress(OSError):
            b.setsockopt(_socket.SOL_SOCKET, _SO_SNDBUFFORCE, 4 << 20)
        b.setblocking(False)
        n = 0
        with contextlib.suppress(BlockingIOError):
            while n < 2000:
                b.send(b"B")
                n += 1
        return n
    finally:
        a.close()
        b.close()


def _vm_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _kill_tree(pid: int) -> None:
    # SIGKILL to the first process of a PID namespace kills everything in it;
    # without one, its process group goes now and strays in the sweep.
    for kill in (lambda: os.kill(pid, signal.SIGKILL), lambda: os.killpg(pid, signal.SIGKILL)):
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            pass


def _wait_exit(pid: int, wall_s: float, watch=None) -> bool:
    """Wait for the child to end; kill its whole tree at the wall limit, or when
    `watch()` (called every quarter second) says so. True if killed."""
    pidfd = os.pidfd_open(pid)
    deadline = time.monotonic() + wall_s
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        while True:
            left = deadline - time.monotonic()
            step = min(left, 0.25) if watch is not None else left
            if step > 0 and poller.poll(step * 1000):
                return False
            if left <= step or (watch is not None and watch()):
                _kill_tree(pid)
                return True
    finally:
        os.close(pidfd)


def _repeat_watch(sock, markers: list, wall_s: float):
    """Child mode: a watchdog that collects the markers so far and says whether
    the repeat in progress has run past its own wall limit. Polled, not woken
    by each marker, so the server does not preempt a repeat it is timing."""
    def watch() -> bool:
        markers.extend(_drain_markers(sock))
        if markers and markers[-1][0] == harness.BEGIN and markers[-1][1] is not None:
            return time.time_ns() - markers[-1][1] > wall_s * 1e9
        return False
    return watch


# ---------------------------------------------------------------------------- main
def main() -> None:
    rfd, wfd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # stray prints must not corrupt the protocol
    cfg = recv(rfd)
    for name in cfg["preload"]:
        try:
            importlib.import_module(name)
        except Exception:
            pass  # optional (e.g. numpy absent): programs importing it pay the import
    # Isolate after the imports: the new root no longer holds the checkout.
    iso = isolation.setup(cfg["scratch"], cfg["isolation"], cfg["scratch_mb"],
                          cfg.get("private_proc", True))
    gc.collect()
    gc.freeze()  # children then never scan (and copy-on-write) the server's objects
    server = Server(iso)
    try:
        bounds = server.calibrate()
    except OSError as e:
        if not iso.private_proc:
            send(wfd, {"error": f"timing calibration failed: {e}"})
            return
        # e.g. a user namespace under a /proc with masked entries, where the kernel
        # refuses runs a proc mount of their own: runs keep the server's view
        iso.private_proc = False
        iso.notes.append(f"runs could not mount a /proc of their own ({e}); they see the "
                         "server's")
        try:
            bounds = server.calibrate()
        except OSError as e2:
            send(wfd, {"error": f"timing calibration failed: {e2}"})
            return
    server.fresh_state()
    gc.collect()
    gc.freeze()  # again: what calibration and the snapshot made stays out of the children's GC
    report = iso.report()
    report["timing_bounds"] = bounds.report()
    send(wfd, {"ready": True, "isolation": report, "pid": os.getpid()})
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
