"""cluster/kuberay/: parsed, validated against KubeRay's own CRD schemas (vendored from
KubeRay v1.7.0, see kuberay_crd/README.md), checked for the rules KubeRay's controller
enforces, and each RayJob's entrypoint checked against the project: its module exists, its
config file exists, and the stage itself accepts the config."""

from __future__ import annotations

import copy
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.cluster.conftest import pins
from tests.conftest import ROOT

KUBERAY = ROOT / "cluster" / "kuberay"
SCHEMAS = {"RayCluster": "ray.io_rayclusters.v1.json", "RayJob": "ray.io_rayjobs.v1.json"}
# Every RayJob and the stage it runs: one per stage, and the whole experiment.
STAGES = ["profile", "extract", "pairs", "train", "generate", "evaluate", "compare",
          "experiment"]
ENTRYPOINTS = [(f"rayjob-{stage}.yaml", f"jobs.{stage}") for stage in STAGES]
MANIFESTS = ["raycluster.yaml", *(name for name, _ in ENTRYPOINTS)]
DNS1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
MAX_NAME = {"RayCluster": 53, "RayJob": 47}  # KubeRay's MaxRayClusterNameLength, - 6 for jobs


def _load(name: str) -> dict:
    return yaml.safe_load((KUBERAY / name).read_text())


def _strict(schema):
    """The CRD schema with unknown fields rejected, as `kubectl apply --validate=strict`
    does: the API server would otherwise drop a misspelt key without a word."""
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if ("properties" in schema and "additionalProperties" not in schema
                and not schema.get("x-kubernetes-preserve-unknown-fields")):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _errors(doc: dict) -> list[str]:
    schema = json.loads((Path(__file__).parent / "kuberay_crd" / SCHEMAS[doc["kind"]]).read_text())
    validator = jsonschema.Draft202012Validator(_strict(schema))
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(doc)]


def _cluster_spec(doc: dict) -> dict:
    return doc["spec"] if doc["kind"] == "RayCluster" else doc["spec"]["rayClusterSpec"]


def _version(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


def test_every_manifest_is_checked():
    assert sorted(p.name for p in KUBERAY.glob("*.yaml")) == sorted(MANIFESTS)


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_matches_kuberays_crd_schema(name):
    doc = _load(name)
    assert doc["apiVersion"] == "ray.io/v1" and doc["kind"] in SCHEMAS
    assert _errors(doc) == []


def test_the_schema_check_catches_a_misspelt_key_and_a_wrong_type():
    doc = _load("rayjob-profile.yaml")
    bad = copy.deepcopy(doc)
    bad["spec"]["shutdownAfterJobFinish"] = bad["spec"].pop("shutdownAfterJobFinishes")
    bad["spec"]["rayClusterSpec"]["workerGroupSpecs"][0]["replicas"] = "four"
    errors = _errors(bad)
    assert any("shutdownAfterJobFinish'" in e for e in errors), errors
    assert any(e.startswith("spec.rayClusterSpec.workerGroupSpecs.0.replicas") for e in errors)


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_keeps_kuberays_controller_rules(name):
    """What KubeRay v1.7.0 checks beyond the schema (controllers/ray/utils/validation.go)
    and what this project needs of every cluster."""
    doc = _load(name)
    assert DNS1035.fullmatch(doc["metadata"]["name"])
    assert len(doc["metadata"]["name"]) <= MAX_NAME[doc["kind"]]
    spec = _cluster_spec(doc)
    autoscaling = spec.get("enableInTreeAutoscaling", False)
    workers = spec.get("workerGroupSpecs", [])  # none: a job that needs only its driver
    groups = [spec["headGroupSpec"], *workers]
    for group in groups:
        assert group["template"]["spec"]["containers"], "each group needs a container"
        start = group.get("rayStartParams", {})
        assert not ({"num-cpus", "num-gpus", "memory", "resources"} & set(start)
                    and group.get("resources")), "resources in rayStartParams and resources"
        assert "labels" not in start
    for group in workers:
        if not autoscaling:
            assert "minReplicas" in group and "maxReplicas" in group
        assert 0 <= group["minReplicas"] <= group["maxReplicas"]
    if spec.get("authOptions", {}).get("mode") == "token":
        assert _version(spec["rayVersion"]) >= (2, 52, 0)  # KubeRay's minimum for token auth
        assert not spec["authOptions"].get("enableK8sTokenAuth") or doc["kind"] != "RayJob"
    # The project's Ray, and a head that only coordinates.
    assert spec["rayVersion"] == pins()["ray"]
    assert spec["headGroupSpec"]["rayStartParams"].get("num-cpus") == "0"
    containers = [c for g in groups for c in g["template"]["spec"]["containers"]]
    for c in containers:
        image = c["image"]
        assert image.startswith((f"rayproject/ray:{pins()['ray']}-py311-", "REGISTRY/effiskel:"))
    gpu = [g for g in workers if any(
        "nvidia.com/gpu" in c.get("resources", {}).get("limits", {})
        for c in g["template"]["spec"]["containers"])]
    for g in gpu:
        for c in g["template"]["spec"]["containers"]:
            assert c["resources"]["limits"]["nvidia.com/gpu"] > 0
            assert not c["image"].endswith("-cpu")
    if doc["kind"] == "RayCluster":  # the long-lived cluster: both kinds of work
        assert gpu and len(gpu) < len(workers)
    else:
        assert doc["spec"]["shutdownAfterJobFinishes"] is True


@pytest.mark.parametrize(("name", "module"), ENTRYPOINTS)
def test_rayjob_entrypoint_module_config_and_runtime_env(name, module):
    from ray.runtime_env import RuntimeEnv

    doc = _load(name)
    entry = shlex.split(doc["spec"]["entrypoint"])
    assert entry[:3] == ["python", "-m", module]
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file()
    config = entry[entry.index("--config") + 1]
    assert (ROOT / config).is_file(), f"{name} runs {module} with {config}, which is absent"
    # The stage itself reads the config (and any flags): it parses them and prints the
    # result without running, as it would on the cluster before starting its work.
    check = subprocess.run([sys.executable, "-m", module, *entry[3:], "--print_config"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    settings = yaml.safe_load(check.stdout)
    outputs = [settings[k] for k in ("out", "output_dir") if k in settings]
    assert outputs and all(o.startswith("/mnt/effiskel/") for o in outputs)  # shared storage
    # The runtime env: Ray's own parser accepts it (URI kinds, pip fields).
    env = yaml.safe_load(doc["spec"]["runtimeEnvYAML"])
    assert set(env) <= RuntimeEnv.known_fields
    RuntimeEnv(**env)
    assert env["working_dir"].endswith(".zip")
    assert any(p.startswith("effiskel @ ") for p in env["pip"]["packages"])


def test_dockerfile_builds_on_the_pinned_ray_and_torch():
    text = (KUBERAY / "Dockerfile").read_text()
    want = pins()
    assert f"ARG BASE=rayproject/ray:{want['ray']}-py311-gpu" in text
    assert text.count(f"torch=={want['torch']}") == 2
    assert "pip install --no-cache-dir -e /home/ray/effiskel" in text


def test_experiment_rayjob_has_the_workers_its_config_asks_for():
    """The experiment runs CPU stages and GPU stages in one job: a CPU group, and a GPU
    group with as many GPUs as training's workers and generation's model copies; every
    input it reads is on the shared volume."""
    doc = _load("rayjob-experiment.yaml")
    entry = shlex.split(doc["spec"]["entrypoint"])
    settings = yaml.safe_load(subprocess.run(
        [sys.executable, "-m", "jobs.experiment", *entry[3:], "--print_config"], cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=True).stdout)

    def gpus(group):
        return sum(c.get("resources", {}).get("limits", {}).get("nvidia.com/gpu", 0)
                   for c in group["template"]["spec"]["containers"]) * group["maxReplicas"]

    groups = doc["spec"]["rayClusterSpec"]["workerGroupSpecs"]
    assert [g for g in groups if gpus(g) == 0], "no CPU group for profile, extract, evaluate"
    total = sum(gpus(g) for g in groups)
    train, generate = settings["train"], settings["generate"]
    assert train["scaling"]["use_gpu"] and total >= train["scaling"]["num_workers"]
    assert generate["device"] == "cuda" and total >= generate["workers"]
    assert generate["backend"] == "hf"  # the job's runtime env installs no vLLM
    inputs = [settings["model"], settings["profile"]["data"],
              *(b["data"] for b in settings["benchmarks"])]
    assert all(p.startswith("/mnt/effiskel/") for p in inputs), inputs
