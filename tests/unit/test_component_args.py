"""Public components check their plain-valued args before registering anything: a bad argument is a
`ComponentArgsError` (a RunError: no traceback) naming the property path, and the plan holds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from lepton_infra.aws.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.aws.node_pool import NodePool as AwsNodePool
from lepton_infra.aws.node_pool import NodePoolArgs as AwsNodePoolArgs
from lepton_infra.core.errors import ComponentArgsError
from lepton_infra.gcp.node_pool import NodePool as GcpNodePool
from lepton_infra.gcp.node_pool import NodePoolArgs as GcpNodePoolArgs
from lepton_infra.kubernetes import InferenceService, InferenceServiceArgs, Tenant, TenantArgs
from lepton_infra.plan import plan_program
from lepton_infra.plan.record import STACK_TYPE


def refused(program: Callable[[], Any]) -> ComponentArgsError:
    with pytest.raises(ComponentArgsError) as err:
        plan_program(program)
    recorded = err.value.recorded_resources  # type: ignore[attr-defined]
    assert [r.type for r in recorded if r.type != STACK_TYPE] == []  # not even the component itself
    assert isinstance(err.value, pulumi.RunError)
    return err.value


def aws_pool(**changes: Any) -> AwsNodePoolArgs:
    base: dict[str, Any] = dict(
        cluster_name="c",
        pool_name="gpu",
        node_role_arn="arn:aws:iam::1:role/n",
        subnet_ids=["s-1"],
        security_group_ids=["sg-1"],
        key_id="k",
        instance_types=["g6.xlarge"],
        gpu_type="l4",
        gpu_count=1,
    )
    return AwsNodePoolArgs(**{**base, **changes})


def test_aws_node_pool_refuses_inverted_bounds_and_unknown_gpu() -> None:
    err = refused(lambda: AwsNodePool("bad", aws_pool(min_nodes=5, max_nodes=2, gpu_type="h100-80g")))
    assert err.paths == ["min_nodes", "gpu_type"]
    assert "did you mean 'h100-80gb'?" in str(err)
    assert "lepton:aws:NodePool 'bad'" in str(err)


def test_aws_node_pool_refuses_empty_instance_types_and_bad_names() -> None:
    err = refused(lambda: AwsNodePool("bad", aws_pool(instance_types=[], pool_name="GPU_pool", disk_gb=5)))
    assert set(err.paths) == {"instance_types", "pool_name", "disk_gb"}


def test_aws_node_pool_skips_outputs() -> None:
    graph = plan_program(lambda: AwsNodePool("ok", aws_pool(cluster_name=pulumi.Output.from_input("c"))))
    assert graph.of_type("aws:eks/nodeGroup:NodeGroup")


def test_aws_kms_deletion_window_is_7_to_30_days() -> None:
    err = refused(
        lambda: EncryptionKey("k", EncryptionKeyArgs(alias="a", region="us-east-1", deletion_window_days=3))
    )
    assert err.paths == ["deletion_window_days"]


def test_gcp_node_pool_refuses_unknown_gpu_and_bad_pool_name() -> None:
    err = refused(
        lambda: GcpNodePool(
            "bad",
            GcpNodePoolArgs(
                project="p",
                cluster="c",
                location="us-central1",
                pool_name="Pool_1",
                key_id="k",
                gpu_type="h100",
                min_nodes=-1,
            ),
        )
    )
    assert set(err.paths) == {"pool_name", "min_nodes", "gpu_type"}


def service(**changes: Any) -> InferenceServiceArgs:
    base: dict[str, Any] = dict(
        name="chat",
        tenant="research",
        namespace="research",
        service_account="w",
        image="ghcr.io/acme/chat:1.0",
    )
    return InferenceServiceArgs(**{**base, **changes})


def test_inference_service_refuses_negative_replicas_and_more() -> None:
    err = refused(
        lambda: InferenceService(
            "chat",
            service(min_replicas=-3, image="nginx", port=80, scaling_metric="rps", predict_path="predict"),
        )
    )
    assert err.paths == ["image", "port", "predict_path", "min_replicas", "scaling_metric"]
    text = str(err)
    assert "explicit tag or digest" in text and "use one of: requests_per_second, queue_length" in text


def test_inference_service_refuses_inverted_replicas() -> None:
    err = refused(lambda: InferenceService("chat", service(min_replicas=5, max_replicas=2)))
    assert err.paths == ["min_replicas"]


def _no_binder(*_args: Any, **_kw: Any) -> Any:
    raise AssertionError("a refused tenant binds no identity")


def test_tenant_refuses_reserved_names_negative_quota_and_privileged() -> None:
    err = refused(
        lambda: Tenant(
            "t",
            TenantArgs(
                name="kube-system",
                kubernetes_version="1.33",
                bind_identity=_no_binder,
                gpu_quota=-1,
                pod_security="privileged",
                admin_groups=["", "ml"],
            ),
        )
    )
    assert err.paths == ["name", "gpu_quota", "pod_security", "admin_groups[0]"]


def _more_components() -> list[tuple[str, Callable[[], Any], list[str]]]:
    from lepton_infra.aws.artifacts import ArtifactStore, ArtifactStoreArgs
    from lepton_infra.aws.autoscaler import Autoscaler, AutoscalerArgs
    from lepton_infra.aws.cluster import Cluster, ClusterArgs
    from lepton_infra.aws.monitoring import Monitoring, MonitoringArgs
    from lepton_infra.aws.network import Network, NetworkArgs
    from lepton_infra.gcp.artifacts import ArtifactStore as GcpArtifactStore
    from lepton_infra.gcp.artifacts import ArtifactStoreArgs as GcpArtifactStoreArgs
    from lepton_infra.gcp.cluster import Cluster as GcpCluster
    from lepton_infra.gcp.cluster import ClusterArgs as GcpClusterArgs
    from lepton_infra.gcp.maintenance import recurring_window
    from lepton_infra.gcp.monitoring import Monitoring as GcpMonitoring
    from lepton_infra.gcp.monitoring import MonitoringArgs as GcpMonitoringArgs
    from lepton_infra.gcp.network import Network as GcpNetwork
    from lepton_infra.gcp.network import NetworkArgs as GcpNetworkArgs
    from lepton_infra.kubernetes import AlertReceivers, Observability, ObservabilityArgs, SmtpRelay

    oidc = dict(oidc_provider_arn="arn:aws:iam::1:oidc-provider/x", oidc_issuer="https://x")
    gke: dict[str, Any] = dict(
        project="p",
        location="us-central1",
        node_locations=["us-central1-a"],
        name_prefix="t",
        network="n",
        subnetwork="s",
        pods_range_name="p",
        services_range_name="s",
        control_plane_cidr="172.16.0.0/28",
        secrets_kms_key="k",
        node_service_account="sa",
        boot_disk_kms_key="k",
    )
    return [
        (
            "aws-network",
            lambda: Network(
                "n",
                NetworkArgs(
                    cidr="10.0.0.0/16",
                    zones=1,
                    cluster_name="c",
                    region="us-east-1",
                    key_id="k",
                    nat="per_zone",
                ),
            ),
            ["zones", "nat"],
        ),
        (
            "aws-cluster",
            lambda: Cluster(
                "c",
                ClusterArgs(
                    cluster_name="c",
                    kubernetes_version="1.3",
                    vpc_id="v",
                    subnet_ids=["s"],
                    key_id="k",
                    region="us-east-1",
                    admin_role_arns=["jane"],
                ),
            ),
            ["kubernetes_version", "admin_role_arns[0]"],
        ),
        (
            "aws-monitoring",
            lambda: Monitoring(
                "m",
                MonitoringArgs(
                    cluster_name="c",
                    region="us-east-1",
                    key_id="k",
                    platform="t",
                    **oidc,
                    alert_emails=["oncall"],
                    budget_usd=-1,
                    kubernetes_version="1.29",  # no add-on version pinned for it, none given
                ),
            ),
            ["alert_emails[0]", "budget_usd", "addon_version"],
        ),
        (
            "aws-autoscaler",
            lambda: Autoscaler(
                "a",
                AutoscalerArgs(
                    cluster_name="c",
                    kubernetes_version="1.29",
                    region="us-east-1",
                    platform="t",
                    **oidc,
                    k8s_provider=None,
                ),
            ),  # type: ignore[arg-type]
            ["kubernetes_version"],
        ),
        (
            "gcp-network",
            lambda: GcpNetwork(
                "n",
                GcpNetworkArgs(
                    project="p",
                    region="us-central1",
                    name_prefix="t",
                    nodes_cidr="10.0.0.0/20",
                    pods_cidr="10.4.0.0/14",
                    services_cidr="bad",
                    control_plane_cidr="172.16.0.0/28",
                    flow_sampling=2.0,
                    flow_aggregation_interval="INTERVAL_2_SEC",
                    flow_metadata="INCLUDE_SOME",
                ),
            ),
            ["services_cidr", "flow_sampling", "flow_aggregation_interval", "flow_metadata"],
        ),
        (
            "gcp-cluster",
            lambda: GcpCluster(
                "c",
                GcpClusterArgs(
                    # GKE wants 48 hours in any 32 days: a weekly 4-hour window gives 16.
                    **gke,
                    release_channel="FAST",
                    maintenance=recurring_window("sunday", "03:00", 4),
                ),
            ),
            ["release_channel", "maintenance"],
        ),
        (
            "gcp-monitoring",
            lambda: GcpMonitoring(
                "m", GcpMonitoringArgs(project="p", cluster_name="c", display_prefix="t", budget_usd=100.0)
            ),
            ["billing_account"],
        ),
        (
            "aws-cluster-public",
            lambda: Cluster(
                "c",
                ClusterArgs(
                    cluster_name="c",
                    kubernetes_version="1.33",
                    vpc_id="v",
                    subnet_ids=["s"],
                    key_id="k",
                    region="us-east-1",
                    private_endpoint=False,
                ),
            ),
            ["authorized_networks"],
        ),
        (
            "aws-artifacts",
            lambda: ArtifactStore(
                "a",
                ArtifactStoreArgs(
                    platform="acme-ai", environment="production", key_id="k", noncurrent_version_days=0
                ),
            ),
            ["environment", "noncurrent_version_days"],
        ),
        (
            "gcp-artifacts",
            lambda: GcpArtifactStore(
                "a",
                GcpArtifactStoreArgs(
                    project="p",
                    location="us-central1",
                    name_prefix="t",
                    key_id="k",
                    keep_versions=0,
                    tags={"Team": "ml"},
                ),
            ),
            ["keep_versions", "tags.Team"],
        ),
        (
            "observability",
            lambda: Observability(
                "o",
                ObservabilityArgs(
                    kubernetes_version="1.33",
                    retention_days=0,
                    storage_gb=50,
                    storage_class="s",
                    receivers=AlertReceivers(smtp=SmtpRelay(smarthost="smtp:587", from_address="a@b.c")),
                    gpu_idle_percent=10,
                ),
            ),
            ["retention_days"],
        ),
    ]


@pytest.mark.parametrize("case", _more_components(), ids=lambda c: c[0])
def test_other_components_check_their_args_too(case: tuple[str, Callable[[], Any], list[str]]) -> None:
    _, program, paths = case
    assert refused(program).paths == paths


def test_platform_addons_reports_every_childs_problems_before_any_child_exists() -> None:
    from lepton_infra.kubernetes import (
        AlertReceivers,
        ObservabilityArgs,
        PlatformAddons,
        PlatformAddonsArgs,
        SmtpRelay,
    )

    observability = ObservabilityArgs(
        kubernetes_version="1.33",
        retention_days=15,
        storage_gb=5,
        storage_class="s",
        receivers=AlertReceivers(smtp=SmtpRelay(smarthost="smtp:587", from_address="a@b.c")),
        gpu_idle_percent=10,
    )
    tenant = TenantArgs(name="research", kubernetes_version="1.33", bind_identity=_no_binder, pods=0)
    err = refused(
        lambda: PlatformAddons(
            "addons",
            PlatformAddonsArgs(
                kubernetes_version="1.33",
                observability=observability,
                tenants=[tenant],
                services=[service(min_replicas=-3)],
            ),
        )
    )
    assert err.paths == ["observability.storage_gb", "tenants[0].pods", "services[0].min_replicas"]


def test_gcp_project_services_must_name_google_apis() -> None:
    from lepton_infra.gcp.services import ProjectServices, ProjectServicesArgs

    err = refused(lambda: ProjectServices("s", ProjectServicesArgs(project="p", services=["container"])))
    assert err.paths == ["services[0]"]


def _contract_cases() -> list[tuple[str, Callable[[], Any], list[str]]]:
    """Components that checked nothing (or raised after registering) before the contract moved the check
    into the component base (issue 21)."""
    from lepton_infra.aws.lb_controller import LoadBalancerController, LoadBalancerControllerArgs
    from lepton_infra.aws.traffic import Traffic, TrafficArgs
    from lepton_infra.gcp.binary_authorization import (
        BinaryAuthorizationPolicy,
        BinaryAuthorizationPolicyArgs,
    )
    from lepton_infra.gcp.traffic import Traffic as GcpTraffic
    from lepton_infra.gcp.traffic import TrafficArgs as GcpTrafficArgs

    alb: dict[str, Any] = dict(cluster_name="c", vpc_cidr="10.0.0.0/16", zones=2, prod=False)
    oidc = dict(oidc_provider_arn="arn:aws:iam::1:oidc-provider/x", oidc_issuer="https://x")
    gke: dict[str, Any] = dict(
        project="p", project_id="p", region="us-central1", name_prefix="t", proxy_only_cidr="10.1.0.0/23"
    )
    return [
        (
            "aws-traffic-acme",
            lambda: Traffic(
                "t",
                TrafficArgs(
                    **alb, hosts={"a.ai.acme.dev": "public", "b.ai.acme.dev": "external"}, tls_issuer="acme"
                ),
            ),
            ["hosts.b.ai.acme.dev", "public_zone"],
        ),
        (
            "aws-traffic-private-ca",
            lambda: Traffic(
                "t", TrafficArgs(**alb, hosts={"a.ai.acme.dev": "internal"}, tls_issuer="private-ca")
            ),
            ["private_ca_arn"],
        ),
        (
            "aws-lb-controller",
            lambda: LoadBalancerController(
                "l",
                LoadBalancerControllerArgs(
                    cluster_name="c",
                    region="us-east-1",
                    vpc_id="v",
                    k8s_provider=None,  # type: ignore[arg-type]
                    platform="t",
                    replicas=0,
                    **oidc,
                ),
            ),
            ["replicas"],
        ),
        (
            "gcp-traffic",
            lambda: GcpTraffic("t", GcpTrafficArgs(**gke, hosts=[("a.ai.acme.dev", "internal")])),
            ["node_subnet"],
        ),
        (
            "gcp-binary-authorization",
            lambda: BinaryAuthorizationPolicy(
                "b", BinaryAuthorizationPolicyArgs(project="p", registry_url="r", mode="audit")
            ),
            ["mode"],
        ),
    ]


@pytest.mark.parametrize("case", _contract_cases(), ids=lambda c: c[0])
def test_components_without_checks_before_the_contract_refuse_bad_args(
    case: tuple[str, Callable[[], Any], list[str]],
) -> None:
    _, program, paths = case
    assert refused(program).paths == paths


def test_a_platform_refuses_a_spec_built_around_validation() -> None:
    """A cloud's Platform takes the PlatformSpec as its args: one copied with an update pydantic never
    validated (settings for another cloud) is refused before the Platform registers."""
    from lepton_infra.aws import Platform
    from lepton_infra.profiles.gcp.knobs import GcpKnobs
    from lepton_infra.spec import PlatformSpec
    from tests.kubernetes.harness import shipped_spec

    spec = PlatformSpec.from_dict(shipped_spec("aws-dev"))
    assert list(spec.problems()) == []
    unchecked = spec.model_copy(update={"gcp": GcpKnobs(project="acme-ai")})
    assert refused(lambda: Platform("p", unchecked)).paths == ["gcp"]
