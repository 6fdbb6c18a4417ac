"""From the spec's exposed services and the cloud's `IngressFacts` to what `Traffic` builds, refusing what
only the handle can tell is impossible (no load balancer integration, no DNS zone for ACME, more hosts
than one Gateway holds), in the same `SpecError` as every other spec problem, before any object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lepton_infra.core.cluster_handle import ClusterHandle
from lepton_infra.core.conventions import CERT_MANAGER_NAMESPACE
from lepton_infra.core.errors import Problem
from lepton_infra.core.exposure import ExposedService, exposed_services
from lepton_infra.core.scaling import autoscaler_for
from lepton_infra.core.traffic import IngressFacts
from lepton_infra.kubernetes.serving.answer_time import service_answer_seconds
from lepton_infra.kubernetes.traffic.certificates import CA_CERTIFICATE
from lepton_infra.kubernetes.traffic.routes import MAX_LISTENERS, ServiceRoute, entry_points, route_targets
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.service import ServiceSpec


@dataclass(frozen=True)
class TrafficPlan:
    facts: IngressFacts
    routes: Sequence[ServiceRoute]
    platform: str
    tls_issuer: str = "private-ca"
    acme_email: str | None = None
    system_pool: str | None = None
    network_policies: bool = True


def traffic_plan(spec: PlatformSpec, handle: ClusterHandle) -> tuple[TrafficPlan | None, list[Problem]]:
    exposed = exposed_services(spec)
    if not exposed:
        return None, []
    index = {s.name: i for i, s in enumerate(spec.services)}
    facts = handle.ingress
    if facts is None:
        return None, [
            Problem(
                f"services[{index[e.service]}].expose",
                e.exposure,
                "the cluster offers no load balancer integration (ClusterHandle.ingress is None)",
                "set expose: cluster",
            )
            for e in exposed
        ]
    problems = []
    for e in exposed:
        if e.exposure not in facts.classes:
            problems.append(
                Problem(
                    f"services[{index[e.service]}].expose",
                    e.exposure,
                    f"the cluster offers no {e.exposure} load balancer class",
                    f"use one of: {', '.join(sorted(facts.classes))}",
                )
            )
    net = spec.network
    if net.tls_issuer == "acme" and facts.certificates == "cert-manager" and facts.dns_zone is None:
        problems.append(
            Problem(
                "network.tls_issuer",
                "acme",
                "the cloud layer knows no DNS zone for "
                "network.domain, so ACME cannot prove control of it (DNS-01)",
                "name the zone in the cloud's settings (gcp.dns_zone, azure.dns_zone_id), or "
                "tls_issuer: private-ca",
            )
        )
    if facts.api == "gateway":
        if not facts.gateway_api_crds_installed:
            raise ValueError(
                "IngressFacts.api is 'gateway' but the cluster has no Gateway "
                "API CRDs (gateway_api_crds_installed is False); the layer installs none"
            )
        for exposure in ("internal", "public"):
            hosts = [e for e in exposed if e.exposure == exposure]
            limit, what = MAX_LISTENERS - 1, "HTTPS listeners"
            if facts.max_certificates is not None and facts.max_certificates < limit:
                limit, what = facts.max_certificates, "certificates on its load balancer (one per host)"
            if len(hosts) > limit:
                problems.append(
                    Problem(
                        "services",
                        len(hosts),
                        f"{len(hosts)} {exposure} hosts: one Gateway holds at most {limit} {what}",
                        f"expose at most {limit} services as {exposure}, or split them across platforms",
                    )
                )
    if problems:
        return None, problems
    services = {s.name: s for s in spec.services}
    routes = [service_route(spec, services[e.service], e) for e in exposed]
    system = spec.system_pool.name if spec.system_pool else None
    return TrafficPlan(
        facts=facts,
        routes=routes,
        platform=spec.name,
        tls_issuer=net.tls_issuer,
        acme_email=net.acme_email,
        system_pool=system,
        network_policies=handle.network_policy_enforced,
    ), []


def service_route(spec: PlatformSpec, s: ServiceSpec, e: ExposedService) -> ServiceRoute:
    return ServiceRoute(
        service=s.name,
        tenant=s.tenant,
        host=e.host,
        exposure=e.exposure,
        port=s.port,
        health_path=s.probe_path,
        predict_path=s.serves_path,
        via_interceptor=autoscaler_for(s.replicas.min, s.scaling.metric) == "keda-http",
        engine_answer_seconds=service_answer_seconds(spec, s),
    )


def engine_request_seconds_by_exposure(spec: PlatformSpec) -> dict[str, int]:
    """Per exposure, the longest request timeout of the inference engines exposed there (the routes'
    `entry_points`): what a cloud's load balancer, created before the routes, must stay idle for."""
    services = {s.name: s for s in spec.services}
    routes = [service_route(spec, services[e.service], e) for e in exposed_services(spec)]
    targets = route_targets(routes, 0).values()
    return {e.exposure: e.longest_engine_request_seconds for e in entry_points(targets)}


def trust_output(plan: TrafficPlan | None) -> dict[str, str]:
    """What a client of an exposed service must trust: nothing extra with ACME or the cloud's own
    certificates; the platform's root, kept in a Secret, with the private CA from cert-manager."""
    if plan is None or plan.tls_issuer == "acme" or plan.facts.certificates != "cert-manager":
        return {}
    return {"ca_secret": f"{CERT_MANAGER_NAMESPACE}/{CA_CERTIFICATE}"}
