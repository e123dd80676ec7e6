"""Task loaders on fixtures mirroring each published format, and on the real
data in ../shared/data (skipped when absent)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from effiskel import schema
from effiskel.sandbox import RunResult, Sandbox, Verdict
from effiskel.tasks import SOURCES, count_skipped, get_source, iter_source, readers
from effiskel.tasks.humaneval import convert_check
from effiskel.tasks.mini import task_dirs
from effiskel.tasks.reasons import reason_kind
from tests.conftest import shared_data

FIXTURES = Path(__file__).parent / "fixtures"


def load(name, path=None, **options):
    return list(iter_source(name, path, **options))


def by_id(pairs):
    return {t["task_id"]: (t, sols) for t, sols in pairs}


def assert_schema(pairs):
    """Every row fits its Arrow schema (what the pipeline writes)."""
    schema.to_table([t for t, _ in pairs], schema.TASKS)
    schema.to_table([s for _, sols in pairs for s in sols], schema.SOLUTIONS)


def run(code: str) -> dict:
    """The globals of a checker from the data under test, to call its check() directly."""
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - trusted fixture and benchmark code
    return namespace


def judge(sb: Sandbox, code: str, task: dict) -> RunResult:
    """`code` judged by the sandbox on every test of `task`, as the task row asks."""
    return sb.run(
        code,
        task["tests"],
        mode=task["mode"],
        entry_point=task["entry_point"],
        checker=task["checker"],
        float_tolerance=task["float_tolerance"],
        output_rule=json.loads(task["metadata"]).get("expected_output_rule"),
        stop_on_failure=False,
    )


# ---------------------------------------------------------------- registry


def test_registry_names_every_source_and_rejects_unknown_names():
    assert set(SOURCES) == {
        "mini",
        "apps",
        "codenet",
        "humaneval",
        "humanevalplus",
        "mbppplus",
        "enamel",
        "effibench",
        "mercury",
    }
    with pytest.raises(ValueError, match="mini, apps, codenet"):
        get_source("leetcode")


# ---------------------------------------------------------------- APPS


def test_apps_directory_layout():
    pairs = by_id(load("apps", FIXTURES / "apps"))
    assert_schema(pairs.values())
    task, sols = pairs["apps/train/0000"]
    assert (task["mode"], task["status"]) == ("stdio", "ok")
    # a list of lines as input/output is joined to text
    assert task["tests"] == [
        {"input": "3\n1 2 3\n", "output": "6\n"},
        {"input": "2\n5 5\n", "output": "10"},
    ]
    assert [s["solution_id"] for s in sols] == [
        "apps/train/0000/s0",
        "apps/train/0000/s1",
        "apps/train/0000/s2",
    ]
    assert json.loads(task["metadata"])["difficulty"] == "introductory"


def test_apps_fn_name_makes_a_call_mode_task_judged_by_apps_rules(sb):
    task, (sol,) = by_id(load("apps", FIXTURES / "apps"))["apps/train/0001"]
    assert (task["mode"], task["entry_point"]) == ("call", "Solution.twoSum")
    assert task["tests"][0] == {"input": "[[2, 7, 11, 15], 9]", "output": "[[0, 1]]"}
    # expected values are wrapped in a list; the checker unwraps them
    assert judge(sb, sol["code"], task).verdict == Verdict.AC
    unchecked = judge(sb, sol["code"], {**task, "checker": None})
    assert {t.verdict for t in unchecked.tests} == {Verdict.WA}
    scope = run(task["checker"])
    assert not scope["check"]([[2, 7], 9], [[0, 1]], [1, 0])


def test_apps_unreadable_problems_become_rows_that_name_the_file():
    pairs = by_id(load("apps", FIXTURES / "apps"))
    expect = {
        "apps/train/0002": ("bad-json", "0002/input_output.json"),
        "apps/train/0003": ("not-utf8", "0003/question.txt"),
        "apps/train/0004": ("no-tests", "0004/input_output.json"),
    }
    for task_id, (kind, file) in expect.items():
        task, sols = pairs[task_id]
        assert task["status"] == "error" and reason_kind(task["reason"]) == kind
        assert file in task["reason"]
        assert sols, "the solutions of a task that failed to load are still rows"
    (bad,) = pairs["apps/train/0004"][1]
    assert bad["status"] == "error" and "0004/solutions.json" in bad["reason"]
    statuses = Counter((t["status"], reason_kind(t["reason"])) for t, _ in pairs.values())
    assert statuses == Counter(
        {
            ("ok", ""): 2,
            ("error", "bad-json"): 1,
            ("error", "not-utf8"): 1,
            ("error", "no-tests"): 1,
        }
    )


def test_apps_problem_folders_without_known_files_are_rows_not_splits(work_dir):
    """An empty folder, or one whose only file is misspelt, is a broken task with a
    reason; it is not taken for a split directory and dropped."""
    import shutil

    root = work_dir / "apps"
    shutil.copytree(FIXTURES / "apps" / "train" / "0000", root / "0000")
    (root / "0001").mkdir()
    (root / "0002").mkdir()
    (root / "0002" / "Question.txt").write_text("Add two numbers.")
    (root / "0003").mkdir()
    (root / "0003" / "notes.md").write_text("not a problem file")
    units = get_source("apps").units(root)
    assert units == ["0000", "0001", "0002", "0003"]
    pairs = by_id(load("apps", root))
    assert pairs["apps/0000"][0]["status"] == "ok"
    for task_id in ("apps/0001", "apps/0002", "apps/0003"):
        task, sols = pairs[task_id]
        assert task["status"] == "error" and sols == []
        assert reason_kind(task["reason"]) == "missing-file"
        assert "question.txt" in task["reason"]
    assert "found Question.txt" in pairs["apps/0002"][0]["reason"]
    assert_schema(pairs.values())


def test_apps_hugging_face_rows_give_the_same_tasks_as_the_directories():
    rows = by_id(load("apps", FIXTURES / "apps_rows" / "train.jsonl"))
    dirs = by_id(load("apps", FIXTURES / "apps"))
    for task_id in ("apps/train/0000", "apps/train/0001"):
        (rt, rs), (dt, ds) = rows[task_id], dirs[task_id]
        assert (rt["tests"], rt["mode"], rt["entry_point"]) == (
            dt["tests"],
            dt["mode"],
            dt["entry_point"],
        )
        assert [s["code"] for s in rs] == [s["code"] for s in ds]
    kinds = {reason_kind(t["reason"]) for t, _ in rows.values() if t["status"] != "ok"}
    assert kinds == {"bad-json"}  # the truncated line and the bad input_output column
    assert "apps/train/0002" in rows


def test_jsonl_byte_ranges_load_every_line_exactly_once(monkeypatch):
    path = FIXTURES / "apps_rows" / "train.jsonl"
    whole = [t["task_id"] for t, _ in load("apps", path)]
    for chunk in (1, 7, 64, 500):
        monkeypatch.setattr(readers, "JSONL_CHUNK_BYTES", chunk)
        units = get_source("apps").units(path)
        assert len(units) == -(-path.stat().st_size // chunk)
        assert [
            t["task_id"] for u in units for t, _ in get_source("apps").load_unit(path, u)
        ] == whole


def test_parquet_rows_split_by_row_group(work_dir):
    records = [
        json.loads(line)
        for line in (FIXTURES / "mercury" / "mercury.jsonl").read_text().splitlines()
    ]
    path = work_dir / "train-00000-of-00001.parquet"
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=1)
    units = get_source("mercury").units(path)
    assert units == [f"rowgroup:{i}" for i in range(len(records))]
    from_parquet = load("mercury", path)
    from_jsonl = load("mercury", FIXTURES / "mercury" / "mercury.jsonl")
    assert [(t["task_id"], t["status"], t["tests"]) for t, _ in from_parquet] == [
        (t["task_id"], t["status"], t["tests"]) for t, _ in from_jsonl
    ]


def test_compressed_rows_load_the_same_every_time_and_follow_file_changes(work_dir, monkeypatch):
    records = [
        json.loads(line)
        for line in (FIXTURES / "mercury" / "mercury.jsonl").read_text().splitlines()
    ]
    # a convert_offline that changes the record's own test lists in place
    records[0]["test_cases"] = json.loads(records[0]["test_cases"])
    records[0]["convert_offline"] = (
        "def convert_offline(case):\n    case[0].append(0)\n    return case\n"
    )
    path = work_dir / "mercury.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    monkeypatch.setattr(readers, "ROWS_PER_UNIT", 3)  # two units share the cached bytes
    first = [(t["task_id"], t["status"], t["tests"]) for t, _ in load("mercury", path)]
    assert len(first) == len(records)
    assert [(t["task_id"], t["status"], t["tests"]) for t, _ in load("mercury", path)] == first
    path.write_bytes(gzip.compress(json.dumps(records[1]).encode()))
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))  # a new version, whatever the clock
    assert [t["task_id"] for t, _ in load("mercury", path)] == [first[1][0]]


def test_mini_suite_loads_with_labelled_origins():
    pairs = load("mini")
    assert len(pairs) == len(task_dirs())
    assert_schema(pairs)
    assert all(t["status"] == "ok" and t["mode"] == "stdio" and t["tests"] for t, _ in pairs)
    for task, sols in pairs:
        labels = [s["label"] for s in json.loads(task["metadata"])["solutions"]]
        assert [s["origin"] for s in sols] == [f"mini:{label}" for label in labels]


# ---------------------------------------------------------------- CodeNet


def test_codenet_loads_python3_and_counts_the_rest():
    pairs = by_id(load("codenet", FIXTURES / "codenet"))
    assert_schema(pairs.values())
    task, sols = pairs["codenet/p00001"]
    assert task["status"] == "ok" and task["tests"] == [{"input": "3 4\n", "output": "7\n"}]
    assert task["time_limit_s"] == 2.0
    assert "A + B & nothing else." in task["prompt"] and "<" not in task["prompt"]
    assert "var x" not in task["prompt"]
    assert {s["solution_id"]: s["origin"] for s in sols} == {
        "codenet/p00001/s000000001": "codenet:Accepted",
        "codenet/p00001/s000000002": "codenet:Wrong Answer",
        "codenet/p00001/s000000007": "codenet:Accepted",
    }
    missing = next(s for s in sols if s["solution_id"].endswith("s000000007"))
    assert missing["status"] == "error" and "s000000007.py" in missing["reason"]
    assert count_skipped(t for t, _ in pairs.values()) == Counter(
        {
            "unsupported-language: C++": 2,
            "unsupported-language: Java": 1,
            "unsupported-language: Python 2 (Python (2.7.6))": 1,
        }
    )
    no_io, _ = pairs["codenet/p00002"]
    assert (
        reason_kind(no_io["reason"]) == "no-tests" and "p00002/input.txt" in no_io["reason"]
    )


# ---------------------------------------------------------------- HumanEval


def test_humaneval_check_conversion_shapes():
    code = (
        "def check(candidate):\n"
        "    assert candidate([1, 2], 3 * 2) == (1, 6)\n"
        "    assert 5 == candidate('a')\n"
        "    assert candidate(0) is None\n"
        "    assert not candidate(1)\n"
        "    assert abs(candidate(2.0) - 2.0/3) < 1e-6\n"
        "    assert tuple(candidate([3])) == tuple([3])\n"
        "    assert candidate(x) == 1\n"  # a variable: not converted
        "    assert True\n"  # a placeholder: not counted
        "    for i in range(3):\n        assert candidate(i) == i\n"
    )
    tests, tolerance, counts = convert_check(code)
    assert [(t["input"], t["output"]) for t in tests] == [
        ("[[1, 2], 6]", "(1, 6)"),
        ("['a']", "5"),
        ("[0]", "None"),
        ("[1]", "False"),
        ("[2.0]", "0.6666666666666666"),
        ("[[3]]", "[3]"),
    ]
    assert tolerance == 1e-6 and counts == {"asserts": 8, "asserts_converted": 6}


def test_humaneval_real_data_converts_most_asserts_and_they_pass_the_canonical(sb):
    pairs = load("humaneval", shared_data("humaneval", "data", "HumanEval.jsonl.gz"))
    assert_schema(pairs)
    assert len(pairs) == 164
    metas = [json.loads(t["metadata"]) for t, _ in pairs]
    converted = sum(m["asserts_converted"] for m in metas) / sum(m["asserts"] for m in metas)
    assert converted > 0.98
    assert all("def check(candidate)" in m["check_code"] for m in metas)
    failing = {}
    for task, (sol,) in pairs:
        if task["status"] == "ok":
            result = judge(sb, sol["code"], task)
            if result.verdict != Verdict.AC:
                failing[task["task_id"]] = result.detail
    assert failing == {}
    assert {t["task_id"] for t, _ in pairs if t["status"] != "ok"} == {
        "humaneval/32",
        "humaneval/38",
        "humaneval/50",
    }  # checks built on random inputs only


# ---------------------------------------------------------------- EvalPlus


def test_humanevalplus_tests_wait_for_the_reference_outputs():
    pairs = by_id(
        load(
            "humanevalplus",
            shared_data("evalplus", "humanevalplus_release", "HumanEvalPlus.jsonl.gz"),
        )
    )
    assert_schema(pairs.values())
    assert len(pairs) == 164 and all(t["status"] == "ok" for t, _ in pairs.values())
    task, (sol,) = pairs["humanevalplus/0"]
    meta = json.loads(task["metadata"])
    assert meta["reference_solution_id"] == sol["solution_id"] == "humanevalplus/0/canonical"
    assert len(task["tests"]) > meta["num_base_inputs"] > 0
    assert all(t["output"] is None for t in task["tests"])
    assert pairs["humanevalplus/2"][0]["float_tolerance"] == 1e-6  # atol
    # find_zero's special oracle: |poly(xs, x)| <= atol
    zero, _ = pairs["humanevalplus/32"]
    scope = run(zero["checker"])
    assert scope["check"]([[-6, 11, -6, 1]], None, 1.0) and not scope["check"](
        [[-6, 11, -6, 1]], None, 1.5
    )


def test_mbppplus_rebuilds_tuples_and_special_oracles(sb):
    pairs = by_id(
        load("mbppplus", shared_data("evalplus", "mbppplus_release", "MbppPlus.jsonl.gz"))
    )
    assert_schema(pairs.values())
    assert len(pairs) == 378 and all(t["status"] == "ok" for t, _ in pairs.values())
    task, (sol,) = pairs["mbppplus/2"]  # similar_elements takes tuples; JSON stored lists
    assert task["tests"][0]["input"] == "[(3, 4, 5, 6), (5, 7, 4, 10)]"
    scope = run(task["checker"])
    assert scope["check"](None, (4, 5), (5, 4))  # compared as sets
    first = {"input": task["tests"][0]["input"], "output": "(5, 4)"}
    assert judge(sb, sol["code"], {**task, "tests": [first]}).verdict == Verdict.AC
    # MBPP+ writes an absent plus_input as {}: base inputs only
    meta = json.loads(pairs["mbppplus/793"][0]["metadata"])
    assert len(pairs["mbppplus/793"][0]["tests"]) == meta["num_base_inputs"]
    not_none = [t for t, _ in pairs.values() if "is_not_none" in t["metadata"]]
    assert {t["entry_point"] for t in not_none} <= {
        "check_str",
        "text_match_three",
        "text_starta_endb",
    }


# ---------------------------------------------------------------- ENAMEL

ENAMEL = ("enamel",)


def test_enamel_task_set_and_solutions():
    root = shared_data(*ENAMEL)
    pairs = by_id(load("enamel", root, levels=[0]))  # the smallest level keeps this fast
    assert_schema(pairs.values())
    statuses = Counter((t["status"], reason_kind(t["reason"])) for t, _ in pairs.values())
    assert statuses == Counter({("ok", ""): 142, ("skipped", "excluded"): 22})
    assert pairs["enamel/2"][0]["status"] == "skipped"  # truncate_number is not in ENAMEL's set
    task, sols = pairs["enamel/0"]
    assert [s["solution_id"] for s in sols] == [
        "enamel/0/reference",
        "enamel/0/humaneval",
        "enamel/0/humanevalplus",
    ]
    assert all(s["status"] == "ok" and "def has_close_elements" in s["code"] for s in sols)
    references = json.loads((root / "samples" / "enamel-references.json").read_text())
    assert sols[0]["code"] == references[0][0]
    assert json.loads(task["metadata"])["reference_solution_id"] == "enamel/0/reference"
    assert len(task["tests"]) == 8 and all(t["output"] is None for t in task["tests"])


# sha256 of the joined input literals at the largest level; identical to what
# ENAMEL's own harness (enam 0.2.0, Evaluator.make_tests) generates for these rows.
ENAMEL_LARGEST = {"0": "658602ce8fbd8480", "1": "27dca2512dd182dd", "31": "1e030ed54f066139"}


@pytest.mark.parametrize("row", sorted(ENAMEL_LARGEST))
def test_enamel_largest_level_tests_match_enamels_seeding(row):
    root = shared_data(*ENAMEL)
    ((task, _),) = get_source("enamel").load_unit(root, row)
    meta = json.loads(task["metadata"])
    assert meta["levels"] == [3] and meta["test_levels"] == [3, 3, 3, 3]
    digest = hashlib.sha256("".join(t["input"] for t in task["tests"]).encode()).hexdigest()
    assert digest[:16] == ENAMEL_LARGEST[row]


def test_enamel_checker_is_enamels_with_the_prompt_in_scope():
    root = shared_data(*ENAMEL)
    ((task, _),) = get_source("enamel").load_unit(root, "32", levels=[0])  # find_zero calls poly()
    scope = run(task["checker"])
    xs = [-6, 11, -6, 1]  # roots 1, 2, 3
    assert scope["check"]([xs], None, 2.0) and not scope["check"]([xs], None, 2.5)
    assert not scope["check"]([xs], None, "2.0")  # ENAMEL checks the type too


def test_enamel_generator_failure_is_an_error_row(work_dir):
    import csv

    root = shared_data(*ENAMEL)
    with open(root / "dataset" / "enamel.csv", newline="") as f:
        csv.field_size_limit(1 << 30)
        rows = list(csv.DictReader(f))[:2]
    rows[1]["input_generator"] = (
        "def generate_input(size, lid, cid):\n    raise RuntimeError('boom')\n"
    )
    (work_dir / "dataset").mkdir()
    with open(work_dir / "dataset" / "enamel.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    pairs = load("enamel", work_dir, levels=[0])
    assert pairs[0][0]["status"] == "ok"
    task, sols = pairs[1]
    assert task["status"] == "error" and reason_kind(task["reason"]) == "generator-failed"
    assert "HumanEval/1" in task["reason"] and "boom" in task["reason"]
    # no samples/ next to this csv: the canonical solutions are error rows naming the file
    assert [s["status"] for s in sols] == ["ok", "error", "error"]
    assert "humaneval-canonical.json" in sols[1]["reason"]


# ---------------------------------------------------------------- EffiBench, Mercury


def test_effibench_rows(sb):
    pairs = by_id(load("effibench", FIXTURES / "effibench" / "dataset.json"))
    assert_schema(pairs.values())
    task, (sol,) = pairs["effibench/1"]
    assert (task["mode"], task["entry_point"]) == ("call", "Solution.twoSum")
    assert "```" not in sol["code"] and sol["code"].startswith(
        json.loads(task["metadata"])["prelude"]
    )
    meta = json.loads(task["metadata"])
    assert (meta["asserts"], meta["asserts_converted"]) == (
        5,
        4,
    )  # list(range(10)) is not a literal
    assert task["tests"][3] == {"input": "[[1, 5, 9, 4, 6], 13]", "output": "[2, 3]"}
    assert judge(sb, sol["code"], task).verdict == Verdict.AC
    assert "assert solution.twoSum([2, 7, 11, 15], 9)" in task["prompt"]  # names the method
    linked, _ = pairs["effibench/2"]
    assert reason_kind(linked["reason"]) == "no-tests"
    broken, sols = pairs["effibench/row2"]
    assert reason_kind(broken["reason"]) == "bad-row" and sols == []


def test_mercury_rows(sb):
    pairs = by_id(load("mercury", FIXTURES / "mercury" / "mercury.jsonl"))
    assert_schema(pairs.values())
    task, sols = pairs["mercury/two-sum"]
    assert [s["origin"] for s in sols] == ["mercury:52ms", "mercury:1840ms"]
    assert [judge(sb, s["code"], task).verdict for s in sols] == [Verdict.AC] * len(sols)
    # rotate-array returns None and is judged on its argument as the call left it (in place)
    rotate, sols = pairs["mercury/rotate-array"]
    assert all(t["output"] != "None" for t in rotate["tests"])
    assert [judge(sb, s["code"], rotate).verdict for s in sols] == [Verdict.AC] * len(sols)
    tree, tree_sols = pairs["mercury/maximum-depth-of-binary-tree"]
    assert (tree["status"], reason_kind(tree["reason"])) == (
        "skipped",
        "unsupported",
    ) and tree_sols
    bad, _ = pairs["mercury/reverse-integer"]
    assert (bad["status"], reason_kind(bad["reason"])) == ("error", "bad-json")
