"""Judging what a run produced against the expected output, in the trusted client.

The fork server never holds expected outputs: a forked child can read
anything in the memory of the process it was forked from. So the server
returns each run's output (stdout bytes, or the returned value as plain data
and, for checkers, the arguments as the call left them) and the client judges
it here. Checkers are trusted dataset code, compiled and called here too.
"""

from __future__ import annotations

import builtins
import math
import pickle
import signal
import threading

from effiskel.sandbox import values

_CHECKERS: dict[str, object] = {}


def checker_function(src: str | None):
    """The `check(input, expected, output)` of a checker's source (cached)."""
    if not src:
        return None
    if src not in _CHECKERS:
        ns = {"__builtins__": builtins, "math": math}
        exec(compile(src, "<checker>", "exec"), ns)
        if not callable(ns.get("check")):
            raise ValueError("checker source must define check(input, expected, output)")
        if len(_CHECKERS) > 1024:
            _CHECKERS.clear()
        _CHECKERS[src] = ns["check"]
    return _CHECKERS[src]


def judge(output, mode: str, inp: str, expected, checker, float_tolerance: float
          ) -> tuple[str, str]:
    """("AC", "") or ("WA", why) for one output. `expected`: the expected stdout
    text (stdio) or value (call); `output`: bytes (stdio) or {value | value_error,
    args} (call)."""
    tol = float_tolerance or 0.0
    if mode == "stdio":
        if checker is not None:
            ok = _call_checker(checker, inp, expected, output.decode("utf-8", "replace"))
        else:
            ok = values.stdio_equal(output, expected, tol)
        return ("AC", "") if ok else ("WA", f"got {output[:200]!r}, expected {expected[:200]!r}")
    if "value_error" in output:
        return "WA", output["value_error"]
    got = output.get("value")
    if checker is not None:
        # the arguments as the call left them: in-place tasks are judged on them
        args = output["args"] if "args" in output else _input_value(inp)
        ok = _call_checker(checker, args, expected, got)
    else:
        ok = values.values_equal(got, expected, tol)
    return ("AC", "") if ok else ("WA", f"returned {_short(got)}, expected {_short(expected)}")


def captured(output, mode: str) -> str:
    """A run's output as test text (what a test with no expected output records)."""
    if mode == "stdio":
        return output.decode("utf-8", "surrogateescape")
    if "value_error" in output:
        raise TypeError(output["value_error"])
    return values.to_literal(output.get("value"))


def _input_value(inp: str):
    from effiskel.sandbox.client import call_args  # parsed once, by the client's cache

    return pickle.loads(call_args(inp))


def _short(v) -> str:
    r = repr(v)
    return r if len(r) <= 200 else r[:200] + "..."


def _call_checker(checker, inp, expected, got) -> bool:
    """Run the task's checker under a 10 s guard (SIGALRM, so on the main thread
    only: elsewhere it runs unguarded, as trusted dataset code)."""
    guarded = threading.current_thread() is threading.main_thread()

    def alarm(*_):
        raise TimeoutError("checker took longer than 10 s")

    if guarded:
        old = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, 10.0)
    try:
        return bool(checker(inp, expected, got))
    except TimeoutError:
        raise
    except Exception:
        return False  # e.g. the output has the wrong shape for the checker
    finally:
        if guarded:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
