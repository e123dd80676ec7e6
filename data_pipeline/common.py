"""What every stage's driver shares: starting or joining Ray, and its progress bar."""

from __future__ import annotations


class ClusterError(ConnectionError):
    """The Ray cluster named by --address or RAY_ADDRESS cannot be joined."""


def init_ray(address: str | None, num_cpus: int | None = None) -> None:
    """Join `address` (or RAY_ADDRESS, as `ray job submit` sets it), else start an
    embedded local Ray with `num_cpus`. No-op if Ray is already started."""
    import os

    import ray

    if ray.is_initialized():
        return
    address = address or os.environ.get("RAY_ADDRESS")
    if address:
        try:
            ray.init(address=address, log_to_driver=False)  # joining: never pass num_cpus
        except ConnectionError as e:
            # `ray start --head` enables token authentication; a client that does
            # not ask for it only hears "failed to connect". Ray reads the mode at
            # import, so it cannot be switched on here: say what to do instead.
            hint = "" if os.environ.get("RAY_AUTH_MODE") else (
                " A cluster started with `ray start --head` uses token authentication: "
                "run with RAY_AUTH_MODE=token (the token comes from ~/.ray/auth_token "
                "or RAY_AUTH_TOKEN).")
            raise ClusterError(f"could not join the Ray cluster at {address}.{hint}") from e
    else:
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)


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
