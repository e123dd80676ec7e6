"""Run one stdio program on several inputs inside one interpreter (dev tool).

    python _harness.py PROGRAM RESULTS.json IN_1 OUT_1 [IN_2 OUT_2 …]

For each input the program runs as `__main__` in fresh globals, with fd 0 and
fd 1 pointing at IN_k and OUT_k, so `input()`, `sys.stdin.buffer`, `open(0)`
and `print` all behave as in a real run. RESULTS.json gets one
`{"time_ns", "cpu_ns", "error"}` per input: the wall and CPU time from
compiling the program to its flushed output, which leaves out the
interpreter's start (as a warm sandbox does). Used by `_generate --fuzz`
(many inputs per process, fast) and by `benchmarks/mini_speed.py` (one input
per process, timed).

This file imports nothing from effiskel: it runs as a plain script.
"""

import json
import os
import subprocess
import sys
import tempfile
import time


def run_one(src: str, path: str, in_path: str, out_path: str) -> dict:
    fd = os.open(in_path, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.close(fd)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    error = None
    start, start_cpu = time.perf_counter_ns(), time.process_time_ns()
    try:
        exec(compile(src, path, "exec"), {"__name__": "__main__", "__file__": path})
    except SystemExit as e:
        if e.code not in (None, 0):
            error = f"SystemExit({e.code!r})"
    except BaseException as e:  # the program's failure is data here, not ours
        error = f"{type(e).__name__}: {e}"[:300]
    finally:
        try:
            sys.stdout.flush()
        except Exception as e:
            error = error or f"flush failed: {e}"
    elapsed, cpu = time.perf_counter_ns() - start, time.process_time_ns() - start_cpu
    sys.stdout.close()
    sys.stdin.close()
    return {"time_ns": elapsed, "cpu_ns": cpu, "error": error}


def run(code: str, inputs: list[str], work_dir: str, timeout: float = 120.0) -> list[dict]:
    """Run `code` on `inputs` in one fresh interpreter; every result also gets
    the program's `output`. `error` is set if the program raised or exited non-zero."""
    os.makedirs(work_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        program = os.path.join(tmp, "main.py")
        with open(program, "w") as f:
            f.write(code)
        args = []
        for k, inp in enumerate(inputs):
            in_path, out_path = os.path.join(tmp, f"{k}.in"), os.path.join(tmp, f"{k}.out")
            with open(in_path, "w") as f:
                f.write(inp)
            args += [in_path, out_path]
        results_path = os.path.join(tmp, "results.json")
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), program, results_path, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
        )
        if proc.returncode != 0 or not os.path.exists(results_path):
            raise RuntimeError(
                f"harness died (rc {proc.returncode}): {proc.stderr.decode()[-500:]}"
            )
        with open(results_path) as f:
            results = json.load(f)
        for k, r in enumerate(results):
            with open(os.path.join(tmp, f"{k}.out")) as f:
                r["output"] = f.read()
        return results


def main() -> None:
    path, results_path, *pairs = sys.argv[1:]
    # The interpreter's first compile() pays a one-off ~1 ms set-up; a warm
    # sandbox has paid it already, so pay it here, outside the timed region.
    compile("pass", "<warm-up>", "exec")
    with open(path) as f:
        src = f.read()
    results = [run_one(src, path, pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    with open(results_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
