"""The in-cluster components on the component contract: each refuses, before it registers anything, what
used to plan a release the chart does not support, raise a bare ValueError, or fail on a KeyError halfway
through (after some of its children were registered). Refused: one `ComponentArgsError` naming each
field, and the plan holds nothing, not even the component."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from lepton_infra.core.cluster_handle import GpuFacts
from lepton_infra.kubernetes import (
    AlertReceivers,
    GpuStack,
    GpuStackArgs,
    InferenceServiceArgs,
    Keda,
    KedaArgs,
    Kueue,
    KueueArgs,
    MetricsServer,
    MetricsServerArgs,
    ObservabilityArgs,
    PlatformAddons,
    PlatformAddonsArgs,
    Traffic,
    TrafficArgs,
)
from lepton_infra.kubernetes.jobs.kueue import TenantQueueWiring
from lepton_infra.kubernetes.jobs.queues import Flavor, TenantQueue
from lepton_infra.kubernetes.traffic.routes import ServiceRoute
from lepton_infra.plan import plan_program
from tests.kubernetes.traffic_facts import nginx_like
from tests.unit.test_component_args import refused

NO_DRIVER = GpuFacts(driver_installed=False, device_plugin_installed=False)
CPU = Flavor("cpu", None)
GPU = Flavor("gpu-h100", "h100", gpu_type="h100-80gb")


def queue(tenant: str, **gpus: int) -> TenantQueueWiring:
    return TenantQueueWiring(TenantQueue(tenant, gpus, "8", "32Gi"), namespace=tenant)


def route(service: str) -> ServiceRoute:
    return ServiceRoute(
        service, "research", "chat.ai.acme.dev", "internal", 8080, "/healthz", "/predict", False
    )


def traffic(**changes: Any) -> TrafficArgs:
    base: dict[str, Any] = dict(
        kubernetes_version="1.35", facts=nginx_like(), routes=[], targets={}, decorations={}
    )
    return TrafficArgs(**{**base, **changes})


CASES: list[tuple[str, Callable[[], Any], list[str], str]] = [
    (
        # gpu-operator v26.7.0 supports 1.33-1.36 (core/data/chart_support.yaml)
        "gpu-operator-on-an-unsupported-minor",
        lambda: GpuStack("gpu", GpuStackArgs(kubernetes_version="1.32", facts=NO_DRIVER)),
        ["kubernetes_version"],
        "gpu-operator v26.7.0 (`chart`) supports Kubernetes 1.33–1.36",
    ),
    (
        # the KEDA HTTP add-on 0.15.0 starts at 1.34; KEDA 2.20.2 alone supports 1.33
        "keda-http-add-on-on-an-unsupported-minor",
        lambda: Keda("keda", KedaArgs(kubernetes_version="1.33", http_add_on=True)),
        ["kubernetes_version"],
        "keda-add-ons-http 0.15.0 (`http_add_on_chart`) supports Kubernetes 1.34–1.36",
    ),
    (
        "metrics-server-on-an-unsupported-minor",
        lambda: MetricsServer("ms", MetricsServerArgs(kubernetes_version="1.30")),
        ["kubernetes_version"],
        "metrics-server 3.13.1 (`chart`) supports Kubernetes 1.31+",
    ),
    (
        # was a bare ValueError
        "kueue-provisioned-flavor-without-a-class",
        lambda: Kueue(
            "kueue",
            KueueArgs(kubernetes_version="1.35", flavors=[CPU, dataclasses.replace(GPU, provisioned=True)]),
        ),
        ["provisioning_class"],
        "the ProvisioningRequest class",
    ),
    (
        # was a silently ignored quota, and a duplicate-URN failure after the first tenant's queue
        "kueue-quota-on-no-gpu-pool-and-a-tenant-twice",
        lambda: Kueue(
            "kueue",
            KueueArgs(
                kubernetes_version="1.35",
                flavors=[CPU, GPU],
                tenants=[queue("research", h100=4), queue("research"), queue("serving", a100=2)],
            ),
        ),
        ["tenants[1].queue.tenant", "tenants[2].queue.gpu_quota"],
        "names pools no GPU flavor has (a100)",
    ),
    (
        # was a ValueError after cert-manager's release was registered
        "traffic-acme-without-an-email",
        lambda: Traffic("t", traffic(tls_issuer="acme")),
        ["acme_email"],
        "ACME registers an account",
    ),
    (
        "traffic-acme-without-the-clouds-zone",
        lambda: Traffic(
            "t",
            traffic(
                tls_issuer="acme",
                acme_email="ops@acme.dev",
                facts=dataclasses.replace(nginx_like(), dns_zone=None),
            ),
        ),
        ["facts.dns_zone"],
        "DNS-01",
    ),
    (
        # was a KeyError after the cert-manager release and issuers were registered
        "traffic-route-without-its-target",
        lambda: Traffic("t", traffic(routes=[route("chat")])),
        ["targets", "decorations"],
        "routed services without one: chat",
    ),
    (
        # was a KeyError after the observability stack was registered
        "addons-service-of-no-tenant",
        lambda: PlatformAddons(
            "addons",
            PlatformAddonsArgs(
                kubernetes_version="1.35",
                observability=ObservabilityArgs(
                    kubernetes_version="1.35",
                    retention_days=15,
                    storage_gb=50,
                    storage_class="s",
                    receivers=AlertReceivers(),
                    gpu_idle_percent=10,
                ),
                tenants=[],
                services=[
                    InferenceServiceArgs(
                        name="chat",
                        tenant="research",
                        namespace="research",
                        service_account="w",
                        image="a/b:1",
                    )
                ],
            ),
        ),
        ["services[0].tenant"],
        "not one of the tenants",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_in_cluster_components_refuse_before_registering(
    case: tuple[str, Callable[[], Any], list[str], str],
) -> None:
    _, program, paths, why = case
    err = refused(program)
    assert err.paths == paths
    assert why in str(err)


def test_a_chart_the_component_does_not_install_is_not_judged() -> None:
    """KEDA alone on 1.33 (the HTTP add-on, which starts at 1.34, is not installed), and a GPU stack on
    1.32 where the cloud provides every piece (no operator release): both plan."""
    everything = GpuFacts(driver_installed=True, device_plugin_installed=True, dcgm_exporter_installed=True)

    def program() -> None:
        Keda("keda", KedaArgs(kubernetes_version="1.33"))
        GpuStack("gpu", GpuStackArgs(kubernetes_version="1.32", facts=everything))

    graph = plan_program(program)
    assert [r.name for r in graph.of_type("kubernetes:helm.sh/v3:Release")] == ["keda-operator"]
