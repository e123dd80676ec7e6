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
