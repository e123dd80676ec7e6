"""The Ray jobs of a cluster: `effiskel jobs list|status|logs|stop`.

    effiskel jobs list   --address http://HEAD:8265
    effiskel jobs status ID [--wait]     # --wait: until it ends; exit 0 SUCCEEDED, 1 FAILED/STOPPED
    effiskel jobs logs   ID [--follow]   # --follow: as they come, until it ends; exit as --wait
    effiskel jobs stop   ID [--wait]

The address and token authentication are as for `effiskel submit` (the module this one
shares its client with): --address, else RAY_API_SERVER_ADDRESS, else RAY_ADDRESS;
RAY_AUTH_MODE=token and the cluster's token for a cluster that requires one.
"""

from __future__ import annotations

import argparse
import sys
import time

from jobs.submit import SubmitError, cluster_errors, connect, follow, report, wait


def _when(ms: int | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ms / 1000)) if ms else "-"


def _short(text: str, width: int = 70) -> str:
    """An entrypoint on one line: a config sent inline is many lines long."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def list_jobs(client) -> int:
    jobs = sorted(client.list_jobs(), key=lambda j: j.start_time or 0)
    print(f"{'job':28} {'status':10} {'stage':8} {'started':19}  entrypoint")
    for j in jobs:
        stage = (j.metadata or {}).get("effiskel_stage", "-")
        print(f"{j.submission_id or j.job_id:28} {str(j.status):10} {stage:8} "
              f"{_when(j.start_time):19}  {_short(j.entrypoint)}")
    return 0


def main(argv: list[str] | None = None, prog: str = "python -m jobs.jobs") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--address", help="the head's job server, http://HEAD:8265")
    after = argparse.ArgumentParser(add_help=False)  # --address after ACTION works too
    after.add_argument("--address", dest="sub_address", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    sub.add_parser("list", help="every job of the cluster", parents=[after])
    for action, flag, text in (("status", "--wait", "wait until it ends; exit with its outcome"),
                               ("logs", "--follow", "print them as they come until it ends; "
                                                    "exit with its outcome"),
                               ("stop", "--wait", "wait until it has stopped")):
        p = sub.add_parser(action, help=f"a job's {action}" if action != "stop" else "stop a job",
                           parents=[after])
        p.add_argument("job_id", metavar="ID", help="the id `effiskel submit` printed")
        p.add_argument(flag, action="store_true", help=text)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    address = getattr(args, "sub_address", None) or args.address  # before or after ACTION
    try:
        client = connect(address)
        with cluster_errors(address or "the cluster"):
            if args.action == "list":
                return list_jobs(client)
            if args.action == "status":
                status = wait(client, args.job_id) if args.wait else str(
                    client.get_job_status(args.job_id))
                if args.wait:
                    return report(client, args.job_id, status)
                info = client.get_job_info(args.job_id)
                print(f"{status}" + (f": {info.message}" if info.message else ""))
                return 0
            if args.action == "logs":
                if args.follow:
                    return follow(client, args.job_id)
                print(client.get_job_logs(args.job_id), end="")
                return 0
            stopped = client.stop_job(args.job_id)
            print(f"stopping {args.job_id}" if stopped else
                  f"{args.job_id} was not running ({client.get_job_status(args.job_id)})")
            if args.wait:
                wait(client, args.job_id)
                print(f"{args.job_id} {client.get_job_status(args.job_id)}")
            return 0
    except SubmitError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
