"""`IngressFacts` made by hand, shaped like the three clouds' (the cloud layers build the real ones): an
ALB-like `ingress` API with the cloud's own certificates, a GKE-like `gateway` API with cert-manager and
policy objects per backend, and an nginx-like `ingress` API with cert-manager. Each records the entry
points and routes it was asked to decorate, so tests can check what the layer asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from lepton_infra.core.identity import BoundIdentity
from lepton_infra.core.traffic import Decoration, DnsZone, EntryPoint, IngressFacts, RouteTarget

DOMAIN = "ai.acme.dev"
VPC_PEERS = [{"ipBlock": {"cidr": "10.40.0.0/16"}}]
GKE_PEERS = [
    {"ipBlock": {"cidr": "10.129.0.0/23"}},
    {"ipBlock": {"cidr": "35.191.0.0/16"}},
    {"ipBlock": {"cidr": "130.211.0.0/22"}},
]
NGINX_PEERS = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "app-routing-system"}}}]
# Per hand-made cloud: the classes per exposure and who issues certificates (readable outside a program).
CLASSES = {
    "alb": {"internal": "alb", "public": "alb"},
    "gke": {"internal": "gke-l7-rilb", "public": "gke-l7-regional-external-managed"},
    "nginx": {"internal": "lepton-internal", "public": "webapprouting.kubernetes.azure.com"},
}
CERTIFICATES = {"alb": "cloud", "gke": "cert-manager", "nginx": "cert-manager"}


class Controller(pulumi.CustomResource):
    """Stands in for the cloud's load-balancer controller release every route waits for."""

    def __init__(self, name: str) -> None:
        super().__init__("test:lb:Controller", name, {"name": name})


@dataclass
class Recorder:
    entry_points: list[EntryPoint] = field(default_factory=list)
    routes: list[RouteTarget] = field(default_factory=list)
    dns_bindings: list[tuple[str, str, str]] = field(default_factory=list)


def alb_like(rec: Recorder | None = None) -> IngressFacts:
    rec = rec or Recorder()

    def entry(e: EntryPoint) -> Decoration:
        rec.entry_points.append(e)
        scheme = "internet-facing" if e.exposure == "public" else "internal"
        return Decoration(
            annotations={
                "alb.ingress.kubernetes.io/group.name": e.name,
                "alb.ingress.kubernetes.io/scheme": scheme,
                "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
                "alb.ingress.kubernetes.io/ssl-redirect": "443",
            }
        )

    def route(t: RouteTarget) -> Decoration:
        rec.routes.append(t)
        return Decoration(
            annotations={
                "alb.ingress.kubernetes.io/target-type": "ip",
                "alb.ingress.kubernetes.io/healthcheck-path": t.health_path,
                "alb.ingress.kubernetes.io/healthcheck-port": str(t.health_port),
            }
        )

    return IngressFacts(
        api="ingress",
        classes=CLASSES["alb"],
        certificates="cloud",
        decorate_entry_point=entry,
        decorate_route=route,
        data_plane_peers=VPC_PEERS,
        controller_dependencies=[Controller("alb-controller")],
    )


def gke_like(rec: Recorder | None = None, tls_identity: bool = True) -> IngressFacts:
    rec = rec or Recorder()

    def entry(e: EntryPoint) -> Decoration:
        rec.entry_points.append(e)
        return Decoration(
            objects=[
                {
                    "apiVersion": "networking.gke.io/v1",
                    "kind": "GCPGatewayPolicy",
                    "metadata": {"name": e.name, "namespace": e.namespace},
                    "spec": {
                        "default": {"sslPolicy": "lepton-tls12"},
                        "targetRef": {
                            "group": "gateway.networking.k8s.io",
                            "kind": "Gateway",
                            "name": e.name,
                        },
                    },
                }
            ]
        )

    def route(t: RouteTarget) -> Decoration:
        rec.routes.append(t)
        target = {"group": "", "kind": "Service", "name": t.backend_service}
        meta = {"name": t.backend_service, "namespace": t.namespace}
        return Decoration(
            objects=[
                {
                    "apiVersion": "networking.gke.io/v1",
                    "kind": "HealthCheckPolicy",
                    "metadata": meta,
                    "spec": {
                        "default": {
                            "config": {
                                "type": "HTTP",
                                "httpHealthCheck": {"requestPath": t.health_path, "port": t.health_port},
                            }
                        },
                        "targetRef": target,
                    },
                },
                {
                    "apiVersion": "networking.gke.io/v1",
                    "kind": "GCPBackendPolicy",
                    "metadata": meta,
                    "spec": {
                        "default": {
                            "timeoutSec": t.request_timeout_seconds,
                            "connectionDraining": {"drainingTimeoutSec": t.drain_seconds},
                        },
                        "targetRef": target,
                    },
                },
            ]
        )

    def bind(name: str, namespace: str, service_account: str, opts: pulumi.ResourceOptions) -> BoundIdentity:
        rec.dns_bindings.append((name, namespace, service_account))
        return BoundIdentity(
            annotations={"iam.gke.io/gcp-service-account": "cert-manager@acme.iam.gserviceaccount.com"}
        )

    zone = DnsZone(
        domain=DOMAIN,
        dns01_solver={"cloudDNS": {"project": "acme-ai-prod"}},
        bind_dns_identity=bind if tls_identity else None,
    )
    return IngressFacts(
        api="gateway",
        classes=CLASSES["gke"],
        certificates="cert-manager",
        decorate_entry_point=entry,
        decorate_route=route,
        data_plane_peers=GKE_PEERS,
        dns_zone=zone,
        gateway_api_crds_installed=True,
    )


def nginx_like(rec: Recorder | None = None) -> IngressFacts:
    rec = rec or Recorder()

    def entry(e: EntryPoint) -> Decoration:
        rec.entry_points.append(e)
        return Decoration()

    def route(t: RouteTarget) -> Decoration:
        rec.routes.append(t)
        return Decoration(
            annotations={
                "nginx.ingress.kubernetes.io/proxy-read-timeout": str(t.request_timeout_seconds),
                "nginx.ingress.kubernetes.io/proxy-buffering": "off",
            }
        )

    def bind(name: str, namespace: str, service_account: str, opts: pulumi.ResourceOptions) -> BoundIdentity:
        rec.dns_bindings.append((name, namespace, service_account))
        return BoundIdentity(
            annotations={"azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000001"},
            labels={"azure.workload.identity/use": "true"},
            pod_labels={"azure.workload.identity/use": "true"},
        )

    zone = DnsZone(
        domain=DOMAIN,
        dns01_solver={
            "azureDNS": {
                "subscriptionID": "sub",
                "resourceGroupName": "dns",
                "hostedZoneName": DOMAIN,
                "managedIdentity": {"clientID": "id"},
            }
        },
        bind_dns_identity=bind,
    )
    return IngressFacts(
        api="ingress",
        classes=CLASSES["nginx"],
        certificates="cert-manager",
        decorate_entry_point=entry,
        decorate_route=route,
        data_plane_peers=NGINX_PEERS,
        dns_zone=zone,
    )


FACTS = {"alb": alb_like, "gke": gke_like, "nginx": nginx_like}


def exposed_network(**extra: Any) -> dict[str, Any]:
    """aws-prod's network with a domain: both its services exposed (internal by default)."""
    return {"cidr": "10.40.0.0/16", "zones": 3, "domain": DOMAIN, **extra}
