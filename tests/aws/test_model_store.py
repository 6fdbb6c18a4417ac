"""aws-prod serves its chat model from the model bucket (`models[].cache: bucket-mount`, issue 30 items 1 and
2), over the whole recorded plan: the Mountpoint for S3 add-on, the hydration Job copying the pinned commit
into the tenant's prefix and writing its marker last, the read-only mount of that prefix with its node-local
cache, the replicas' wait for the marker, vLLM reading the mounted path, and no Hub token anywhere. Every
expected value is written out here (the cache: ceil(14.2 GiB x 1.10) = 16 GiB); aws-dev, whose model stays
on the node disk, gets none of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph, RecordedResource

REVISION = "a09a35458c702b33eeacc393d103063234e8bc28"
PREFIX = f"tenants/serving/models/qwen2-5-7b-instruct/{REVISION}/"
IMAGE = (
    "docker.io/vllm/vllm-openai:v0.11.0"
    "@sha256:014a95f21c9edf6abe0aea6b07353f96baa4ec291c427bb1176dc7c93a85845c"
)
PV = "kubernetes:core/v1:PersistentVolume"
PVC = "kubernetes:core/v1:PersistentVolumeClaim"
JOB = "kubernetes:batch/v1:Job"


@pytest.fixture(scope="module")
def prod(plan_stack: Any, platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, "aws-prod")


def _volume(graph: PlannedGraph, name: str) -> RecordedResource:
    found = [r for r in graph.of_type(PV) if r.get("metadata.name") == name]
    assert len(found) == 1, f"no PersistentVolume {name}"
    return found[0]


def _chat_pod(graph: PlannedGraph) -> dict[str, Any]:
    return graph.named("acme-ai-k8s-svc-chat-deployment").get("spec.template.spec")


def test_the_mountpoint_driver_is_installed_without_a_role(prod: PlannedGraph) -> None:
    (addon,) = [
        r for r in prod.of_type("aws:eks/addon:Addon") if r.get("addonName") == "aws-mountpoint-s3-csi-driver"
    ]
    assert addon.get("addonVersion") == "v2.7.0-eksbuild.1"
    # Every volume authenticates as its pod: the driver's own service account holds no S3 right.
    assert addon.get("serviceAccountRoleArn") is None


def test_replicas_mount_the_revision_prefix_read_only_with_a_sized_cache(prod: PlannedGraph) -> None:
    pv = _volume(prod, "lepton-model-serving-qwen2-5-7b-instruct")
    assert pv.get("spec.accessModes") == ["ReadOnlyMany"]
    assert pv.get("spec.csi.readOnly") is True
    assert pv.get("spec.csi.driver") == "s3.csi.aws.com"
    assert pv.get("spec.claimRef") == {"namespace": "serving", "name": "model-qwen2-5-7b-instruct"}
    assert pv.get("spec.mountOptions") == [
        f"prefix {PREFIX}",
        "region us-east-1",
        "uid=10001",
        "gid=10001",
        "allow-other",
    ]
    assert pv.get("spec.csi.volumeAttributes") == {
        "bucketName": "acme-ai-prod-models-123456789012",
        "authenticationSource": "pod",
        "stsRegion": "us-east-1",
        "cache": "emptyDir",
        "cacheEmptyDirSizeLimit": "16Gi",
    }
    claims = {r.get("metadata.name"): r.get("spec.accessModes") for r in prod.of_type(PVC)}
    assert claims["model-qwen2-5-7b-instruct"] == ["ReadOnlyMany"]


def test_the_job_writes_the_same_prefix_and_may_rewrite_but_not_delete(prod: PlannedGraph) -> None:
    pv = _volume(prod, "lepton-model-serving-qwen2-5-7b-instruct-hydrate")
    assert pv.get("spec.accessModes") == ["ReadWriteMany"]
    assert pv.get("spec.mountOptions")[:3] == [f"prefix {PREFIX}", "region us-east-1", "allow-overwrite"]
    assert "cache" not in pv.get("spec.csi.volumeAttributes")
    (policy,) = [
        r for r in prod.of_type("aws:iam/rolePolicy:RolePolicy") if "qwen2-5-7b-instruct-writer" in r.name
    ]
    statements = {s["Sid"]: s for s in json.loads(policy.get("policy"))["Statement"]}
    assert statements["ReadWritePrefix"]["Action"] == [
        "s3:GetObject",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
    ]
    assert statements["ReadWritePrefix"]["Resource"][0].endswith(
        ":::acme-ai-prod-models-123456789012/tenants/serving/models/*"
    )
    assert "s3:DeleteObject" not in policy.get("policy")


def test_the_hydration_job_copies_the_pinned_commit_and_writes_the_marker_last(prod: PlannedGraph) -> None:
    (job,) = prod.of_type(JOB)
    assert job.get("metadata.name") == "hydrate-qwen2-5-7b-instruct"
    assert job.get("metadata.namespace") == "serving"
    pod = job.get("spec.template")
    # Queued through the tenant's LocalQueue (aws-prod runs Kueue).
    assert pod["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == "jobs"
    spec = pod["spec"]
    assert spec["serviceAccountName"] == "model-hydrator"
    (container,) = spec["containers"]
    assert container["image"] == IMAGE
    assert container["command"][:2] == ["python3", "-c"]
    script = container["command"][2]
    assert (
        script.index("snapshot_download(")
        < script.index("shutil.copyfile(")
        < script.index("marker.write_text(")
    )
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["MODEL_SOURCE"] == "Qwen/Qwen2.5-7B-Instruct"
    assert env["MODEL_REVISION"] == REVISION
    assert env["READY_MARKER"] == ".lepton-hydrated"
    assert container["resources"]["limits"] == {"cpu": "2", "memory": "4Gi", "ephemeral-storage": "17Gi"}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["bucket"]["persistentVolumeClaim"] == {
        "claimName": "model-qwen2-5-7b-instruct-hydrate",
        "readOnly": False,
    }
    assert volumes["scratch"]["emptyDir"] == {"sizeLimit": "16Gi"}
    (account,) = [
        r
        for r in prod.of_type("kubernetes:core/v1:ServiceAccount")
        if r.get("metadata.name") == "model-hydrator"
    ]
    assert "eks.amazonaws.com/role-arn" in account.get("metadata.annotations")


def test_replicas_wait_for_the_marker_and_read_the_mounted_weights(prod: PlannedGraph) -> None:
    spec = _chat_pod(prod)
    (wait,) = spec["initContainers"]
    assert wait["command"][-1].startswith("until [ -f /weights/.lepton-hydrated ]")
    assert wait["volumeMounts"] == [{"name": "weights", "mountPath": "/weights", "readOnly": True}]
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["weights"]["persistentVolumeClaim"] == {
        "claimName": "model-qwen2-5-7b-instruct",
        "readOnly": True,
    }
    (server,) = spec["containers"]
    assert {"name": "weights", "mountPath": "/weights", "readOnly": True} in server["volumeMounts"]
    args = server["args"]
    assert args[args.index("--model") + 1] == "/weights"
    assert "--revision" not in args and "--download-dir" not in args
    assert {"name": "HF_HUB_OFFLINE", "value": "1"} in server["env"]


def test_no_hub_token_in_any_environment(prod: PlannedGraph) -> None:
    """The shipped model is ungated: nothing carries a Hub token, as a value or otherwise."""
    for r in [*prod.of_type(JOB), prod.named("acme-ai-k8s-svc-chat-deployment")]:
        text = json.dumps(r.inputs)
        assert "HF_TOKEN" not in text and "HUGGING_FACE_HUB_TOKEN" not in text, r.name


def test_a_model_on_the_node_disk_gets_none_of_it(plan_stack: Any, platform_dir: Path) -> None:
    dev = plan_stack(platform_dir, "aws-dev")
    assert [
        r for r in dev.of_type("aws:eks/addon:Addon") if r.get("addonName") == "aws-mountpoint-s3-csi-driver"
    ] == []
    assert [r for r in dev.of_type(PV) if "lepton-model-" in str(r.get("metadata.name"))] == []
    assert dev.of_type(JOB) == []
