"""Reading samples from any model: generate's table, EvalPlus lines, ENAMEL's JSON; bad lines
become rows with a reason, never vanish."""

from __future__ import annotations

import json

import pytest

from data_pipeline.shards import write_shard
from effiskel import samples_io
from effiskel.evaluate import program_of
from effiskel.schema import INPUTS, SAMPLES, empty_row


def test_evalplus_lines_solution_completion_and_bad_lines(work_dir):
    path = work_dir / "s.jsonl"
    path.write_text("\n".join([
        json.dumps({"task_id": "HumanEval/0", "solution": "def f():\n    return 1\n"}),
        json.dumps({"task_id": "HumanEval/0", "completion": "    return 2\n"}),
        json.dumps({"task_id": "humanevalplus/3", "solution": "x = 1\n"}),
        "{not json",
        json.dumps({"solution": "x = 1\n"}),
        json.dumps({"task_id": "HumanEval/1", "solution": None}),
        "",
    ]) + "\n")
    rows = samples_io.read(samples_io.parse_spec(f"{path}:m"), "humanevalplus")
    assert all(set(r) == set(INPUTS.names) for r in rows)
    assert [(r["task_id"], r["sample_id"], r["status"]) for r in rows] == [
        ("humanevalplus/0", 0, "ok"), ("humanevalplus/0", 1, "ok"), ("humanevalplus/3", 0, "ok"),
        (None, None, "error"), (None, None, "error"), ("humanevalplus/1", 0, "no_program")]
    assert all(r["method"] == "m" and r["input"] == f"{path}:m" for r in rows)
    assert "line 4" in rows[3]["reason"] and "not JSON" in rows[3]["reason"]
    assert "line 5" in rows[4]["reason"] and "no task_id" in rows[4]["reason"]
    # a completion continues the task's prompt, as EvalPlus builds the program
    task = {"prompt": "def f():\n"}
    assert program_of(rows[1], task) == "def f():\n    return 2\n"
    assert program_of(rows[0], task) == "def f():\n    return 1\n"
    assert program_of(rows[5], task) is None


def test_enamel_list_and_dict_forms(work_dir):
    lists = work_dir / "l.json"
    lists.write_text(json.dumps([["a = 0\n"], ["b = 1\n", 7], "oops"]))
    rows = samples_io.read(samples_io.parse_spec(f"{lists}:ref"), "enamel")
    assert [(r["task_id"], r["sample_id"], r["status"], r["code"]) for r in rows] == [
        ("enamel/0", 0, "ok", "a = 0\n"), ("enamel/1", 0, "ok", "b = 1\n"),
        ("enamel/1", 1, "no_program", None), ("enamel/2", 0, "no_program", None)]
    assert "[1][1]" in rows[2]["reason"] and "list of programs" in rows[3]["reason"]
    keyed = work_dir / "d.json"
    keyed.write_text(json.dumps({"10": ["c = 2\n"], "2": ["d = 3\n"], "x": ["e\n"]}))
    rows = samples_io.read(samples_io.parse_spec(f"{keyed}:ref"), "enamel")
    assert [(r["task_id"], r["status"]) for r in rows] == [
        ("enamel/2", "ok"), ("enamel/10", "ok"), (None, "error")]
    assert "'x'" in rows[2]["reason"]


def test_generate_table_and_bad_specs(work_dir):
    row = {**empty_row(SAMPLES), "task_id": "mini/0000", "method": "instruct", "sample_id": 0,
           "code": "print(1)\n", "status": "ok"}
    write_shard([row], SAMPLES, work_dir / "gen" / "samples" / "a.parquet")
    rows = samples_io.read(samples_io.parse_spec(str(work_dir / "gen")), "mini")
    assert len(rows) == 1 and rows[0]["code"] == "print(1)\n" and rows[0]["input"] == str(
        work_dir / "gen")
    with pytest.raises(ValueError, match="no samples shards"):
        samples_io.read(samples_io.parse_spec(str(work_dir)), "mini")
    with pytest.raises(ValueError, match="FILE.jsonl:METHOD"):
        samples_io.parse_spec(str(work_dir / "missing.jsonl"))
    (work_dir / "x.txt").write_text("")
    with pytest.raises(ValueError, match="neither .jsonl"):
        samples_io.parse_spec(f"{work_dir / 'x.txt'}:m")


def test_task_ids_of_other_datasets():
    assert samples_io.task_id_for("HumanEval/12", "humanevalplus") == "humanevalplus/12"
    assert samples_io.task_id_for("Mbpp/2", "mbppplus") == "mbppplus/2"
    assert samples_io.task_id_for("enamel/3", "enamel") == "enamel/3"
    assert samples_io.task_id_for("two-sum", "mercury") == "mercury/two-sum"
