"""The forked child's side of a run: limits and identity, then the program.

The server (server.py) forks; everything here runs in the child and ends in
`os._exit`. The server imports this module before it forks, so it stays small
and imports nothing the server does not already hold (a fork copies the
server's memory page by page).

The child's file descriptors:

    0  stdin: the test's input, a sealed memfd nobody can change (or /dev/null)
    1  stdout, 2 stderr: memfds the server reads after the run
    3  result: a memfd, written once at the end with the pickled records
    4  timed runs: a datagram socket to the server. The harness sends b"B" right
       before each repeat and b"E" right after it; the kernel timestamps each
       datagram as it is sent (SO_TIMESTAMPNS), so the server knows from
       outside when every repeat began and ended (server.check_timing).
       Correctness runs: a pipe carrying one record per test as it finishes.

Whatever the program can reach it can change: its process's memory, this
module's globals, the fds above. So the harness binds the clock and the
functions it measures with into locals before any program code runs
(rewriting `time.perf_counter_ns`, or this module, changes nothing it
measures), and what it reports is only a refinement: the server believes a
time only within what it saw from outside, and the trusted client, not this
process, holds the expected outputs.

What a timed window covers: stdio, the whole program (module level, joining
its threads, its atexit functions, flushing stdout). Call mode, the module
level and the call, and turning the returned value into plain data (that can
run the program's code: `__iter__` of a list subclass). The module level is
timed in call mode, unlike EvalPlus, because it runs in the same process as
the call with the arguments reachable, so untimed module-level code could do
the call's work unseen.

Child mode (R repeats in one process). Between repeats the harness restores
what a fresh fork would have: a new `__main__`, stdin rewound, stdout empty,
`builtins`, `random`'s state, the GC's settings, the working directory
(emptied), the recursion limit, no pending alarm, no stray processes (in a PID
namespace), and `sys.modules`: modules the program imported are dropped so
the next repeat imports them again, as a fresh fork would, except packages
with C extensions (numpy), which CPython cannot load twice in one process;
those are paid by the first repeat only. Other state a program can hide
(attributes of preloaded modules, C-level caches, threads it leaves running)
survives: child mode assumes a program that does not carry work from one
repeat to the next, and fork mode does not.
"""

from __future__ import annotations

import atexit
import builtins
import gc
import math
import os
import pickle
import resource
import signal
import sys
import time
import types

from effiskel.sandbox import isolation, values

HARNESS_FAILED = 0x7E  # exit code of a child whose harness failed before the program ran
HARNESS_BROKEN = 0x7C  # the harness failed after the program ran (and may have changed it)
XCPU_EXIT = 0x7D  # exit code of the SIGXCPU handler: the CPU limit of one run
FD_IN, FD_OUT, FD_ERR, FD_RESULT, FD_CHANNEL = 0, 1, 2, 3, 4
BEGIN, END = b"B", b"E"
_HEADER_SIZE = 8


# ---------------------------------------------------------------------------- set-up
def setup(iso, limits, workdir, stdio, fds, cpu_s, cpu_hard_s, nproc, baseline, fsize, program):
    """Limits, files and identity of the child. Kept lean: every Python object it
    touches costs a copy-on-write page fault, and this runs once per fork."""
    os.setsid()
    isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    os.closerange(len(fds), 1 << 20)
    os.chdir(workdir)
    mem = baseline + limits["memory_mb"] * (1 << 20)
    # soft: one run's CPU (SIGXCPU kills); hard: what all runs of this process may use
    cpu, cpu_hard = max(1, math.ceil(cpu_s)), max(2, math.ceil(cpu_hard_s) + 1)
    for res, value in (
        (resource.RLIMIT_CPU, (cpu, max(cpu + 1, cpu_hard))),
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
    # The SIGXCPU handler (install_signals) is the server's, inherited.
    # Environment (clean, HOME=TMPDIR=workdir) and signal dispositions (those of
    # a fresh interpreter) are the server's own, inherited as they are.
    sys.stdin, sys.stdout, sys.stderr = stdio
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = stdio
    atexit._clear()
    if iso.needs_audit_hook:
        isolation.install_audit_hook(workdir, iso.readable_paths, program,
                                     deny_fork=not iso.nproc_binds)


def _on_xcpu(*_) -> None:
    os._exit(XCPU_EXIT)


def install_in_server(stdio) -> tuple:
    """Done once in the server so that every fork inherits it (in the child each
    costs copy-on-write faults): the child's stdio as sys.stdin/stdout/stderr,
    and the SIGXCPU handler (as PID 1 of its namespace a run is not killed by
    the kernel's SIGXCPU under the default action; a handler is delivered; a
    program that replaces it is killed by the hard limit, and the server reads
    its CPU). Returns the original streams, which must stay referenced: freeing
    them in a child would cost more faults still."""
    originals = (sys.stdin, sys.stdout, sys.stderr, sys.__stdin__, sys.__stdout__,
                 sys.__stderr__)
    sys.stdin, sys.stdout, sys.stderr = stdio
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = stdio
    signal.signal(signal.SIGXCPU, _on_xcpu)
    return originals


def child_main(body, *args) -> None:
    """Run `body(*args)` in the child; never returns. A failure of the harness
    itself (not of the program) exits with HARNESS_FAILED and its traceback."""
    try:
        body(*args)
    except BaseException:
        try:
            import traceback

            os.write(FD_ERR, traceback.format_exc().encode())
        finally:
            os._exit(HARNESS_FAILED)
    os._exit(0)


_cpu_soft: list = [None, None]  # the soft and hard RLIMIT_CPU this process set last


def _per_test_cpu_limit(cpu_s: float) -> None:
    """Let the next test use `cpu_s` more CPU seconds than used so far (SIGXCPU
    kills); one getrusage when the limit already allows that (whole seconds)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    used = ru.ru_utime + ru.ru_stime
    if _cpu_soft[0] is not None and used + cpu_s <= _cpu_soft[0] < used + cpu_s + 1:
        return
    if _cpu_soft[1] is None:
        _cpu_soft[1] = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = min(math.ceil(used + cpu_s), _cpu_soft[1])
    resource.setrlimit(resource.RLIMIT_CPU, (soft, _cpu_soft[1]))
    _cpu_soft[0] = soft


# ---------------------------------------------------------------------------- one execution
def _exception_record(e: BaseException, filename: str, mode: str) -> dict:
    """What the judge needs of the program's exception. Runs inside the timed
    window: str(e) and the like can run the program's code."""
    if isinstance(e, SystemExit):
        code = e.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        if mode == "call" and not code:
            return {"kind": "exception", "exc": "SystemExit", "msg": "exited before returning"}
        return {"kind": "exit", "code": code or 0}
    line = None
    tb = e.__traceback__
    while tb is not None:  # the program's innermost line (traceback.walk_tb, inlined)
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    try:
        msg = str(e)[:1000]
    except BaseException:
        msg = "<unprintable>"
    return {"kind": "exception", "exc": str(type(e).__name__)[:100], "msg": msg, "line": line}


def _finish_threads(threading) -> None:
    """Join the program's non-daemon threads as interpreter exit would (after the
    threading atexit hooks, which e.g. stop idle ThreadPoolExecutor workers)."""
    if threading is None:
        return
    hooks = getattr(threading, "_threading_atexits", None)
    if hooks:
        for hook in reversed(hooks):
            hook()
        hooks.clear()
    me = threading.current_thread()
    for t in threading.enumerate():
        if t is not me and not t.daemon:
            t.join()


def execute(code, g: dict, mode: str, entry, args, output_rule, want_args, out) -> dict:
    """Run the program once in namespace `g`: everything that can run its code.

    stdio: module level, its threads, its atexit functions, stdout flushed.
    call: module level, the entry point called with `args`, the value (and the
    arguments as the call left them, for a checker) turned into plain data."""
    filename = code.co_filename
    rec: dict = {"kind": "ok"}
    try:
        exec(code, g)
        if mode == "stdio":
            _finish_threads(sys.modules.get("threading"))
            atexit._run_exitfuncs()
        else:
            fn = values.resolve_entry_point(g, entry)
            result = fn(*args)
            try:
                rec["value"] = values.to_plain(values.apply_output_rule(result, output_rule))
            except TypeError as e:
                rec["value_error"] = str(e)
            if want_args:
                try:
                    rec["args"] = values.to_plain(args)
                except TypeError:
                    pass  # the checker then sees the arguments as given
    except BaseException as e:  # noqa: BLE001 - every failure of the program is reported
        rec = _exception_record(e, filename, mode)
    finally:
        atexit._clear()
        for stream in (sys.stdout, out):
            try:
                stream.flush()
            except BaseException:
                pass  # e.g. the file size limit: judged as OLE from the output's size
    return rec


def _fresh_module(filename: str) -> dict:
    module = types.ModuleType("__main__")
    module.__file__ = filename
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    sys.argv = [filename]
    return module.__dict__


# ---------------------------------------------------------------------------- timed runs
def snapshot() -> dict:
    """What a fresh fork starts with, taken by the server before it forks: the
    child only reads it (building it there would copy-on-write every module
    name and builtin it touches, ~1 ms a fork)."""
    random = sys.modules.get("random")
    return {"modules": frozenset(sys.modules), "builtins": dict(builtins.__dict__),
            "recursion": sys.getrecursionlimit(), "gc": (gc.isenabled(), gc.get_threshold()),
            "random": (random.setstate, random.getstate()) if random is not None else None}


class _Fresh:
    """What a fresh fork would give the next repeat, restored in place (child mode)."""

    def __init__(self, workdir: str, stdio, pid_namespace: bool, fresh: dict):
        self.workdir = workdir
        self.stdio = list(stdio)
        self.pid_namespace = pid_namespace
        self.known, self.kept = fresh["modules"], set()
        self.builtins = fresh["builtins"]
        self.recursion = fresh["recursion"]
        self.gc = fresh["gc"]
        self.random = fresh["random"]

    def restore(self) -> None:
        if len(sys.modules) != len(self.known) + len(self.kept):
            self._drop_new_modules()
        builtins.__dict__.clear()  # unconditionally: comparing could run the program's __eq__
        builtins.__dict__.update(self.builtins)
        if self.random is not None:
            self.random[0](self.random[1])
        (gc.enable if self.gc[0] else gc.disable)()
        gc.set_threshold(*self.gc[1])
        sys.setrecursionlimit(self.recursion)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.signal(signal.SIGXCPU, _on_xcpu)
        if self.pid_namespace:  # we are its first process: kill(-1) reaches all others
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            try:
                while os.waitpid(-1, os.WNOHANG)[0]:
                    pass
            except ChildProcessError:
                pass
        os.chdir(self.workdir)
        if os.listdir(self.workdir):
            _empty_dir(self.workdir)
        os.lseek(FD_IN, 0, os.SEEK_SET)
        for i, (fd, mode) in enumerate(((FD_IN, "r"), (FD_OUT, "w"), (FD_ERR, "w"))):
            stream = self.stdio[i]
            try:
                if i == 0:
                    stream.seek(0)
                elif stream.closed:
                    raise ValueError
            except (ValueError, OSError):
                self.stdio[i] = _text_stream(fd, mode)

    def _drop_new_modules(self) -> None:
        new = [name for name in sys.modules if name not in self.known and name not in self.kept]
        keep = set()
        for name in new:  # a package with a C extension stays: it cannot load twice
            spec = getattr(sys.modules[name], "__spec__", None)
            origin = getattr(spec, "origin", None) or ""
            if origin.endswith((".so", ".pyd")):
                keep.add(name.partition(".")[0])
        for name in new:
            if name.partition(".")[0] in keep:
                self.kept.add(name)
            else:
                del sys.modules[name]


def _text_stream(fd: int, mode: str):
    import io

    if mode == "r":
        return io.TextIOWrapper(io.BufferedReader(io.FileIO(fd, "r", closefd=False), 1 << 16),
                                encoding="utf-8")
    return io.TextIOWrapper(io.BufferedWriter(io.FileIO(fd, "w", closefd=False), 1 << 16),
                            encoding="utf-8", errors="backslashreplace", line_buffering=fd == 2)


def _empty_dir(path: str) -> None:
    import shutil

    for name in os.listdir(path):
        p = os.path.join(path, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                os.unlink(p)
            except OSError:
                pass


def timed(code, mode, entry, args_blob, repeat, output_rule, want_args, limits, workdir,
          stdio, pid_namespace, cpu_s, fresh_state):
    """`repeat` timed executions in this process, each between a B and an E marker.

    Records (one per repeat, written at the end on FD_RESULT): the in-child
    time `t` and CPU `cpu`, the outcome, and the output only where it differs
    from the first repeat's (which stays at the start of stdout; `first_len`
    says how long it is). Stops at the first repeat that fails."""
    # Bound before the program runs: rebinding these names anywhere later has no effect here.
    clock, cpu_clock, send = time.perf_counter_ns, time.process_time_ns, os.write
    pread, lseek, ftruncate, dumps, loads = os.pread, os.lseek, os.ftruncate, pickle.dumps, \
        pickle.loads
    run, max_out, filename = execute, limits["max_output_bytes"], code.co_filename
    fresh = _Fresh(workdir, stdio, pid_namespace, fresh_state) if repeat > 1 else None
    records: list[dict] = []
    first_len, first_key = 0, None
    started = False
    try:
        for k in range(repeat):
            if k:
                fresh.restore()
                sys.stdin, sys.stdout, sys.stderr = fresh.stdio
                _per_test_cpu_limit(cpu_s)
            out = sys.stdout
            g = _fresh_module(filename)
            args = loads(args_blob) if mode == "call" else None  # fresh for every repeat
            started = True
            send(FD_CHANNEL, BEGIN)
            start, cstart = clock(), cpu_clock()
            rec = run(code, g, mode, entry, args, output_rule, want_args, out)
            end, cend = clock(), cpu_clock()
            try:
                send(FD_CHANNEL, END)
            except OSError as e:  # the program closed or replaced the channel
                rec = {"kind": "channel", "msg": f"timing channel: {e}"}
            rec["t"], rec["cpu"] = end - start, cend - cstart
            size = lseek(FD_OUT, 0, os.SEEK_END) - first_len
            if size > max_out:
                rec = {"kind": "ole", "t": rec["t"], "cpu": rec["cpu"]}
            elif mode == "call":  # printed output is not judged: do not let it pile up
                ftruncate(FD_OUT, 0)
                lseek(FD_OUT, 0, os.SEEK_SET)
                if rec["kind"] == "ok":
                    key = dumps((rec.get("value"), rec.get("args"), rec.get("value_error")))
                    if first_key is None:
                        first_key = key
                    elif key == first_key:
                        for name in ("value", "args", "value_error"):
                            rec.pop(name, None)
                        rec["same"] = True
            elif k == 0:
                first_len = size
            else:
                data = pread(FD_OUT, size, first_len)
                if data != pread(FD_OUT, first_len, 0):
                    rec["out"] = data
                ftruncate(FD_OUT, first_len)
                lseek(FD_OUT, first_len, os.SEEK_SET)
            records.append(rec)
            if failed(rec):
                break
    except BaseException:
        if not started:
            raise  # nothing of the program ran: a failure of the sandbox
        import traceback  # the program ran and may have broken the harness: its doing

        records.append({"kind": "harness_broken", "msg": traceback.format_exc()[-1500:]})
    try:
        write_result({"repeats": records, "first_len": first_len})
    except BaseException:
        os._exit(HARNESS_BROKEN)


def failed(rec: dict) -> bool:
    """Whether a record ends the run: anything but a normal end (exit code 0 is one)."""
    return rec["kind"] not in ("ok", "exit") or bool(rec.get("code"))


def write_result(result: dict) -> None:
    try:
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:  # e.g. an unpicklable exception message
        data = pickle.dumps({"error": f"record not picklable: {e}"})
    try:
        os.pwrite(FD_RESULT, data, 0)
    except OSError:  # a returned value larger than the file size limit
        os.ftruncate(FD_RESULT, 0)
        for rec in result.get("repeats", ()):
            for name in ("value", "args", "out"):
                rec.pop(name, None)
            if rec.get("kind") == "ok":
                rec["value_error"] = "returned value is larger than the output limit"
        os.pwrite(FD_RESULT, pickle.dumps(result), 0)


# ---------------------------------------------------------------------------- correctness
def check(code, mode, entry, inputs, first, output_rule, want_args, limits, cpu_s,
          stop_on_failure, stdio):
    """Tests `first`.. of one program in this process, untimed; one record per test
    on the FD_CHANNEL pipe as it finishes, so the server can bound each test.

    stdio: each test is a fresh `__main__` on its own stdin. call: the module
    level runs once and each test is one call in that namespace, as EvalPlus
    does, so state the program keeps between calls leaks from test to test (a
    cache, a mutated default argument) exactly as it would there."""
    max_out = limits["max_output_bytes"]
    filename = code.co_filename
    g = None
    if mode == "call":
        g = _fresh_module(filename)
        try:
            exec(code, g)
        except BaseException as e:  # noqa: BLE001 - the module level failed: so does every test
            _send_frame({"i": first, "module_level": True,
                         **_exception_record(e, filename, "call")})
            return
        _take_output(stdio[1])  # module-level prints are not any test's output
    for i in range(first, len(inputs)):
        _per_test_cpu_limit(cpu_s)
        sys.stdin, sys.stdout, sys.stderr = stdio
        if mode == "stdio":
            fd = os.memfd_create("stdin")
            view = memoryview(inputs[i].encode("utf-8", "surrogateescape"))
            while view:
                view = view[os.write(fd, view):]
            os.lseek(fd, 0, os.SEEK_SET)
            os.dup2(fd, FD_IN)
            os.close(fd)
            stdio[0].seek(0)
            rec = execute(code, _fresh_module(filename), "stdio", None, None, None, False,
                          stdio[1])
        else:
            rec = execute_call(g, entry, inputs[i], output_rule, want_args, stdio[1], filename)
        out = _take_output(stdio[1])
        if len(out) > max_out:
            rec = {"kind": "ole"}
        elif mode == "stdio":
            rec["out"] = out
        rec["i"] = i
        _send_frame(rec)
        if stop_on_failure and failed(rec):
            return


def execute_call(g, entry, args_blob, output_rule, want_args, out, filename) -> dict:
    """One call of the entry point in an already executed namespace `g`.
    `args_blob`: the argument list, pickled by the client (None: a test the
    client could not read, judged SE there)."""
    if args_blob is None:
        return {"kind": "bad_input", "msg": "unreadable test input"}
    args = pickle.loads(args_blob)
    rec: dict = {"kind": "ok"}
    try:
        fn = values.resolve_entry_point(g, entry)
        result = fn(*args)
        try:
            rec["value"] = values.to_plain(values.apply_output_rule(result, output_rule))
        except TypeError as e:
            rec["value_error"] = str(e)
        if want_args:
            try:
                rec["args"] = values.to_plain(args)
            except TypeError:
                pass
    except BaseException as e:  # noqa: BLE001
        rec = _exception_record(e, filename, "call")
    finally:
        try:
            out.flush()
        except BaseException:
            pass
    return rec


def _take_output(out) -> bytes:
    """This test's stdout, leaving stdout empty for the next one."""
    for stream in (sys.stdout, out):
        try:
            stream.flush()
        except BaseException:
            pass
    size = os.lseek(FD_OUT, 0, os.SEEK_END)
    if not size:
        return b""
    data = os.pread(FD_OUT, size, 0)
    os.ftruncate(FD_OUT, 0)
    os.lseek(FD_OUT, 0, os.SEEK_SET)
    return data


def _send_frame(rec: dict) -> None:
    try:
        data = pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:
        data = pickle.dumps({"i": rec.get("i"), "kind": "exception", "exc": "PicklingError",
                             "msg": str(e)[:500]})
    view = memoryview(len(data).to_bytes(_HEADER_SIZE, "big") + data)
    while view:
        view = view[os.write(FD_CHANNEL, view):]


# ---------------------------------------------------------------------------- line profiles
def profiled(code, mode, entry, args_blob):
    """One untimed run under line_profiler; the per-line stats go to FD_RESULT."""
    profiler, registered = _make_profiler(code)
    g = _fresh_module(code.co_filename)
    args = pickle.loads(args_blob) if mode == "call" else None
    body = types.FunctionType(registered, g)
    rec: dict = {"kind": "ok"}
    profiler.enable_by_count()
    try:
        body()
        if mode == "stdio":
            _finish_threads(sys.modules.get("threading"))
            atexit._run_exitfuncs()
        else:
            values.resolve_entry_point(g, entry)(*args)
    except BaseException as e:  # noqa: BLE001
        rec = _exception_record(e, code.co_filename, mode)
    finally:
        profiler.disable_by_count()
        try:
            sys.stdout.flush()
        except BaseException:
            pass
    rec["lines"] = _line_stats(profiler, code.co_filename)
    write_result({"repeats": [rec], "first_len": 0})


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
