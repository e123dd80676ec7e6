"""Arrow schemas of every table effiskel writes, declared once.

Each stage reads the previous stage's table and writes its own as a directory
of Parquet shards (`OUT/<table>/`). Other stages, tests and users rely on the
columns named here; stages may add columns but never rename these.

Status columns: ``status`` is ``"ok"`` or an error kind (``"error"``,
``"skipped"``, ``"dropped"``); ``reason`` says why in words a user can act on.
Bad input never vanishes: it becomes a row with a status and a reason.
"""

from __future__ import annotations

import pyarrow as pa

# One test case. stdio mode: `input` is the text fed on stdin and `output`
# the expected stdout. call mode: `input` is a Python literal expression of the
# argument list (e.g. "[[1, 2], 3]") and `output` a Python literal expression
# of the expected return value; see effiskel.sandbox.values.
TEST = pa.struct([("input", pa.string()), ("output", pa.string())])

TASKS = pa.schema(
    [
        ("task_id", pa.string()),
        ("source", pa.string()),
        ("language", pa.string()),
        ("prompt", pa.string()),  # N: the task text given to the model
        ("mode", pa.string()),  # "stdio" | "call"
        ("entry_point", pa.string()),  # function name in call mode, else null
        ("tests", pa.list_(TEST)),
        ("checker", pa.string()),  # Python source defining check(input, expected, output) or null
        ("float_tolerance", pa.float64()),  # 0 = exact token match
        ("time_limit_s", pa.float64()),  # per-test CPU limit from the source, or null
        ("metadata", pa.string()),  # JSON object of source-specific extras
        ("status", pa.string()),
        ("reason", pa.string()),
    ]
)

SOLUTIONS = pa.schema(
    [
        ("task_id", pa.string()),
        ("solution_id", pa.string()),
        ("code", pa.string()),
        ("origin", pa.string()),  # where it came from: "apps", "canonical", "mini:linear", ...
        ("language", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
    ]
)

RUNS = pa.schema(
    [
        ("task_id", pa.string()),
        ("solution_id", pa.string()),
        ("verdict", pa.string()),  # AC | WA | TLE | MLE | RE | OLE | SE (or SKIP for unreadable input)
        ("tests_passed", pa.int32()),
        ("tests_total", pa.int32()),
        # The paper's T: mean over inputs of the mean over repeats (ns). Null unless AC.
        ("time_ns", pa.float64()),
        # The level the task's solutions are ranked by (effiskel/timing.py): the median over
        # interleaved rounds of the round's T, with the shared slowdown of each round taken out
        # (median polish of log times over the solutions timed together).
        ("median_ns", pa.float64()),
        # Distribution-free 95 % interval of median_ns (sign-test order statistics of the
        # corrected round times); (0, inf) below 6 rounds. Not an interval of T.
        ("ci_low_ns", pa.float64()),
        ("ci_high_ns", pa.float64()),
        ("repeats", pa.int32()),  # timed runs per input actually made (fewest over inputs)
        ("max_rss_kb", pa.int64()),
        ("test_times_ns", pa.list_(pa.float64())),  # per-input mean times
        ("detail", pa.string()),  # first failing test's detail, for humans
        ("code", pa.string()),  # the solution, so later stages need not join
        ("origin", pa.string()),
    ]
)

EFFICIENT = pa.schema(
    [
        ("task_id", pa.string()),
        ("solution_id", pa.string()),
        ("role", pa.string()),  # "top_k" | "slowest" | "incorrect"
        ("rank", pa.int32()),  # 1 = fastest among correct; null for incorrect
        ("code", pa.string()),
        ("time_ns", pa.float64()),
        ("verdict", pa.string()),
        ("prompt", pa.string()),
        ("source", pa.string()),
        ("mode", pa.string()),
        ("entry_point", pa.string()),
    ]
)

SKELETONS = pa.schema(
    [
        ("task_id", pa.string()),
        ("solution_id", pa.string()),  # the reference C_ref: each efficient solution in turn
        ("rank", pa.int32()),  # its place among the task's K efficient solutions, 1 = fastest
        ("strategy", pa.string()),  # "sms" | "sss" | "tas"
        ("prompt", pa.string()),  # N
        ("code", pa.string()),  # C
        ("skeleton", pa.string()),  # S, with <MASK> for each masked run on a line
        ("char_mask", pa.string()),  # one "0"/"1" per character of code; "1" = skeleton
        ("kept_fraction", pa.float64()),  # fraction of C's tokens kept in the skeleton
        ("num_masks", pa.int32()),  # number of <MASK> spans in S
        ("num_solutions", pa.int32()),  # K actually used
        ("status", pa.string()),
        ("reason", pa.string()),
    ]
)

PAIRS = pa.schema(
    [
        ("task_id", pa.string()),
        ("stage", pa.string()),  # "correctness" (CodeDPO* stage 1) | "efficiency" (stage 2, SkelDPO)
        ("prompt", pa.string()),  # N
        ("chosen_id", pa.string()),  # an efficient (top_k) solution
        ("chosen", pa.string()),
        ("chosen_rank", pa.int32()),
        ("chosen_time_ns", pa.float64()),
        ("rejected_id", pa.string()),  # an incorrect solution, or a correct slow one
        ("rejected", pa.string()),
        ("rejected_verdict", pa.string()),
        ("rejected_time_ns", pa.float64()),
        ("slowdown", pa.float64()),  # efficiency pairs: rejected time_ns / chosen time_ns
        # Efficiency pairs: the fast solution's efficiency skeleton (its Stage 2 row) and the
        # slow solution's inefficiency skeleton (skeleton/inefficiency.py), or null and why.
        ("chosen_skeleton", pa.string()),
        ("rejected_skeleton", pa.string()),
        ("rejected_char_mask", pa.string()),  # one "0"/"1" per character of rejected
        ("rejected_kept_fraction", pa.float64()),
        ("skeleton_status", pa.string()),
        ("skeleton_reason", pa.string()),
        ("status", pa.string()),  # "ok" (a pair) or "skipped" (the task has none of this stage)
        ("reason", pa.string()),
    ]
)

# One sampled completion of one task by one method (`effiskel generate`). A row exists for
# every (task, method, sample_id) asked for: a completion with no usable program is a row
# with status "no_program" (it counts as a failed sample), never a missing one.
SAMPLES = pa.schema(
    [
        ("task_id", pa.string()),
        ("method", pa.string()),  # a trained run's name, "instruct" or "llm4effi"
        ("sample_id", pa.int32()),  # 0 .. n-1 within (task, method)
        ("source", pa.string()),
        ("mode", pa.string()),  # the task's "stdio" | "call"
        ("entry_point", pa.string()),
        ("prompt", pa.string()),  # exactly the text the model continued (llm4effi: its 2nd pass)
        ("completion", pa.string()),  # the model's text, stop token excluded
        ("code", pa.string()),  # the program extracted from the completion; null unless ok
        ("finish_reason", pa.string()),  # "stop" (a stop token) | "length" (max_new_tokens)
        ("n_tokens", pa.int32()),  # tokens generated, the stop token included
        ("model", pa.string()),  # the base model's directory
        ("adapter", pa.string()),  # the PEFT adapter's directory, or null
        ("seed", pa.int64()),  # the sample's seed (the same for every method: paired samples)
        ("backend", pa.string()),  # "hf" | "vllm"
        ("plan", pa.string()),  # llm4effi: the first pass's text (algorithms, complexity)
        ("plan_tokens", pa.int32()),
        # "ok" | "no_program" (no usable program in the completion) | "error" (generation
        # failed, e.g. a prompt longer than the model's context) | "skipped" (unusable task)
        ("status", pa.string()),
        ("reason", pa.string()),  # why, for every status but a clean "ok"
    ]
)

# One sample of one task and method, evaluated (`effiskel evaluate`): its verdict on all the
# task's tests and, when correct, its time, measured interleaved with every other correct
# sample of the task (all methods) and the task's reference solution(s) on one worker, so
# the host's slow and fast phases fall on all of them alike. Every input sample is a row.
RESULTS = pa.schema(
    [
        ("task_id", pa.string()),  # null only for an input line that names no task
        ("method", pa.string()),
        ("sample_id", pa.int32()),
        ("source", pa.string()),
        # The sandbox's AC | WA | TLE | MLE | RE | OLE | SE on the task's tests, or NO_PROGRAM
        # (the completion held no program), GEN_ERROR (generation failed) or SKIP (not run:
        # see status). Correct iff AC.
        ("verdict", pa.string()),
        # "ok": judged (any verdict but SE); "skipped": the task could not be evaluated (not
        # in the source, unusable, no tests, its reference fails): no method's fault, compare
        # leaves it out; "error": the sandbox failed (SE) or the input line was unreadable.
        ("status", pa.string()),
        ("reason", pa.string()),  # why, for every row but a clean AC or a plain failure
        ("tests_passed", pa.int32()),  # before the first failing test (correctness stops there)
        ("tests_total", pa.int32()),
        ("time_limit_s", pa.float64()),  # the per-test CPU limit the sample ran under
        # The paper's T over the timed tests: mean over inputs of the mean over repeats (ns).
        # Null unless AC.
        ("time_ns", pa.float64()),
        # The robust level (timing.py): median over rounds, shared round effects taken out,
        # and its distribution-free 95 % interval ((0, inf) below 6 rounds).
        ("median_ns", pa.float64()),
        ("ci_low_ns", pa.float64()),
        ("ci_high_ns", pa.float64()),
        ("repeats", pa.int32()),  # timed runs per input
        ("timed_tests", pa.int32()),  # inputs timed (the task's largest, the same for all)
        ("max_rss_kb", pa.int64()),  # peak resident memory over its runs
        ("test_times_ns", pa.list_(pa.float64())),  # per timed input: mean over repeats
        # The task's reference solution, timed in the same interleaved run (same inputs,
        # repeats and CPU; its own sandbox server): T, peak memory, and every reference's T
        # (Mercury's Beyond@k spans the fastest and slowest of them).
        ("ref_solution_id", pa.string()),
        ("ref_time_ns", pa.float64()),
        ("ref_max_rss_kb", pa.int64()),
        ("ref_times_ns", pa.list_(pa.float64())),
        # ENAMEL's per-sample efficiency score e (metrics.enamel_sample_score) on ENAMEL tasks
        # evaluated on every level; null elsewhere (eff@k is then absent).
        ("eff_score", pa.float64()),
        ("code", pa.string()),  # the program evaluated
        ("input", pa.string()),  # where the sample came from: a samples dir or FILE:METHOD
    ]
)

# evaluate's inputs, one shard per task: every method's samples of it, read from the
# --samples given (generate's table, EvalPlus lines, ENAMEL's JSON: effiskel/samples_io.py)
# into generate's schema, with where each came from.
INPUTS = pa.schema(list(SAMPLES) + [pa.field("input", pa.string())])

ALL = {
    "tasks": TASKS,
    "solutions": SOLUTIONS,
    "runs": RUNS,
    "efficient": EFFICIENT,
    "skeletons": SKELETONS,
    "pairs": PAIRS,
    "samples": SAMPLES,
    # llm4effi's first passes under the vllm backend, kept so a rerun resumes between its
    # two passes: samples rows whose completion is the plan.
    "plans": SAMPLES,
    "results": RESULTS,
    "inputs": INPUTS,
}


def empty_row(schema: pa.Schema) -> dict:
    """A row of `schema` with every column null, to fill in."""
    return {name: None for name in schema.names}


def to_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Rows (dicts) to a table of exactly `schema`; missing columns are null.

    Raises ValueError naming the column when a value does not fit its type.
    """
    cols = {}
    for field in schema:
        values = [r.get(field.name) for r in rows]
        try:
            cols[field.name] = pa.array(values, type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise ValueError(f"column {field.name!r} ({field.type}): {e}") from e
    return pa.Table.from_pydict(cols, schema=schema)
