"""cluster/local.py for real: a head and two worker nodes as separate Ray nodes on this
machine, work placed on each worker by its custom resource, a worker killed and seen dead,
a worker that joins late getting work, and nothing left running after `stop`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import psutil
import pytest

from cluster.local import CLIENT_VARS, client_env
from tests.conftest import ROOT
from tests.data_pipeline.conftest import still_running

pytestmark = pytest.mark.timeout(900)

LOCAL = ROOT / "cluster" / "local.py"
RAY_VARS = CLIENT_VARS  # what a client's own environment must not bring

# One client run: the nodes Ray sees, and (given resources) where a task on each ran.
CLIENT = textwrap.dedent("""
    import json, sys, time
    import ray
    ray.init(log_to_driver=False)
    place, wait_dead = json.loads(sys.argv[1]), sys.argv[2:]

    @ray.remote(num_cpus=1)
    def where():
        return ray.get_runtime_context().get_node_id()

    placed = {r: ray.get(where.options(resources={r: 0.01}).remote(), timeout=120)
              for r in place}
    deadline = time.monotonic() + 90  # Ray marks a silent node dead after missed heartbeats
    while wait_dead and time.monotonic() < deadline and any(
            n["Alive"] for n in ray.nodes() if n["NodeID"] in wait_dead):
        time.sleep(0.5)
    nodes = [{"id": n["NodeID"], "alive": n["Alive"], "resources": n["Resources"]}
             for n in ray.nodes()]
    print(json.dumps({"nodes": nodes, "placed": placed}))
""")


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in RAY_VARS}


def _local(root, *args, env):
    res = subprocess.run([sys.executable, str(LOCAL), "--dir", str(root), *args], env=env,
                         capture_output=True, text=True, timeout=400)
    assert res.returncode == 0, f"local.py {' '.join(args)}:\n{res.stdout}\n{res.stderr[-3000:]}"
    return res.stdout


def _client(state, env, place=(), wait_dead=()) -> dict:
    res = subprocess.run([sys.executable, "-c", CLIENT, json.dumps(list(place)), *wait_dead],
                         env={**env, **client_env(state)}, capture_output=True, text=True,
                         timeout=400)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def _by_resource(nodes: list[dict]) -> dict[str, dict]:
    """Alive nodes by their node_<name> resource."""
    return {r: n for n in nodes if n["alive"] for r in n["resources"] if r.startswith("node_")}


def _procs(state) -> list[psutil.Process]:
    """Every process of every node now: its `ray start --block` and its descendants."""
    out = []
    for node in state["nodes"].values():
        try:
            root = psutil.Process(node["pid"])
            out += [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return out


def _naming(marks) -> list[str]:
    found = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if any(m in " ".join(p.info["cmdline"] or ()) for m in marks):
                found.append(f"{p.pid} {' '.join(p.info['cmdline'])[:120]}")
        except psutil.Error:
            pass
    return found


def test_head_and_workers_place_work_lose_a_node_gain_one_and_stop_clean(build_dir):
    root = build_dir / "tmp" / "cluster-local"
    shutil.rmtree(root, ignore_errors=True)
    env = _env()
    _local(root, "start", "--workers", "2", "--cpus-per-worker", "1", "--no-dashboard", env=env)
    state = json.loads(_local(root, "status", "--json", env=env))
    seen = []  # every process the cluster had, for the final check
    try:
        assert [n["state"] for n in state["nodes"].values()] == ["running"] * 3
        seen += _procs(state)
        # Three nodes, each with its own CPUs and resource; a task runs where it is sent.
        got = _client(state, env, place=["node_w1", "node_w2"])
        nodes = _by_resource(got["nodes"])
        assert set(nodes) == {"node_head", "node_w1", "node_w2"}
        assert [nodes[r]["resources"].get("CPU", 0) for r in ("node_head", "node_w1", "node_w2")] \
            == [0, 1, 1]
        assert len({n["id"] for n in nodes.values()}) == 3
        assert got["placed"] == {"node_w1": nodes["node_w1"]["id"],
                                 "node_w2": nodes["node_w2"]["id"]}

        # A worker killed: all its processes gone at once, and Ray sees the node dead.
        w1 = psutil.Process(state["nodes"]["w1"]["pid"])
        w1_tree = [w1, *w1.children(recursive=True)]
        assert any(p.name() == "raylet" for p in w1_tree)
        _local(root, "kill-worker", "w1", env=env)
        assert still_running(w1_tree, within_s=10) == []
        after = _client(state, env, wait_dead=[nodes["node_w1"]["id"]])
        dead = {n["id"]: not n["alive"] for n in after["nodes"]}
        assert dead[nodes["node_w1"]["id"]] and not dead[nodes["node_w2"]["id"]]
        assert json.loads(_local(root, "status", "--json", env=env))["nodes"]["w1"]["state"] \
            == "killed"

        # A worker that joins late gets work.
        _local(root, "add-worker", env=env)
        state = json.loads(_local(root, "status", "--json", env=env))
        assert state["nodes"]["w3"]["state"] == "running"
        seen += _procs(state)
        late = _client(state, env, place=["node_w3"])
        assert late["placed"]["node_w3"] == _by_resource(late["nodes"])["node_w3"]["id"]
    finally:
        seen += _procs(state)
        stopped = _local(root, "stop", env=env)
    assert "stopped" in stopped
    assert still_running(seen, within_s=10) == []
    marks = {n["temp_dir"] for n in state["nodes"].values()}
    assert _naming(marks | {os.path.realpath(m) for m in marks}) == []
    assert {n["state"] for n in json.loads(_local(root, "status", "--json", env=env))[
        "nodes"].values()} == {"stopped"}
