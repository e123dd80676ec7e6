"""What every stage's driver shares: starting or joining Ray, and its progress bar."""

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


def init_ray(address: str | None, num_cpus: int | None = None) -> None:
    """Join `address` (or RAY_ADDRESS, as `ray job submit` sets it), else start an
    embedded local Ray with `num_cpus` (its files in `ray_temp_dir()`). No-op if Ray
    is already started."""
    import ray

    if ray.is_initialized():
        return
    address = address or os.environ.get("RAY_ADDRESS")
    if address:
        try:
            ray.init(address=address, log_to_driver=False)  # joining: never pass num_cpus
        except ConnectionError as e:
            # A client that does not ask for token auth only hears "failed to connect",
            # and Ray reads the mode at import, so it cannot be switched on here.
            hint = "" if os.environ.get("RAY_AUTH_MODE") else " " + AUTH_HINT
            raise ClusterError(f"could not join the Ray cluster at {address}.{hint}") from e
    else:
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                 _temp_dir=ray_temp_dir())


def quiet_ray_data() -> None:
    """Our own progress bar instead of Ray Data's per-operator bars; no ordering."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.execution_options.preserve_order = False


def progress(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="unit", desc=desc, disable=not enabled, dynamic_ncols=True,
                mininterval=0.5)


def cluster_workers(requested: int | None, units: int) -> int:
    """Actors to start: as requested, else one per CPU of the cluster; never more than units."""
    import ray

    workers = requested or max(1, int(ray.cluster_resources().get("CPU", 1)))
    return max(1, min(workers, units))


def map_units(units: list[str], key: str, actor_cls, cfg: dict, workers: int, desc: str,
              show_progress: bool, postfix=None):
    """Run `actor_cls` over `units` in a pool of `workers` actors (one CPU each) and
    yield the summary rows it returns, with a progress bar over the units.

    One unit per call, one call in flight per actor: units are large (a task and
    its solutions), so queueing more would only delay the others. Ray Data
    restarts a dead actor and retries its unit by default; the stages' shards
    make that safe.
    """
    import ray
    from ray.data import ActorPoolStrategy

    ds = ray.data.from_items([{key: u} for u in units], override_num_blocks=len(units))
    ds = ds.map_batches(actor_cls, fn_constructor_kwargs={"cfg": cfg}, batch_size=1,
                        compute=ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1),
                        num_cpus=1)
    bar = progress(len(units), desc, show_progress)
    done = set()
    for batch in ds.iter_batches(batch_size=None, batch_format="pandas"):
        for row in batch.to_dict("records"):
            yield row
            if row[key] not in done:
                done.add(row[key])
                bar.update(1)
        if postfix is not None:
            bar.set_postfix(**postfix())
    bar.close()
