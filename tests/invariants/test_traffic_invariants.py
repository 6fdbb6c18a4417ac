"""The way in, over every shipped stack's whole plan as its own program builds it: exactly the services the
spec exposes are routed, each on its host over TLS, to its own Service or (scale-to-zero on request rate)
to the KEDA interceptor with a host its HTTPScaledObject matches; nothing is routed when nothing is
exposed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.core.exposure import exposed_services
from lepton_infra.core.scaling import autoscaler_for
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.kubernetes.routing import (
    CERTIFICATE,
    GATEWAY,
    HTTP_SCALED_OBJECT,
    INGRESS,
    SERVICE,
    backends,
    certificates,
    docs,
    interceptor,
    where,
)


def _tls_hosts(graph: PlannedGraph) -> set[str]:
    """Hosts a route serves over TLS: an Ingress's `tls.hosts` (with a Certificate for its Secret when it
    names one), or a Gateway HTTPS listener's hostname with a Certificate for its Secret."""
    certs = certificates(graph)
    hosts = set()
    for ing in docs(graph, INGRESS):
        for tls in ing["spec"].get("tls", []):
            secret = tls.get("secretName")
            if secret is None or (ing["metadata"]["namespace"], secret) in certs:
                hosts.update(tls["hosts"])
    for gw in docs(graph, GATEWAY):
        for ls in gw["spec"]["listeners"]:
            refs = ls.get("tls", {}).get("certificateRefs", [])
            if (
                ls["protocol"] == "HTTPS"
                and refs
                and all((gw["metadata"]["namespace"], r["name"]) in certs for r in refs)
            ):
                hosts.add(ls["hostname"])
    return hosts


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_exactly_the_exposed_services_are_routed_over_tls_to_a_backend_that_serves_them(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    routes_are_sound(graph, PlatformSpec.from_dict(json.loads(graph.config["lepton:platform"])))


def routes_are_sound(graph: PlannedGraph, spec: PlatformSpec) -> None:
    """The invariant itself (also run by tests/kubernetes/test_k8s_traffic.py on exposed plans)."""
    exposed = {e.service: e for e in exposed_services(spec)}
    routes = backends(graph)
    assert set(routes) == set(exposed)
    if not exposed:
        assert not graph.of_type(CERTIFICATE)
        return
    assert {e.host for e in exposed.values()} <= _tls_hosts(graph)
    services = {s.name: s for s in spec.services}
    scaled = {d["metadata"]["name"]: d for d in docs(graph, HTTP_SCALED_OBJECT)}
    for name, e in exposed.items():
        backend_ns, backend, port, host = routes[name]
        assert host == e.host
        svc = services[name]
        if autoscaler_for(svc.replicas.min, svc.scaling.metric) == "keda-http":
            ns, proxy, proxy_port, _ = interceptor(graph)
            assert (backend_ns, backend, port) == (ns, proxy, proxy_port)
            assert e.host in scaled[name]["spec"]["hosts"]
        else:
            service = next(d for d in docs(graph, SERVICE) if where(d) == (backend_ns, backend))
            assert backend_ns == svc.tenant and port in [p["port"] for p in service["spec"]["ports"]]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_cert_manager_installs_beside_the_services_not_after_them(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    """cert-manager needs nodes, not the backends it will issue for: it must not wait for KEDA's releases or
    the services' Deployments (that chain once added ~3 min to the first deploy of gcp-prod and
    azure-prod)."""

    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    releases = [r for r in graph.of_type("kubernetes:helm.sh/v3:Release") if r.get("chart") == "cert-manager"]
    if not releases:
        pytest.skip(f"{stack} installs no cert-manager")
    waits = graph.waits_for(releases[0])
    waited = {graph.by_urn(u).type for u in waits} & {"kubernetes:apps/v1:Deployment"}
    keda = [
        r.name
        for r in graph.of_type("kubernetes:helm.sh/v3:Release")
        if str(r.get("chart")).startswith("keda") and r.urn in waits
    ]
    assert (sorted(waited), keda) == ([], [])
