"""Each Stage 1 sandbox worker pinned to a CPU of its own (effiskel/pinning.py), on real Ray."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from data_pipeline.profile import ProfileConfig, ProfileUnits
from effiskel.pinning import claim_cpu
from effiskel.sandbox import Limits

ALLOWED = sorted(os.sched_getaffinity(0))
needs_two = pytest.mark.skipif(len(ALLOWED) < 2, reason="needs two allowed CPUs")


@needs_two
def test_claims_are_distinct_and_end_with_their_holder(work_dir):
    claims = work_dir / "claims"
    first, second = claim_cpu(claims), claim_cpu(claims)
    assert {first.cpu, second.cpu} == set(ALLOWED[:2])
    lone = claim_cpu(claims, allowed={first.cpu})
    assert lone.cpu is None and "claimed by other workers" in lone.reason
    first.release()
    assert claim_cpu(claims, allowed={first.cpu}).cpu == first.cpu

    # A holder that dies without a word (SIGKILL) leaves no stale claim: the kernel drops
    # its lock with its last file descriptor.
    cpu = ALLOWED[-1]
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from effiskel.pinning import claim_cpu\n"
                               f"c = claim_cpu({str(claims / 'k')!r}, allowed={{{cpu}}})\n"
                               f"print(c.cpu, flush=True)\nimport time\ntime.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert holder.stdout.readline().strip() == str(cpu)
        assert claim_cpu(claims / "k", allowed={cpu}).cpu is None
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        assert claim_cpu(claims / "k", allowed={cpu}).cpu == cpu
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_waiting_for_a_cpu_that_frees_up(work_dir):
    claims, cpu = work_dir / "claims", ALLOWED[0]
    held = claim_cpu(claims, allowed={cpu})
    start = time.monotonic()
    assert claim_cpu(claims, allowed={cpu}, wait_s=0.3).cpu is None
    assert time.monotonic() - start >= 0.3
    held.release()
    assert claim_cpu(claims, allowed={cpu}, wait_s=0.3).cpu == cpu


@needs_two
def test_two_profile_workers_pin_to_two_cpus_and_their_sandbox_children_follow(
        ray_session, work_dir):
    ray = ray_session

    def probe(worker):
        """Inside the actor: its claim, the affinity of each of its threads, and what a
        program in its sandbox may run on (the kernel never runs it elsewhere)."""
        import os

        import psutil

        from effiskel.sandbox import TestCase

        threads = set()
        for thread in psutil.Process().threads():
            try:  # sched_getaffinity takes a thread id: each thread's own mask
                threads.add(tuple(sorted(os.sched_getaffinity(thread.id))))
            except ProcessLookupError:  # the thread ended since the listing
                pass
        res = worker.sandbox.run("import os\nprint(sorted(os.sched_getaffinity(0)))\n",
                                 [TestCase("", None)])
        return {"cpu": worker.cpu_claim.cpu if worker.cpu_claim else None, "label": worker.cpu,
                "threads": sorted(threads), "verdict": str(res.verdict),
                "child": res.tests[0].output, "detail": res.tests[0].detail}

    cfg = ProfileConfig(out=str(work_dir / "out"), limits=Limits(cpu_time_s=2))
    actor = ray.remote(num_cpus=1)(ProfileUnits)
    workers = [actor.remote(cfg) for _ in range(2)]
    try:
        seen = ray.get([w.__ray_call__.remote(probe) for w in workers], timeout=120)
    finally:
        for w in workers:
            ray.kill(w)
    cpus = [s["cpu"] for s in seen]
    assert None not in cpus and len(set(cpus)) == 2, seen
    for s in seen:
        assert s["label"] == f"CPU {s['cpu']}"
        assert s["threads"] == [(s["cpu"],)], s  # every thread of the actor, Ray's too
        assert s["verdict"] == "AC", s["detail"]
        assert s["child"].strip() == str([s["cpu"]]), s


def test_pinning_can_be_turned_off(ray_session, work_dir):
    ray = ray_session
    cfg = ProfileConfig(out=str(work_dir / "out"), pin_cpu=False)
    w = ray.remote(num_cpus=1)(ProfileUnits).remote(cfg)
    try:
        seen = ray.get(w.__ray_call__.remote(
            lambda self: (self.cpu, sorted(os.sched_getaffinity(0)))), timeout=120)
    finally:
        ray.kill(w)
    assert seen[0] == "unpinned: pin_cpu=false" and seen[1] == ALLOWED
