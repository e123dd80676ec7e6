"""Runs untrusted programs: limits, isolation, verdicts, timing, a warm fork server.

See `Sandbox` (client.py) for the entry point, `isolation.py` for what keeps a
program in, and `server.py` for how one run works.
"""

from effiskel.sandbox.client import Sandbox, SandboxError
from effiskel.sandbox.types import Limits, LineProfile, RunResult, TestCase, TestResult, Verdict

__all__ = [
    "Sandbox", "SandboxError", "Limits", "TestCase", "TestResult", "RunResult", "LineProfile",
    "Verdict",
]
