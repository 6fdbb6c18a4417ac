"""`lepton-infra nccl-test`: the all-reduce proof for aws-train's EFA pool. The Job takes each node's 8 GPUs
and 32 EFA devices, queues through the tenant's LocalQueue, runs one rank-set per node, and fails under the
expected bus bandwidth; a pool without the fabric is refused (exit 2)."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from lepton_infra.cli import app
from tests.conftest import PLATFORM_STACK_DIR

ARGS = ["nccl-test", str(PLATFORM_STACK_DIR), "--stack", "aws-train", "--image", "example.com/nccl:1"]


def test_efa_pool_job_requests_the_fabric_and_the_expected_busbw() -> None:
    result = CliRunner().invoke(app, [*ARGS, "--pool", "h100-efa"])
    assert result.exit_code == 0, result.output
    docs = list(yaml.safe_load_all(result.stdout))
    assert [d["kind"] for d in docs] == ["Service", "ConfigMap", "Job"]
    job = docs[2]
    assert job["metadata"]["namespace"] == "research"
    assert job["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == "jobs"
    assert (job["spec"]["completions"], job["spec"]["parallelism"]) == (2, 2)
    pod = job["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"lepton.ai/pool": "h100-efa"}
    (container,) = pod["containers"]
    assert container["resources"]["limits"] == {"nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32"}
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["EXPECTED_BUSBW_GBPS"] == "40.0"
    assert env["FI_PROVIDER"] == "efa" and env["NCCL_ALGO"] == "Ring"
    assert "--nproc-per-node=8" in container["command"]


def test_a_pool_without_fabric_is_refused() -> None:
    result = CliRunner().invoke(app, [*ARGS, "--pool", "system"])
    assert result.exit_code == 2
    assert "not a fabric pool" in result.output


def test_more_nodes_than_the_pool_scales_to_is_refused() -> None:
    result = CliRunner().invoke(app, [*ARGS, "--pool", "h100-efa", "--nodes", "3"])
    assert result.exit_code == 2
    assert "scales to 2 nodes" in result.output
