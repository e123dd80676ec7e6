"""cluster/aws.yaml and cluster/gcp.yaml, checked offline the way `ray up` checks them
first: Ray's own prepare_config (the provider's defaults merged in) and validate_config
(Ray's JSON schema of cluster configs, then its cross-field rules). Nothing is launched:
the provider bootstrap that follows in `ray up` needs the cloud's credentials."""

from __future__ import annotations

import copy

import jsonschema
import pytest
import yaml
from ray.autoscaler._private.util import prepare_config, validate_config

from tests.cluster.conftest import pins
from tests.conftest import ROOT

CONFIGS = ["aws", "gcp"]


def _prepared(name: str) -> dict:
    config = yaml.safe_load((ROOT / "cluster" / f"{name}.yaml").read_text())
    prepared = prepare_config(copy.deepcopy(config))
    validate_config(prepared)
    return prepared


@pytest.mark.parametrize("name", CONFIGS)
def test_config_passes_rays_validation_with_cpu_head_cpu_and_gpu_workers(name):
    config = _prepared(name)
    types = config["available_node_types"]
    head = config["head_node_type"]
    # The head only coordinates: no timed sandbox run shares its machine with the GCS.
    assert types[head]["resources"] == {"CPU": 0}
    workers = {n: t for n, t in types.items() if n != head}
    gpu = [n for n, t in workers.items() if t["resources"].get("GPU", 0) > 0]
    cpu = [n for n, t in workers.items() if t["resources"].get("CPU", 0) > 0 and n not in gpu]
    assert gpu and cpu, types
    assert all(workers[n]["max_workers"] > 0 for n in gpu + cpu)
    assert config["max_workers"] >= sum(t["max_workers"] for t in workers.values())


@pytest.mark.parametrize("name", CONFIGS)
def test_nodes_install_the_project_with_its_pins_and_require_the_token(name):
    config = _prepared(name)
    want = pins()
    images = [config["docker"]["image"]] + [t["docker"]["worker_image"] for t in
                                            config["available_node_types"].values()
                                            if "docker" in t]
    assert all(i.startswith(f"rayproject/ray:{want['ray']}-py311-") for i in images), images
    gpu_types = [t for t in config["available_node_types"].values() if t["resources"].get("GPU")]
    assert all(t["docker"]["worker_image"].endswith("-gpu") for t in gpu_types)
    for commands in (config["head_setup_commands"], config["worker_setup_commands"]):
        setup = "\n".join(commands)
        assert f"torch=={want['torch']}" in setup and "pip install -e ~/effiskel" in setup
        assert setup.index("torch==") < setup.index("pip install -e")  # deepspeed builds on torch
    assert config["file_mounts"]["~/effiskel"] == "."  # `ray up` is run from the project root
    assert {".venv", "build", ".git"} <= set(config["rsync_exclude"])
    assert config["file_mounts"]["~/.ray/auth_token"] == "~/.ray/auth_token"
    # Data and outputs on one filesystem every node mounts, seen inside the containers.
    assert any("/mnt/effiskel" in c and "mount" in c for c in config["initialization_commands"])
    assert "--volume /mnt/effiskel:/mnt/effiskel" in config["docker"]["run_options"]
    for start in (config["head_start_ray_commands"], config["worker_start_ray_commands"]):
        assert "RAY_AUTH_MODE=token ray start" in start[-1]


def test_rays_validation_rejects_a_broken_config():
    """The check can fail: a misspelt key and a node type without its node_config."""
    config = yaml.safe_load((ROOT / "cluster" / "aws.yaml").read_text())
    typo = copy.deepcopy(config)
    typo["setup_comands"] = typo.pop("setup_commands")
    with pytest.raises(jsonschema.ValidationError, match="setup_comands"):
        validate_config(prepare_config(typo))
    missing = copy.deepcopy(config)
    del missing["available_node_types"]["gpu_worker"]["node_config"]
    with pytest.raises(jsonschema.ValidationError, match="node_config"):
        validate_config(prepare_config(missing))
