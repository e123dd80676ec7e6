"""A multi-node Ray cluster on one machine, for development and tests.

    python cluster/local.py start --dir build/cluster --workers 2 --cpus-per-worker 1
    eval "$(python cluster/local.py env --dir build/cluster)"   # RAY_ADDRESS, auth for clients
    python cluster/local.py status --dir build/cluster
    python cluster/local.py add-worker --dir build/cluster [--cpus 2]
    python cluster/local.py kill-worker w1 --dir build/cluster  # a node crash: SIGKILL
    python cluster/local.py stop --dir build/cluster

The head and every worker are separate Ray nodes (`ray start --block`, each with its own
raylet, object store, agents and temp dir under DIR), with their own CPU count and a custom
resource `node_<name>: 1` (node_head, node_w1, ...) so work can be placed on a node:
`@ray.remote(resources={"node_w1": 0.01})`. The head has no CPUs by default, so stage work
runs on the workers, as on a cluster whose head only coordinates.

The state (addresses, each node's pid and start time) is DIR/cluster.json. Only processes this
script started are ever signalled: a node is the process tree of its `ray start --block`, and
`stop` then sweeps what still names one of the cluster's temp dirs. `ray stop` is never used
(it would stop every Ray of the machine's user).

Authentication: by default the nodes require a token, generated into DIR/auth_token
(`--auth none` turns it off explicitly, whatever ~/.ray holds); `env` prints what a client
needs (RAY_AUTH_MODE=token, RAY_AUTH_TOKEN_PATH).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

from data_pipeline.common import ray_temp_dir

STATE = "cluster.json"
AUTH_VARS = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")
CLIENT_VARS = ("RAY_ADDRESS", "RAY_API_SERVER_ADDRESS", *AUTH_VARS)


class LocalClusterError(RuntimeError):
    """The local cluster could not be started, changed or found."""


# ----------------------------------------------------------------------------- the API
def start(root: str | Path, workers: int = 2, cpus_per_worker: int = 1, head_cpus: int = 0,
          dashboard: bool = True, auth: str = "token", object_store_mb: int = 256,
          timeout_s: float = 180) -> dict:
    """Start a head and `workers` worker nodes with state under `root`; returns the state."""
    root = Path(root).absolute()
    if _running_state(root):
        raise LocalClusterError(f"a local cluster is already running with state in {root / STATE}; "
                                f"stop it first (python cluster/local.py stop --dir {root})")
    if auth not in ("token", "none"):
        raise LocalClusterError(f"--auth must be token or none, not {auth!r}")
    root.mkdir(parents=True, exist_ok=True)
    state = {"root": str(root), "auth": auth, "object_store_mb": object_store_mb,
             "cpus_per_worker": cpus_per_worker, "nodes": {}}
    if auth == "token":
        token = root / "auth_token"
        token.write_text(secrets.token_hex(32))
        token.chmod(0o600)
        state["token_path"] = str(token)
    port = _free_port()
    state["address"] = f"127.0.0.1:{port}"
    state["dashboard"] = f"http://127.0.0.1:{_free_port()}" if dashboard else None
    try:
        _start_node(state, "head", head_cpus, timeout_s)
        for _ in range(workers):
            _start_node(state, _next_name(state), cpus_per_worker, timeout_s)
    except BaseException:
        stop(root, state)
        raise
    return state


def add_worker(root: str | Path, cpus: int | None = None, name: str | None = None,
               timeout_s: float = 180) -> dict:
    """Start one more worker node (a node joining late); returns its record."""
    state = _load(root)
    name = name or _next_name(state)
    if name in state["nodes"] and _alive(state["nodes"][name]):
        raise LocalClusterError(f"node {name!r} is already running")
    _start_node(state, name, state["cpus_per_worker"] if cpus is None else cpus, timeout_s)
    return state["nodes"][name]


def kill_worker(root: str | Path, name: str) -> list[int]:
    """SIGKILL every process of worker node `name` at once, as a crashed machine would
    vanish; returns the pids killed. Ray notices by its health checks (seconds)."""
    state = _load(root)
    node = state["nodes"].get(name)
    if node is None or name == "head":
        workers = [n for n in state["nodes"] if n != "head"]
        raise LocalClusterError(f"no worker node {name!r}; the workers are: {', '.join(workers)}")
    procs = _tree(node)
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    node["state"] = "killed"
    _save(state)
    return [p.pid for p in procs]


def stop(root: str | Path, state: dict | None = None, grace_s: float = 45) -> list[str]:
    """Stop every node of the cluster; returns the processes that survived ("pid name").

    Each node's `ray start --block` gets SIGTERM, all at once: it drains its node (Ray
    waits up to 30 s for work to finish) and stops its own processes. Whatever of the
    nodes' trees is left after `grace_s`, and any orphan the sweep finds, is SIGKILLed."""
    state = state or _load(root)
    trees = [_tree(node) for node in state["nodes"].values()]
    for tree in trees:
        if tree:
            try:
                tree[0].terminate()
            except psutil.Error:
                pass
    _, alive = psutil.wait_procs([p for tree in trees for p in tree], timeout=grace_s)
    for _ in range(2):  # the leftovers, then what the sweep finds once they are gone
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass
        _, alive = psutil.wait_procs(alive, timeout=5)
        alive += [p for p in _sweep(state) if p not in alive]
    for node in state["nodes"].values():
        node["state"] = "stopped"
    _save(state)
    return [f"{p.pid} {p.name()}" for p in alive if p.is_running()]


def status(root: str | Path) -> dict:
    """The state, each node's liveness checked now (running, dead, killed, stopped)."""
    state = _load(root)
    for node in state["nodes"].values():
        if node["state"] == "running" and not _alive(node):
            node["state"] = "dead"
    return state


def client_environ(state: dict, base: dict[str, str] | None = None) -> dict[str, str]:
    """A whole environment for a client process of the cluster: `base` (default this
    process's) with any Ray address or auth it held replaced by the cluster's."""
    base = dict(os.environ if base is None else base)
    return {**{k: v for k, v in base.items() if k not in CLIENT_VARS}, **client_env(state)}


def client_env(state: dict) -> dict[str, str]:
    """What a client (a stage, `effiskel submit`, `ray`) of the cluster needs in its environment."""
    env = {"RAY_ADDRESS": state["address"]}
    if state.get("dashboard"):
        env["RAY_API_SERVER_ADDRESS"] = state["dashboard"]
    if state["auth"] == "token":
        env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN_PATH=state["token_path"])
    else:
        env["RAY_AUTH_MODE"] = "disabled"
    return env


# ----------------------------------------------------------------------------- nodes
def _start_node(state: dict, name: str, cpus: int, timeout_s: float, attempts: int = 2) -> None:
    """Start node `name` and wait until it runs. Ray gives a node 30 s to register with the
    GCS, which a machine under heavy load can miss: such a node is cleared away (its
    processes killed) and started once more, saying so."""
    for attempt in range(1, attempts + 1):
        try:
            return _launch(state, name, cpus, timeout_s)
        except LocalClusterError as e:
            node = state["nodes"].get(name)
            if node is None:  # nothing was started (no `ray` here): nothing to retry
                raise
            leftovers = _tree(node) + _sweep({"nodes": {name: node}})
            for p in leftovers:
                try:
                    p.kill()
                except psutil.Error:
                    pass
            psutil.wait_procs(leftovers, timeout=10)
            if attempt == attempts:
                node["state"] = "failed"
                _save(state)
                raise
            print(f"cluster/local.py: {str(e).splitlines()[0]}; starting it again",
                  file=sys.stderr)


def _launch(state: dict, name: str, cpus: int, timeout_s: float) -> None:
    root = Path(state["root"])
    ray = Path(sys.executable).parent / "ray"
    if not ray.exists():
        raise LocalClusterError(f"{ray} does not exist: run this script with the Python of the "
                                "environment Ray is installed in (e.g. .venv/bin/python)")
    tmp = ray_temp_dir(root / "ray" / name)  # a short path from anywhere (Unix socket limit)
    cmd = [str(ray), "start", "--block", "--num-cpus", str(cpus), "--num-gpus", "0",
           "--resources", json.dumps({f"node_{name}": 1}), "--temp-dir", tmp,
           "--object-store-memory", str(state["object_store_mb"] * 2**20),
           # Each node's agents need ports of their own; Ray's fixed defaults (52365, 10001)
           # would collide between nodes of one machine and with other Rays on it.
           "--dashboard-agent-listen-port", str(_free_port()), "--disable-usage-stats"]
    if name == "head":
        # The dashboard process runs even without the UI, on 8265 unless told otherwise.
        dashboard_port = (state["dashboard"] or f":{_free_port()}").rsplit(":", 1)[1]
        cmd += ["--head", "--port", state["address"].rsplit(":", 1)[1],
                "--ray-client-server-port", str(_free_port()),
                "--include-dashboard", "true" if state["dashboard"] else "false",
                "--dashboard-host", "127.0.0.1", "--dashboard-port", dashboard_port]
    else:
        cmd += ["--address", state["address"]]
    log = root / "logs" / f"{name}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("ab") as out:
        # A session of its own: the node outlives this script and a terminal's Ctrl-C.
        proc = subprocess.Popen(cmd, env=_node_env(state), stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    node = {"name": name, "cpus": cpus, "resource": f"node_{name}", "pid": proc.pid,
            "create_time": psutil.Process(proc.pid).create_time(), "temp_dir": tmp,
            "log": str(log), "state": "running"}
    state["nodes"][name] = node
    _save(state)
    deadline = time.monotonic() + timeout_s
    while b"Ray runtime started" not in log.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:]
            why = "exited" if proc.poll() is not None else f"did not start within {timeout_s:.0f} s"
            raise LocalClusterError(f"node {name} ({shlex.join(cmd)}) {why}; its log "
                                    f"{log} ends:\n{tail}")
        time.sleep(0.3)
    if name == "head" and state["dashboard"]:
        _wait_for_dashboard(state["dashboard"], deadline)


def _wait_for_dashboard(url: str, deadline: float) -> None:
    """The job server answers some seconds after `ray start` reports the node started;
    a job submitted before then would be refused. Any HTTP answer (even 401) is up."""
    import urllib.error
    import urllib.request

    while True:
        try:
            urllib.request.urlopen(f"{url}/api/version", timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError as e:
            if time.monotonic() > deadline:
                raise LocalClusterError(f"the dashboard at {url} did not answer in time: {e}") from None
            time.sleep(0.5)


def _node_env(state: dict) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (*AUTH_VARS, "RAY_ADDRESS")}
    # `python` in a job's entrypoint (`python -m jobs.profile`) is the interpreter that
    # runs the cluster, with the project installed, not whatever PATH finds first.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if state["auth"] == "token":
        env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN_PATH=state["token_path"])
    else:
        env["RAY_AUTH_MODE"] = "disabled"  # not switched on by a token that happens to exist
    return env


def _tree(node: dict) -> list[psutil.Process]:
    """The node's `ray start --block` and all its descendants, if it is still the process
    this script started (same pid and start time)."""
    try:
        root = psutil.Process(node["pid"])
        if abs(root.create_time() - node["create_time"]) > 0.01:
            return []  # the pid was reused by another process
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _alive(node: dict) -> bool:
    procs = _tree(node)
    return bool(procs) and procs[0].status() != psutil.STATUS_ZOMBIE


def _sweep(state: dict) -> list[psutil.Process]:
    """Processes of the cluster that left their node's tree (orphans reparented to init):
    those whose command line names one of the cluster's temp dirs (under DIR, so no other
    Ray's), and Ray's agents (which rename themselves `ray::...`) still in the process
    group of a node's `ray start`, started after it."""
    marks, groups = set(), {}
    for node in state["nodes"].values():
        marks |= {node["temp_dir"], os.path.realpath(node["temp_dir"])}
        groups[node["pid"]] = node["create_time"]
    found = []
    for proc in psutil.process_iter(["cmdline", "name", "create_time"]):
        try:
            if proc.pid == os.getpid():
                continue
            cmdline = " ".join(proc.info["cmdline"] or ())
            pgid = os.getpgid(proc.pid)
            if any(m in cmdline for m in marks) or (
                    pgid in groups and proc.info["create_time"] >= groups[pgid]
                    and proc.info["name"].startswith("ray::")):
                found.append(proc)
        except (psutil.Error, OSError):
            pass
    return found


def _next_name(state: dict) -> str:
    i = 1
    while f"w{i}" in state["nodes"]:
        i += 1
    return f"w{i}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(root: str | Path) -> dict:
    path = Path(root).absolute() / STATE
    if not path.exists():
        raise LocalClusterError(f"no local cluster state in {path}; start one with "
                                f"python cluster/local.py start --dir {Path(root)}")
    return json.loads(path.read_text())


def _running_state(root: Path) -> dict | None:
    try:
        state = _load(root)
    except LocalClusterError:
        return None
    return state if any(_alive(n) for n in state["nodes"].values()) else None


def _save(state: dict) -> None:
    path = Path(state["root"]) / STATE
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=2))
    os.replace(tmp, path)


# ----------------------------------------------------------------------------- the command
def _print_status(state: dict) -> None:
    print(f"address {state['address']}   dashboard {state['dashboard'] or '(none)'}   "
          f"auth {state['auth']}")
    print(f"{'node':6} {'state':8} {'cpus':>4}  {'resource':12} {'pid':>8}  log")
    for node in state["nodes"].values():
        print(f"{node['name']:6} {node['state']:8} {node['cpus']:>4}  {node['resource']:12} "
              f"{node['pid']:>8}  {node['log']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cluster/local.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default="build/cluster",
                        help="where the state, logs, token and Ray's files go (default %(default)s)")
    after = argparse.ArgumentParser(add_help=False)  # --dir after the command works too
    after.add_argument("--dir", dest="sub_dir", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("start", help="start a head and N worker nodes", parents=[after])
    p.add_argument("--workers", type=int, default=2, help="worker nodes (default %(default)s)")
    p.add_argument("--cpus-per-worker", type=int, default=1, help="CPUs of each worker node")
    p.add_argument("--head-cpus", type=int, default=0,
                   help="CPUs of the head (default 0: it only coordinates and runs job drivers)")
    p.add_argument("--no-dashboard", action="store_true",
                   help="no dashboard (and so no job submission): lighter, for tests")
    p.add_argument("--auth", choices=("token", "none"), default="token",
                   help="token: nodes require the token written to DIR/auth_token (default)")
    p.add_argument("--object-store-mb", type=int, default=256, help="object store of each node")
    p = sub.add_parser("add-worker", help="start one more worker node (joining late)",
                       parents=[after])
    p.add_argument("--cpus", type=int, help="its CPUs (default: --cpus-per-worker of start)")
    p.add_argument("--name", help="its name (default: the next free wN)")
    p = sub.add_parser("kill-worker", help="SIGKILL every process of one worker node",
                       parents=[after])
    p.add_argument("name", help="the node, e.g. w1 (see status)")
    sub.add_parser("stop", help="stop every node this script started", parents=[after])
    p = sub.add_parser("status", help="the nodes and whether each is running", parents=[after])
    p.add_argument("--json", action="store_true", help="the state as JSON")
    sub.add_parser("env", help="shell exports for a client of the cluster (eval \"$(...)\")",
                   parents=[after])
    args = parser.parse_args(argv)
    args.dir = getattr(args, "sub_dir", None) or args.dir
    try:
        if args.command == "start":
            state = start(args.dir, args.workers, args.cpus_per_worker, args.head_cpus,
                          not args.no_dashboard, args.auth, args.object_store_mb)
            _print_status(state)
            print("clients: eval \"$(python cluster/local.py env --dir "
                  f"{shlex.quote(args.dir)})\"")
        elif args.command == "add-worker":
            node = add_worker(args.dir, args.cpus, args.name)
            print(f"started worker node {node['name']} ({node['cpus']} CPUs, resource "
                  f"{node['resource']})")
        elif args.command == "kill-worker":
            pids = kill_worker(args.dir, args.name)
            print(f"killed worker node {args.name}: {len(pids)} processes")
        elif args.command == "stop":
            left = stop(args.dir)
            if left:
                print(f"could not stop: {', '.join(left)}", file=sys.stderr)
                return 1
            print("stopped")
        elif args.command == "status":
            state = status(args.dir)
            print(json.dumps(state, indent=2)) if args.json else _print_status(state)
        elif args.command == "env":
            state = status(args.dir)
            if state["nodes"]["head"]["state"] != "running":
                raise LocalClusterError(f"the cluster in {args.dir} is not running (its head is "
                                        f"{state['nodes']['head']['state']})")
            for k, v in client_env(state).items():
                print(f"export {k}={shlex.quote(v)}")
    except LocalClusterError as e:
        print(f"cluster/local.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
