"""The shared filesystem on GCP (`filesystem.enabled`), over gcp-train's whole plan: one Filestore zonal
instance per tenant, encrypted with the platform key once the Filestore service agent may use it, on the
platform VPC with its share exported to the nodes' subnet only, GKE's Filestore CSI add-on, and a volume the
tenant mounts from its own namespace only. Expected values are written out from the providers' docs
(docs/shared-filesystem.md), not read from the code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph, RecordedResource

FILESTORE = "gcp:filestore/instance:Instance"
KEY = "gcp:kms/cryptoKey:CryptoKey"
KEY_MEMBER = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity"
SERVICE = "gcp:projects/service:Service"
CLUSTER = "gcp:container/cluster:Cluster"
PV = "kubernetes:core/v1:PersistentVolume"
PVC = "kubernetes:core/v1:PersistentVolumeClaim"
FILESTORE_AGENT = "serviceAccount:service-123456789012@cloud-filer.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def graph(plan_stack: Callable[[str | Path, str], PlannedGraph], platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, "gcp-train")


def _instance(graph: PlannedGraph) -> RecordedResource:
    (instance,) = graph.of_type(FILESTORE)  # gcp-train has one tenant: one instance
    return instance


def test_one_zonal_instance_per_tenant_in_the_first_node_zone(graph: PlannedGraph) -> None:
    instance = _instance(graph)
    assert instance.get("name") == "acme-train-dev-research"
    assert instance.get("tier") == "ZONAL"
    assert instance.get("location") == "us-central1-a"  # gcp.zones' first
    assert instance.get("fileShares.name") == "shared"
    assert instance.get("fileShares.capacityGb") == 1024


def test_the_instance_is_encrypted_with_the_platform_key_after_the_agents_grant(graph: PlannedGraph) -> None:
    instance = _instance(graph)
    (key,) = graph.of_type(KEY)
    assert instance.get("kmsKeyName") == key.outputs["id"]
    (grant,) = [m for m in graph.of_type(KEY_MEMBER) if m.get("member") == FILESTORE_AGENT]
    assert grant.get("role") == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant.get("cryptoKeyId") == key.outputs["id"]
    assert grant.urn in graph.waits_for(instance)
    (agent,) = [i for i in graph.of_type(IDENTITY) if i.get("service") == "file.googleapis.com"]
    assert agent.urn in graph.waits_for(grant)  # the agent exists before a grant names it
    assert "file.googleapis.com" in {s.get("service") for s in graph.of_type(SERVICE)}


def test_the_share_is_private_to_the_nodes_subnet(graph: PlannedGraph) -> None:
    instance = _instance(graph)
    # gcp-train's network 10.50.0.0/16: the nodes' subnet is 10.50.128.0/18, and nothing else is exported to.
    (subnet,) = graph.of_type("gcp:compute/subnetwork:Subnetwork")
    assert subnet.get("ipCidrRange") == "10.50.128.0/18"
    assert instance.get("fileShares.nfsExportOptions") == [
        {"ipRanges": ["10.50.128.0/18"], "accessMode": "READ_WRITE", "squashMode": "NO_ROOT_SQUASH"}
    ]
    ((network,),) = [instance.get("networks")]
    assert network["connectMode"] == "DIRECT_PEERING"
    assert network["modes"] == ["MODE_IPV4"]
    (vpc,) = graph.of_type("gcp:compute/network:Network")
    assert network["network"] == vpc.outputs["id"]


def test_the_cluster_runs_the_filestore_csi_add_on(graph: PlannedGraph) -> None:
    (cluster,) = graph.of_type(CLUSTER)
    assert cluster.get("addonsConfig.gcpFilestoreCsiDriverConfig.enabled") is True


def test_the_tenant_mounts_its_instance_from_its_namespace_only(graph: PlannedGraph) -> None:
    instance = _instance(graph)
    (pv,) = graph.of_type(PV)
    assert pv.get("metadata.name") == "lepton-shared-research"
    assert pv.get("spec.claimRef") == {"namespace": "research", "name": "shared"}
    assert pv.get("spec.csi.driver") == "filestore.csi.storage.gke.io"
    assert pv.get("spec.csi.volumeHandle") == "modeInstance/us-central1-a/acme-train-dev-research/shared"
    assert pv.get("spec.csi.volumeAttributes") == {
        "ip": instance.outputs["networks"][0]["ipAddresses"][0],
        "volume": "shared",
    }
    assert pv.get("spec.accessModes") == ["ReadWriteMany"]
    assert pv.get("spec.persistentVolumeReclaimPolicy") == "Retain"
    assert instance.urn in graph.waits_for(pv)
    (claim,) = [c for c in graph.of_type(PVC) if c.get("metadata.name") == "shared"]
    assert claim.get("metadata.namespace") == "research"
    assert claim.get("spec.volumeName") == "lepton-shared-research"


def test_the_instance_is_priced_idle_and_max(graph: PlannedGraph) -> None:
    from lepton_infra.cost import estimate_cost

    (item,) = [i for i in estimate_cost(graph).to_json()["items"] if i["category"] == "filesystem"]
    # 1024 GiB at $0.25 per GiB-month (zonal, us-central1), billed whether used or not.
    assert item["monthly_usd_idle"] == pytest.approx(256.0)
    assert item["monthly_usd_max"] == pytest.approx(256.0)


def test_the_policy_pack_passes_the_shared_filesystem(graph: PlannedGraph) -> None:
    from lepton_infra.policy.evaluate import evaluate_graph

    outcome = evaluate_graph(graph)
    assert outcome.mandatory == []
    for rule in ("lepton-gcp-filestore-cmk", "lepton-gcp-filestore-private"):
        assert outcome.by_policy(rule) == []
        assert outcome.tally[rule].checked > 0  # the rule judged the instance, not skipped it
