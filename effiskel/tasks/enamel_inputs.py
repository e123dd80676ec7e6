"""ENAMEL's input generators, run in a child process with a fixed hash seed.

Some generators iterate over sets of strings (those of csv rows 7, 64 and
80), whose order follows the process's string-hash seed: run in two
processes, one row would get two different test sets. `effiskel.tasks.enamel`
therefore runs every generator here, as `python -S -P enamel_inputs.py` with
PYTHONHASHSEED=0 (the seed the sandbox server runs programs with, too).
This module uses the standard library only, so the child imports nothing of
effiskel and starts in a few tens of milliseconds.

Protocol: one JSON request on stdin, {"task_id", "code" (prompt + generator),
"cases": [[level, case, size, seed], ...]}; one pickled reply on stdout,
("ok", [[level, case, args], ...]) or ("error", message naming the case).
The generators are dataset code, trusted as ENAMEL's harness trusts them.
"""

from __future__ import annotations

import json
import pickle
import random
import string
import sys
import time


def generate(request: dict) -> tuple[str, object]:
    """Each case's argument tuple, as ENAMEL's harness makes it: the prompt and generator
    run in a fresh scope, `random` seeded with the case's seed, then generate_input."""
    out = []
    for level, case, size, seed in request["cases"]:
        scope = {"time": time, "random": random, "string": string, **HELPERS}
        try:
            exec(request["code"], scope)  # noqa: S102 - dataset code
            random.seed(seed)
            out.append([level, case, scope["generate_input"](size=size, lid=level, cid=case)])
        except Exception as e:  # noqa: BLE001 - any failure of dataset code is this task's
            return "error", (f"{request['task_id']}: generate_input(size={size}, lid={level}, "
                             f"cid={case}) raised {type(e).__name__}: {e}")
    return "ok", out


# ENAMEL's generator helpers (enam/datautils.py), written again here because
# generators call them by name. Each must draw from `random` in exactly the
# order the original does, or the seeded inputs would differ from ENAMEL's.


def rand_parens(size: int, valid: bool = True, par: str = "()", sep=""):
    """Random parenthesis groups of total length ~size (valid), or an invalid string."""
    if not valid:
        assert sep == ""
        half = (size + 1) // 2 - 1
        left = rand_parens(half, True, par)
        return left + par[1] + par[0] + rand_parens(half, True, par)
    size += size % 2
    groups: list[list[str]] = []
    depth = 0
    for i in range(size):
        # open when nothing is open; otherwise flip a coin while closing all is still possible
        if depth == 0 or (depth < size - i and random.randint(0, 1)):
            if depth == 0:
                groups.append([])
            groups[-1].append(par[0])
            depth += 1
        else:
            groups[-1].append(par[1])
            depth -= 1
    texts = ["".join(g) for g in groups]
    return texts if sep is None else sep.join(texts)


def miller_rabin(n: int, k: int = 5) -> bool:
    if n in (2, 3):
        return True
    if n == 1 or n % 2 == 0:
        return False
    r, d = 0, n - 1
    while d % 2 == 0:
        r, d = r + 1, d // 2
    for _ in range(k):
        x = pow(random.randint(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def rand_probably_prime(lb: int, ub: int | None = None) -> int:
    """A probable prime in [lb, ub], or in [lb // 2, lb] when ub is None."""
    if ub is None:
        lb = max(lb, 3)
        lb, ub = lb // 2, lb
    else:
        lb = max(lb, 0)
        ub = max(lb * 2, ub, 3)
    p = random.randint(lb, ub)
    while not miller_rabin(p):
        p = random.randint(lb, ub)
    return p


def rand_primality(size: int, lid: int, cid: int) -> int:
    size = max(size, 4)
    fixed = {0: 2 * 3 * 5 * 7 * 11 * 13 + 1, 1: 561, 2: 2, 3: 125}  # 59*509, Carmichael, 2, 5^3
    if lid == 0 and cid in fixed:
        return fixed[cid]
    m = int(size**0.5 + 1)
    if cid % 3 == 0:
        return rand_probably_prime(size)
    if cid % 3 == 1:
        return rand_probably_prime(m) ** 2
    p = rand_probably_prime(m)
    return p * rand_probably_prime(m)


HELPERS = {f.__name__: f for f in (rand_parens, miller_rabin, rand_probably_prime, rand_primality)}


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    reply = generate(request)
    try:
        data = pickle.dumps(reply)
    except Exception as e:  # noqa: BLE001 - e.g. a generator returning a lambda
        data = pickle.dumps(("error", f"{request['task_id']}: generate_input returned a value "
                                      f"that cannot be sent back ({type(e).__name__}: {e})"))
    sys.stdout.buffer.write(data)


if __name__ == "__main__":
    main()
