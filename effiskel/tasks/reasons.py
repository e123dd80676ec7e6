"""Reason kinds: why a task or solution row cannot be used, or was skipped.

A row's `reason` reads ``"<kind>: <what, naming the file> — <what to do>"``;
the stage summaries count rows by kind (`reason_kind`).
"""

from __future__ import annotations

MISSING_FILE = "missing-file"  # a file the layout requires is absent
BAD_JSON = "bad-json"  # a JSON file / line / field does not parse
NOT_UTF8 = "not-utf8"  # a text file is not UTF-8
BAD_ROW = "bad-row"  # a record lacks a field or has one of the wrong type
NO_TESTS = "no-tests"  # the task has no usable test
BAD_TESTS = "bad-tests"  # tests exist but are malformed (lengths, values we cannot encode)
GENERATOR_FAILED = "generator-failed"  # a dataset's own input generator raised
UNSUPPORTED_LANGUAGE = "unsupported-language"  # skipped: not Python 3
UNSUPPORTED = "unsupported"  # skipped: needs machinery call mode lacks
EXCLUDED = "excluded"  # skipped: the benchmark itself leaves the task out


def reason(kind: str, detail: str) -> str:
    return f"{kind}: {detail}"


def reason_kind(text: str | None) -> str:
    """The kind of a `reason` ("" for none): what the pipeline's summary counts by."""
    return text.split(":", 1)[0] if text else ""
