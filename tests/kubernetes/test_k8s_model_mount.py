"""The Mountpoint for S3 model mount (kubernetes/serving/model_mount.py): the PV and claim a revision of a
tenant's model is read through, checked against the Kubernetes schema and pinned literally against the
driver's documented fields (awslabs/mountpoint-s3-csi-driver v2.7.0, read 2026-12-08)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lepton_infra.kubernetes.serving.model_mount import ModelMount, model_prefix
from tests.kubernetes.manifests import validate_strict

REVISION = "a09a35458c702241f1ed50f4e8b3b6d35a2a8a5c"


@pytest.fixture
def mount() -> ModelMount:
    return ModelMount(
        tenant="team-a",
        namespace="tenant-team-a",
        model="chat",
        revision=REVISION,
        bucket="acme-prod-models",
        region="us-east-1",
        driver="s3.csi.aws.com",
        cache_gib=17,
    )


def test_prefix_is_inside_the_tenants_own_prefix() -> None:
    assert model_prefix("team-a", "chat", REVISION) == f"tenants/team-a/models/chat/{REVISION}/"


def test_manifests_are_valid_kubernetes_objects(mount: ModelMount) -> None:
    for m in (mount, replace(mount, writable=True)):
        for doc in (m.persistent_volume(), m.persistent_volume_claim()):
            validate_strict(doc, "1.33")


def test_the_writable_volume_has_no_cache_and_may_rewrite_a_file(mount: ModelMount) -> None:
    pv = replace(mount, writable=True).persistent_volume()["spec"]
    assert pv["accessModes"] == ["ReadWriteMany"]
    assert "readOnly" not in pv["csi"]
    assert pv["csi"]["volumeHandle"] == "lepton-model-team-a-chat-hydrate"
    assert pv["claimRef"] == {"namespace": "tenant-team-a", "name": "model-chat-hydrate"}
    assert pv["mountOptions"] == [
        f"prefix tenants/team-a/models/chat/{REVISION}/",
        "region us-east-1",
        "allow-overwrite",
        "uid=10001",
        "gid=10001",
        "allow-other",
    ]
    assert pv["csi"]["volumeAttributes"] == {
        "bucketName": "acme-prod-models",
        "authenticationSource": "pod",
        "stsRegion": "us-east-1",
    }


def test_volume_mounts_the_revision_prefix_read_only_with_the_pods_identity(mount: ModelMount) -> None:
    pv = mount.persistent_volume()["spec"]
    assert pv["accessModes"] == ["ReadOnlyMany"]
    assert pv["csi"]["readOnly"] is True
    assert pv["csi"]["driver"] == "s3.csi.aws.com"
    assert pv["csi"]["volumeHandle"] == "lepton-model-team-a-chat"
    assert pv["storageClassName"] == ""
    assert pv["claimRef"] == {"namespace": "tenant-team-a", "name": "model-chat"}
    assert pv["mountOptions"] == [
        f"prefix tenants/team-a/models/chat/{REVISION}/",
        "region us-east-1",
        "uid=10001",
        "gid=10001",
        "allow-other",
    ]
    assert pv["csi"]["volumeAttributes"] == {
        "bucketName": "acme-prod-models",
        "authenticationSource": "pod",
        "stsRegion": "us-east-1",
        "cache": "emptyDir",
        "cacheEmptyDirSizeLimit": "17Gi",
    }


def test_claim_binds_only_its_volume_and_pods_read_it_read_only(mount: ModelMount) -> None:
    pvc = mount.persistent_volume_claim()
    assert pvc["metadata"] == {"name": "model-chat", "namespace": "tenant-team-a"}
    assert pvc["spec"]["volumeName"] == "lepton-model-team-a-chat"
    assert pvc["spec"]["accessModes"] == ["ReadOnlyMany"]
    assert pvc["spec"]["storageClassName"] == ""
    assert mount.pod_volume("weights") == {
        "name": "weights",
        "persistentVolumeClaim": {"claimName": "model-chat", "readOnly": True},
    }
