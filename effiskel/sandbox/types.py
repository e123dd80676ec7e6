"""What goes into the sandbox and what comes out: limits, tests, verdicts, results."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum


class Verdict(str, Enum):
    """Outcome of running a program (see ARCHITECTURE.md, "Verdicts")."""

    AC = "AC"  # ran to completion and every output matched
    WA = "WA"  # ran to completion, some output did not match
    TLE = "TLE"  # CPU or wall time limit hit
    MLE = "MLE"  # memory limit hit
    RE = "RE"  # exception, non-zero exit, signal, syntax error
    OLE = "OLE"  # output larger than the limit
    SE = "SE"  # the sandbox itself failed; never the program's fault

    def __str__(self) -> str:
        return self.value


@dataclass
class Limits:
    """Resource limits applied to every single run of a program on one test."""

    cpu_time_s: float = 5.0
    """CPU seconds per run (RLIMIT_CPU, whole seconds, plus a check on the measured CPU time)."""
    wall_time_s: float | None = None
    """Wall seconds per run; default 2 * cpu_time_s + 1. The whole process tree is killed at it."""
    memory_mb: int = 512
    """Address space the program may add on top of the warm interpreter's own (RLIMIT_AS)."""
    max_processes: int = 16
    """Processes and threads the program may have at once (RLIMIT_NPROC); stops fork bombs."""
    max_file_bytes: int = 16 << 20
    """Largest file the program may write (RLIMIT_FSIZE)."""
    max_open_files: int = 64
    """Open file descriptors (RLIMIT_NOFILE)."""
    max_output_bytes: int = 16 << 20
    """Largest stdout; more is OLE."""
    stack_mb: int = 256
    """Stack size (RLIMIT_STACK); deep recursion beyond it is RE."""

    @property
    def wall_s(self) -> float:
        return self.wall_time_s if self.wall_time_s is not None else 2 * self.cpu_time_s + 1

    def replace(self, **changes) -> Limits:
        return dataclasses.replace(self, **changes)


@dataclass
class TestCase:
    """One test. stdio: `input` on stdin, `output` the expected stdout text.
    call: `input` a Python literal of the argument list, `output` a Python
    literal of the expected return value. `output=None` means "capture only":
    the run is not judged and its output is returned (see TestResult.output)."""

    __test__ = False  # not a pytest class

    input: str
    output: str | None = None


@dataclass
class TestResult:
    """Outcome of one test over all its repeats."""

    __test__ = False

    verdict: Verdict
    time_ns: float | None = None  # mean of times_ns (the paper's t_j); None when untimed
    # one per timed repeat: the time charged, never below what the server saw from
    # outside the program (see server.check_timing)
    times_ns: list[int] = field(default_factory=list)
    # CPU of each repeat: its process's (fork mode), or the child's clock per repeat,
    # scaled to the kernel's count for the whole child (child mode)
    cpu_ns: list[int] = field(default_factory=list)
    max_rss_kb: int = 0  # peak resident memory of the run's process (max over repeats)
    stdout_bytes: int = 0
    detail: str = ""  # why it failed, for humans
    output: str | None = None  # captured output when the test had no expected output
    repeat_mode: str = ""  # how the repeats ran: "fork" or "child" (empty: not timed)

    def to_json(self) -> dict:
        d = dataclasses.asdict(self)
        d["verdict"] = str(self.verdict)
        return d


@dataclass
class RunResult:
    """Outcome of one program on a list of tests."""

    verdict: Verdict
    tests: list[TestResult]
    isolation: dict = field(default_factory=dict)

    @property
    def tests_passed(self) -> int:
        return sum(t.verdict == Verdict.AC for t in self.tests)

    @property
    def detail(self) -> str:
        for t in self.tests:
            if t.verdict != Verdict.AC:
                return f"test {self.tests.index(t)}: {t.verdict}: {t.detail}"
        return ""

    def to_json(self) -> dict:
        return {
            "verdict": str(self.verdict),
            "tests": [t.to_json() for t in self.tests],
            "isolation": self.isolation,
        }


@dataclass
class LineProfile:
    """Per-line hits and time of a program over its tests, from line_profiler.

    `lines` maps a line number of the program to (hits, time_ns), summed over
    the tests and over every code object on that line. Times are inclusive:
    a line that calls a function also carries the callee's time."""

    verdict: Verdict
    lines: dict[int, tuple[int, int]]
    detail: str = ""
