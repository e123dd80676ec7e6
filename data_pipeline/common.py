"""What every stage's driver shares: starting or joining Ray, and its progress bar."""

from __future__ import annotations


def init_ray(address: str | None, num_cpus: int | None = None) -> None:
    """Join `address`, or start an embedded local Ray (no-op if already started)."""
    import ray

    if ray.is_initialized():
        return
    if address:
        ray.init(address=address, log_to_driver=False)  # joining: never pass num_cpus
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
