"""Run a stage on a Ray cluster as a Ray job: `effiskel submit STAGE --address http://HEAD:8265`.

    effiskel submit profile --address http://HEAD:8265 --config cluster/configs/profile-apps.yaml --follow
    effiskel submit profile --address http://HEAD:8265 --follow -- --source mini --out /mnt/out/mini

The project (this checkout, without .venv, build/, out/, data/, models/ and what
.gitignore lists) is uploaded as the job's working_dir, and the job runs
`python -m jobs.STAGE [--config ...] [FLAGS]` there, on the cluster, where the stage joins
the cluster by itself (Ray sets RAY_ADDRESS for a job). Flags the command does not know,
and everything after `--`, are the stage's; they and the config are checked here, by the
stage's own parser, before anything is uploaded. The config file's text travels inside the
entrypoint, so the job runs the config as it is now wherever the file lives (outside the
project, or in an ignored directory), and `effiskel jobs list` shows what ran.

Prints the job's id; with --follow it prints the job's logs as they come and exits with the
job's outcome (0 SUCCEEDED, 1 FAILED or STOPPED). `effiskel jobs list|status|logs|stop`
manage jobs afterwards.

Token authentication (Ray 2.60: a cluster started with RAY_AUTH_MODE=token, or where a
token existed): set RAY_AUTH_MODE=token and the cluster's token (RAY_AUTH_TOKEN,
RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token) here too; a refused request is one line that
says so. Ray's upload limit for a working_dir is its gRPC message size (512 MiB by
default, a warning from 256 MiB); the project itself is a few MB.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Never uploaded: environments, outputs, data and models (anchored at the project root,
# so a test fixture named data/ deep in the tree still travels), caches. Ray adds what
# .gitignore and .rayignore list; these hold even when a checkout has no .gitignore.
EXCLUDES = ["/.venv", "/venv", "/.git", "/build", "/out", "/demo_out", "/data", "/models",
            "__pycache__", "*.pyc", "*.egg-info", "/.pytest_cache", "/.ruff_cache",
            "/.hypothesis"]
# Modules of jobs/ that are not stages to run on a cluster.
NOT_STAGES = {"__init__", "common", "submit", "jobs", "run_tests", "demo"}
TERMINAL = {"SUCCEEDED": 0, "FAILED": 1, "STOPPED": 1}


class SubmitError(Exception):
    """Bad input or an unreachable or refusing cluster: one line, exit code 2."""


# ----------------------------------------------------------------------------- the client
@contextlib.contextmanager
def _only(address: str | None):
    """Ray's job client takes RAY_API_SERVER_ADDRESS or RAY_ADDRESS over the address it is
    given; an explicit --address must win, so both are hidden while the client is made."""
    if address is None:
        yield
        return
    saved = {k: os.environ.pop(k) for k in ("RAY_API_SERVER_ADDRESS", "RAY_ADDRESS")
             if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def connect(address: str | None):
    """A JobSubmissionClient for `address` (else RAY_API_SERVER_ADDRESS, else RAY_ADDRESS)."""
    if not (address or os.environ.get("RAY_API_SERVER_ADDRESS") or os.environ.get("RAY_ADDRESS")):
        raise SubmitError("which cluster? give --address http://HEAD:8265 (the head's "
                          "dashboard port) or set RAY_API_SERVER_ADDRESS")
    from ray.job_submission import JobSubmissionClient

    where = address or os.environ.get("RAY_API_SERVER_ADDRESS") or os.environ["RAY_ADDRESS"]
    with _only(address), cluster_errors(where):
        try:
            return JobSubmissionClient(address)
        except ConnectionError:
            raise SubmitError(
                f"cannot reach a Ray job server at {where}: is the head's dashboard running "
                "(`ray start --head --include-dashboard true`) and its port (8265 by default) "
                "reachable from here?") from None


@contextlib.contextmanager
def cluster_errors(address: str):
    """Ray's refusals and failed requests as one line naming the cluster."""
    from ray.exceptions import AuthenticationError

    try:
        yield
    except AuthenticationError as e:
        from data_pipeline.common import AUTH_HINT

        if os.environ.get("RAY_AUTH_MODE") == "token":
            why = ("no token was found here" if "required" in e.message.lower()
                   else "the token sent is not the cluster's")
        else:
            why = "it requires a token and RAY_AUTH_MODE=token is not set here"
        raise SubmitError(f"the Ray cluster at {address} refused the request: {why}. "
                          f"{AUTH_HINT}") from None
    except RuntimeError as e:  # the job server's answer to a bad request, e.g. an unknown id
        raise SubmitError(" ".join(str(e).split())) from None


def wait(client, job_id: str, poll_s: float = 1.0) -> str:
    """The job's final status, once it has one."""
    while (status := str(client.get_job_status(job_id))) not in TERMINAL:
        time.sleep(poll_s)
    return status


def follow(client, job_id: str) -> int:
    """Print the job's logs as they come until it ends; the job's outcome as an exit code.
    Ctrl-C stops following, not the job."""
    import asyncio

    async def tail():
        async for chunk in client.tail_job_logs(job_id):
            print(chunk, end="", flush=True)

    try:
        asyncio.run(tail())
        status = wait(client, job_id)
    except KeyboardInterrupt:
        print(f"\nstopped following; job {job_id} goes on (effiskel jobs stop {job_id})",
              file=sys.stderr)
        return 130
    return report(client, job_id, status)


def report(client, job_id: str, status: str) -> int:
    """One line of the job's outcome (stderr unless it succeeded); its exit code."""
    info = client.get_job_info(job_id)
    message = (info.message or "").strip().splitlines()[:1]  # a failure's message ends in its logs
    line = f"job {job_id} {status}" + (f": {message[0]}" if message else "")
    print(line, file=sys.stdout if status == "SUCCEEDED" else sys.stderr)
    return TERMINAL[status]


# ----------------------------------------------------------------------------- submit
def stages(working_dir: Path) -> list[str]:
    return sorted(p.stem for p in (working_dir / "jobs").glob("*.py") if p.stem not in NOT_STAGES)


def entrypoint(stage: str, config: Path | None, stage_args: list[str]) -> list[str]:
    """The job's command line, the config inline as one line of YAML (its settings, not its
    comments), which the stage's --config reads as it reads a file."""
    cmd = ["python", "-m", f"jobs.{stage}"]
    if config is not None:
        import yaml

        settings = yaml.safe_load(config.read_text())
        if not isinstance(settings, dict):
            raise SubmitError(f"config file {config} is not a YAML mapping of settings")
        cmd += ["--config", yaml.safe_dump(settings, default_flow_style=True, sort_keys=False,
                                           width=2**31).strip()]
    return cmd + stage_args


def check_locally(working_dir: Path, stage: str, config: Path | None,
                  stage_args: list[str]) -> None:
    """The stage's own parser on the config and flags (--print_config parses, prints and
    exits without running), so a misspelt key fails here, before the upload."""
    cmd = [sys.executable, "-m", f"jobs.{stage}",
           *(["--config", str(config)] if config else []), *stage_args, "--print_config"]
    res = subprocess.run(cmd, cwd=working_dir, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        lines = res.stderr.strip().splitlines() or [f"exit code {res.returncode}"]
        raise SubmitError(f"not submitted, the stage refuses its settings: {lines[-1]}")


def submit(args: argparse.Namespace, stage_args: list[str]) -> int:
    working_dir = Path(args.working_dir).resolve()
    if not (working_dir / "jobs").is_dir():
        raise SubmitError(f"{working_dir} is not an effiskel checkout (no jobs/); run from one "
                          "or give --working-dir")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.stage) or args.stage in NOT_STAGES \
            or not (working_dir / "jobs" / f"{args.stage}.py").is_file():
        raise SubmitError(f"no stage {args.stage!r} in {working_dir / 'jobs'}; the stages: "
                          f"{', '.join(stages(working_dir))}")
    config = Path(args.config).resolve() if args.config else None
    if config is not None and not config.is_file():
        raise SubmitError(f"config file {args.config} does not exist")
    if "--address" in stage_args or any(a.startswith("--address=") for a in stage_args):
        raise SubmitError("--address is where to submit, not a stage flag: the job joins "
                          "its cluster by itself")
    check_locally(working_dir, args.stage, config, stage_args)  # a bad YAML file included
    command = shlex.join(entrypoint(args.stage, config, stage_args))
    client = connect(args.address)
    # Ray logs each .gitignore it honours, warns that .git and .venv are excluded (they are
    # in EXCLUDES) and logs each websocket it closes; its upload line stays.
    for name in ("ray._private.runtime_env.packaging", "ray._private.runtime_env.working_dir",
                 "ray.dashboard.modules.job.sdk"):
        logging.getLogger(name).setLevel(logging.ERROR)
    where = args.address or "the cluster"
    runtime_env = {"working_dir": str(working_dir), "excludes": EXCLUDES + args.exclude}
    with cluster_errors(where):
        job_id = client.submit_job(
            entrypoint=command,
            runtime_env=runtime_env, submission_id=args.submission_id,
            metadata={"effiskel_stage": args.stage,
                      "effiskel_config": str(config) if config else ""})
        print(f"submitted {job_id}", flush=True)
        if not args.follow:
            print(f"follow it: effiskel jobs logs {job_id} --follow"
                  + (f" --address {args.address}" if args.address else ""))
            return 0
        return follow(client, job_id)


def parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, usage=f"{prog} STAGE [--address URL] [--config FILE] [--follow] "
                         "[STAGE FLAGS ...] [-- STAGE FLAGS ...]",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stage", metavar="STAGE", help="a stage of jobs/: profile, extract, train, ...")
    p.add_argument("--address", help="the head's job server, http://HEAD:8265 (default: "
                                     "RAY_API_SERVER_ADDRESS, then RAY_ADDRESS)")
    p.add_argument("--config", help="the stage's YAML config (a local file; its text travels "
                                    "with the job)")
    p.add_argument("--follow", action="store_true",
                   help="print the job's logs until it ends; exit with its outcome")
    p.add_argument("--working-dir", default=str(ROOT),
                   help="the project to upload (default: this checkout, %(default)s)")
    p.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                   help="more paths not to upload (gitignore syntax; repeatable)")
    p.add_argument("--submission-id", help="the job's id (default: Ray makes one)")
    return p


def main(argv: list[str] | None = None, prog: str = "python -m jobs.submit") -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    head, tail = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv \
        else (argv, [])
    args, unknown = parser(prog).parse_known_args(head)
    try:
        return submit(args, unknown + tail)
    except SubmitError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
