"""Runs untrusted programs: limits, isolation, verdicts, timing, a warm fork server.

See `Sandbox` (client.py) for the entry point, `isolation.py` for what keeps a
program in, `server.py` for how runs are forked and timed, `harness.py` for
the forked child's side, and `judge.py` for how outputs are judged (in the
client: the server never holds expected outputs).

Exports are resolved lazily: the fork server imports modules of this package,
and everything it imports is copied by every fork (fork time grows with the
server's memory), so it must not pull in the client and its dependencies.
"""

import importlib

_EXPORTS = {
    "Sandbox": "client", "SandboxError": "client", "Limits": "types", "TestCase": "types",
    "TestResult": "types", "RunResult": "types", "LineProfile": "types", "Verdict": "types",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"effiskel.sandbox.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'effiskel.sandbox' has no attribute {name!r}")
