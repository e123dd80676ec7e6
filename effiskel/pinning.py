"""Each timing worker on a CPU of its own.

Why: a program's run time moves with the core it runs on and with the work the
scheduler moves onto that core (benchmarks/timing_noise.py: CV across rounds
15-20 % unpinned on the 2-vCPU development VM). A worker pinned to one CPU, with
its sandbox server and every child it forks (they inherit the affinity), times
all its runs on one core, and two workers never share one while others are free.

How two workers on one node avoid the same CPU: Ray schedules CPUs as a count,
not as ids, so nothing in Ray tells one actor which CPU another took. A worker
claims a CPU by taking an exclusive, non-blocking `flock` on
`<claims_dir>/cpu<N>.lock`, trying the CPUs it may use (`sched_getaffinity`) in
order. A flock belongs to the open file: the kernel drops it when the worker
exits, however it exits, so a crashed worker never leaves a stale claim (a pid
file or a shared registry would). The claims directory must be local to the node
and shared by the workers that compete for its CPUs: the stages use the Ray
session's directory on the node (see data_pipeline/profile.py).

Where the node does not allow it — every allowed CPU claimed (more workers than
CPUs), or `sched_setaffinity` refused — the worker runs unpinned and `CpuClaim`
says why; the stage summary reports it.
"""

from __future__ import annotations

import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CpuClaim:
    """The CPU a worker holds (None: unpinned) and, for humans, how it came to be."""

    cpu: int | None
    reason: str
    fd: int | None = None  # the locked claim file; closing it releases the CPU

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __str__(self) -> str:
        return f"CPU {self.cpu}" if self.cpu is not None else f"unpinned: {self.reason}"


def claim_cpu(claims_dir: str | os.PathLike, allowed: set[int] | None = None,
              wait_s: float = 0.0) -> CpuClaim:
    """Claim the first CPU of `allowed` (default: this process's affinity) that no other
    holder of a claim in `claims_dir` has, trying again for up to `wait_s` while all are
    taken. Does not pin; see `pin_to_free_cpu`."""
    deadline = time.monotonic() + wait_s
    cpus = sorted(os.sched_getaffinity(0) if allowed is None else allowed)
    while True:
        claim, final = _try_claim(Path(claims_dir), cpus)
        if claim.cpu is not None or final or time.monotonic() >= deadline:
            return claim
        time.sleep(0.1)


def _try_claim(path: Path, cpus: list[int]) -> tuple[CpuClaim, bool]:
    """One pass over `cpus`; the flag says whether waiting could change the answer."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return CpuClaim(None, f"cannot make the CPU claims directory {path}: {e}"), True
    for cpu in cpus:
        try:
            # non-inheritable (PEP 446): the sandbox server and its children must not keep
            # the claim alive after the worker is gone
            fd = os.open(path / f"cpu{cpu}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            return CpuClaim(None, f"cannot open a CPU claim in {path}: {e}"), True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        except OSError as e:  # e.g. a filesystem without flock
            os.close(fd)
            return CpuClaim(None, f"cannot lock CPU claims in {path}: {e}"), True
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for humans; the lock is what counts
        return CpuClaim(cpu, f"claimed CPU {cpu} of {cpus} in {path}", fd), True
    return CpuClaim(None, f"all {len(cpus)} allowed CPUs {cpus} are claimed by other "
                          f"workers in {path}; start fewer workers than CPUs to pin each"), False


def pin_process(cpu: int) -> None:
    """Set the affinity of every thread of this process to `cpu`.

    sched_setaffinity(0) changes only the calling thread; an actor's other threads
    (Ray's own) would still start processes with the old mask, so all are pinned,
    and threads started later inherit it from their pinned parents."""
    for tid in (int(t) for t in os.listdir("/proc/self/task")):
        try:
            os.sched_setaffinity(tid, {cpu})
        except ProcessLookupError:  # the thread ended meanwhile
            pass


def pin_to_free_cpu(claims_dir: str | os.PathLike, wait_s: float = 5.0) -> CpuClaim:
    """Claim a CPU in `claims_dir` and pin this whole process to it, or say why not.

    Waits up to `wait_s` for a CPU while all are claimed: the workers of a stage that
    just finished may still be exiting when the next stage's workers start."""
    claim = claim_cpu(claims_dir, wait_s=wait_s)
    if claim.cpu is None:
        return claim
    before = os.sched_getaffinity(0)
    try:
        pin_process(claim.cpu)
    except OSError as e:
        claim.release()
        for tid in os.listdir("/proc/self/task"):  # all or nothing
            try:
                os.sched_setaffinity(int(tid), before)
            except OSError:
                pass
        return CpuClaim(None, f"the node refused to pin to CPU {claim.cpu}: {e}")
    return claim
