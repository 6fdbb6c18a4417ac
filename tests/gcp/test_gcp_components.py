"""Each GCP component on its own: the caller's provider reaches every child (default providers off)."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_gcp as gcp
import pytest

from lepton_infra.core.errors import ComponentArgsError
from lepton_infra.gcp import (
    ArtifactStore,
    ArtifactStoreArgs,
    EncryptionKey,
    EncryptionKeyArgs,
    Monitoring,
    MonitoringArgs,
    Network,
    NetworkArgs,
    NodePool,
    NodePoolArgs,
)
from lepton_infra.plan.engine import PlanFailed
from lepton_infra.plan.record import PlannedGraph

NO_DEFAULT_PROVIDERS = {"pulumi:disable-default-providers": ["*"]}
KEY = "projects/p-test/locations/us-central1/keyRings/r/cryptoKeys/k"


def _with_provider(build: Callable[[pulumi.ResourceOptions], object]) -> Callable[[], None]:
    def program() -> None:
        provider = gcp.Provider("gcp", project="p-test", region="us-central1")
        build(pulumi.ResourceOptions(provider=provider))

    return program


COMPONENTS: dict[str, Callable[[pulumi.ResourceOptions], object]] = {
    "network": lambda o: Network(
        "net",
        NetworkArgs(
            project="p-test",
            region="us-central1",
            name_prefix="t",
            nodes_cidr="10.0.128.0/18",
            pods_cidr="10.0.0.0/17",
            services_cidr="10.0.192.0/19",
            control_plane_cidr="10.0.224.0/28",
        ),
        o,
    ),
    "key": lambda o: EncryptionKey(
        "key",
        EncryptionKeyArgs(
            project="p-test",
            location="us-central1",
            name_prefix="t",
            encrypters={"gke": "serviceAccount:a@b.iam.gserviceaccount.com"},
        ),
        o,
    ),
    "artifacts": lambda o: ArtifactStore(
        "art",
        ArtifactStoreArgs(
            project="p-test",
            location="us-central1",
            name_prefix="t",
            key_id=KEY,
            reader_members={"nodes": "serviceAccount:n@p-test.iam.gserviceaccount.com"},
        ),
        o,
    ),
    "monitoring": lambda o: Monitoring(
        "mon",
        MonitoringArgs(
            project="p-test",
            cluster_name="c",
            display_prefix="t",
            alert_emails=["a@b.dev"],
            billing_account="012345-6789AB-CDEF01",
            budget_usd=100,
            project_number="42",
        ),
        o,
    ),
    "node-pool": lambda o: NodePool(
        "gpu",
        NodePoolArgs(
            project="p-test",
            cluster="c",
            location="us-central1",
            pool_name="gpu",
            key_id=KEY,
            gpu_type="a100-80gb",
            gpu_count=4,
            max_nodes=3,
        ),
        o,
    ),
}


@pytest.mark.parametrize("component", sorted(COMPONENTS))
def test_the_callers_provider_reaches_every_child(
    plan_program: Callable[..., PlannedGraph], component: str
) -> None:
    graph = plan_program(_with_provider(COMPONENTS[component]), NO_DEFAULT_PROVIDERS)
    provider = next(p for p in graph.of_type("pulumi:providers:gcp") if not p.name.endswith("-bootstrap")).urn
    custom = [r for r in graph.managed if r.custom and not r.is_provider]
    assert custom
    assert all(r.provider == provider for r in custom)


def test_a_resource_without_the_provider_fails_the_plan(plan_program: Callable[..., PlannedGraph]) -> None:
    # The guard the test above relies on: with default providers off, a forgotten provider is fatal.
    def program() -> None:
        gcp.compute.Network("orphan", auto_create_subnetworks=False)

    with pytest.raises(PlanFailed, match="default provider"):
        plan_program(program, NO_DEFAULT_PROVIDERS)


def test_a_standalone_node_pool_gets_its_own_least_privilege_identity(
    plan_program: Callable[..., PlannedGraph],
) -> None:
    graph = plan_program(_with_provider(COMPONENTS["node-pool"]), NO_DEFAULT_PROVIDERS)
    account = graph.one("gcp:serviceaccount/account:Account")
    pool = graph.one("gcp:container/nodePool:NodePool")
    assert (
        pool.get("nodeConfig.serviceAccount")
        == f"{account.inputs['accountId']}@p-test.iam.gserviceaccount.com"
    )
    assert pool.get("nodeConfig.machineType") == "a2-ultragpu-4g"
    assert pool.get("nodeConfig.guestAccelerators.0") == {
        "type": "nvidia-a100-80gb",
        "count": 4,
        "gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"},
    }


def test_node_pool_refuses_inverted_bounds(plan_program: Callable[..., PlannedGraph]) -> None:
    def program() -> None:
        NodePool(
            "bad",
            NodePoolArgs(
                project="p",
                cluster="c",
                location="us-central1",
                pool_name="bad",
                key_id=KEY,
                min_nodes=3,
                max_nodes=2,
            ),
        )

    with pytest.raises(ComponentArgsError) as err:  # a RunError: shown without a traceback
        plan_program(program)
    assert err.value.paths == ["min_nodes"]


def test_key_rotation_above_90_days_is_refused(plan_program: Callable[..., PlannedGraph]) -> None:
    def program() -> None:
        EncryptionKey(
            "k", EncryptionKeyArgs(project="p", location="us-central1", name_prefix="t", rotation_days=365)
        )

    with pytest.raises(ComponentArgsError) as err:
        plan_program(program)
    assert err.value.paths == ["rotation_days"]
