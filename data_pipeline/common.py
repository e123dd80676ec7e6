"""Starting or joining Ray, for every stage's driver (stage.py) and the training job."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class ClusterError(ConnectionError):
    """The Ray cluster named by --address or RAY_ADDRESS cannot be joined."""


# Ray puts its Unix sockets at <temp_dir>/session_<date>_<time>_<us>_<pid>/sockets/plasma_store,
# and AF_UNIX paths are limited to 107 bytes: the temp dir itself may take at most this much.
_SOCKET_TAIL = len("/session_2026-12-01_23-04-51_828667_1234567/sockets/plasma_store")
MAX_RAY_TEMP_DIR = 107 - _SOCKET_TAIL


def ray_temp_dir(path: str | os.PathLike | None = None) -> str:
    """A Ray temp dir for `path` (default: Ray's own, <RAY_TMPDIR or TMPDIR or /tmp>/ray)
    that fits the socket-path limit from any checkout path.

    A path too long for Ray's sockets is reached through a short symlink
    /tmp/effiskel-ray-<hash> instead, so Ray's files still live at `path`
    (e.g. under the project's build/) whatever the length of the path above it.
    """
    if path is None:
        # Ray's own default, as ray._common.utils.get_default_ray_temp_dir computes it
        path = Path(os.environ.get("RAY_TMPDIR") or os.environ.get("TMPDIR") or "/tmp") / "ray"
    path = Path(path).absolute()
    path.mkdir(parents=True, exist_ok=True)
    if len(str(path)) <= MAX_RAY_TEMP_DIR:
        return str(path)
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:12]
    link = Path("/tmp") / f"effiskel-ray-{os.getuid()}-{digest}"
    if not (link.is_symlink() and os.readlink(link) == str(path)):
        tmp = link.with_name(f"{link.name}.{os.getpid()}")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(path, target_is_directory=True)
        os.replace(tmp, link)  # atomic: concurrent starters agree on one link
    return str(link)


AUTH_HINT = (
    "Ray 2.60 clusters use token authentication when the head was started with a token: "
    "`ray start --head` turns it on if RAY_AUTH_MODE=token is set or a token exists "
    "(RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token, which any embedded "
    "`ray.init()` creates on its first start), and leaves it off otherwise. Clients of such a "
    "cluster need RAY_AUTH_MODE=token and the same token (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH "
    "or ~/.ray/auth_token); run with RAY_AUTH_MODE=token."
)


_embedded = False  # this process started the Ray it is connected to


def init_ray(address: str | None, num_cpus: int | None = None, log_to_driver: bool = False) -> bool:
    """Join `address` (or RAY_ADDRESS, as `ray job submit` sets it), else start an
    embedded local Ray with `num_cpus` (its files in `ray_temp_dir()`). No-op if Ray
    is already started. Returns whether the Ray connected to is one this process started.

    `log_to_driver` streams the workers' own output to this process (a verbose run);
    otherwise it stays in Ray's session logs."""
    import ray

    global _embedded
    if ray.is_initialized():
        return _embedded
    address = address or os.environ.get("RAY_ADDRESS")
    if address:
        try:
            ray.init(address=address, log_to_driver=log_to_driver)  # joining: never num_cpus
        except ConnectionError as e:
            # A client that does not ask for token auth only hears "failed to connect",
            # and Ray reads the mode at import, so it cannot be switched on here.
            hint = "" if os.environ.get("RAY_AUTH_MODE") else " " + AUTH_HINT
            raise ClusterError(f"could not join the Ray cluster at {address}.{hint}") from e
        return False
    ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=log_to_driver,
             _temp_dir=ray_temp_dir())
    _embedded = True
    return True


def shutdown_embedded_ray() -> None:
    """Stop the Ray this process started, and with it every worker and actor of its
    session (a driver that just exits leaves Ray's agents to notice on their own)."""
    import ray

    global _embedded
    if _embedded:
        ray.shutdown()
        _embedded = False


def cluster_workers(requested: int | None, units: int, resources: dict | None = None) -> int:
    """Actors to start: as requested, else as many as the cluster holds of actors that each
    ask for `resources` (num_cpus, default 1; num_gpus), so a GPU stage on a node of 16 CPUs
    and 1 GPU starts one, not 16 of which 15 wait forever; never more than units."""
    import ray

    if not requested:
        have = ray.cluster_resources()
        asks = {"CPU": (resources or {}).get("num_cpus", 1), "GPU": (resources or {}).get("num_gpus", 0)}
        requested = max(1, min((int(have.get(r, 0) // n) for r, n in asks.items() if n),
                               default=int(have.get("CPU", 1))))
    return max(1, min(requested, units))
