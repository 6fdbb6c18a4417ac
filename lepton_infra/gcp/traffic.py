"""GKE traffic: the Gateway API facts on the cluster handle, the SSL policy of the load balancers, and the
DNS-01 identity cert-manager proves public hosts with.

GKE's own Gateway controller (cluster `gatewayApiConfig.channel: CHANNEL_STANDARD`) turns a Gateway of
class `gke-l7-rilb` into a regional internal application load balancer and `gke-l7-regional-external-managed`
into a regional external one; both run Envoy proxies in the VPC's proxy-only subnet (GKE docs, "Deploying
Gateways" / "GatewayClass capabilities"). Their settings come from policies (networking.gke.io/v1, CRDs
of GoogleCloudPlatform/gke-gateway-api v1.4.0): `GCPGatewayPolicy` on the Gateway (SSL policy; same
namespace as the Gateway), `HealthCheckPolicy` and `GCPBackendPolicy` on each backend Service (same
namespace as the Service; one GCPBackendPolicy per Service).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.cluster_handle import BoundIdentity
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.traffic import Decoration, DnsZone, EntryPoint, IngressFacts, RouteTarget
from lepton_infra.gcp.identity import GKE_SA_ANNOTATION, WORKLOAD_IDENTITY_USER_ROLE
from lepton_infra.gcp.network import HEALTH_CHECK_RANGES
from lepton_infra.gcp.planning import workload_identity_member
from lepton_infra.kubernetes.charts import INTERCEPTOR_PROXY_PORT
from lepton_infra.spec.exposure import exposed_services

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

GATEWAY_CLASSES = {"internal": "gke-l7-rilb", "public": "gke-l7-regional-external-managed"}
POLICY_API = "networking.gke.io/v1"
# What cert-manager's Cloud DNS solver calls with `hostedZoneName` set (cert-manager v1.21.1
# pkg/issuer/acme/dns/clouddns/clouddns.go: getHostedZone returns the configured zone and never lists
# zones; Present/CleanUp read and change record sets). Granted on the one managed zone, not the project:
# roles/dns.admin there would also let it delete the zone.
DNS01_PERMISSIONS = (
    "dns.changes.create", "dns.changes.get", "dns.changes.list", "dns.managedZones.get",
    "dns.resourceRecordSets.create", "dns.resourceRecordSets.delete", "dns.resourceRecordSets.get",
    "dns.resourceRecordSets.list", "dns.resourceRecordSets.update",
)
# The KEDA HTTP add-on interceptor's admin port (chart keda-add-ons-http 0.12.0 values: interceptor.admin.port),
# where a route through the interceptor may be health-checked.
INTERCEPTOR_ADMIN_PORT = 9090
# Backend services accept a connection draining timeout of 0-3600 s (Compute API, backendServices).
MAX_DRAINING_SECONDS = 3600


@dataclass
class GkeTrafficArgs:
    project: pulumi.Input[str]
    project_id: str
    """The same project as plain text (the ClusterIssuer's solver names it)."""
    region: str
    name_prefix: str
    proxy_only_cidr: str
    dns_zone: str | None = None
    """The Cloud DNS managed zone for acme (gcp.dns_zone); None: the platform's private CA."""
    domain: str | None = None
    public: bool = False
    """Some service is exposed publicly (the external class is offered)."""
    gcp_provider: pulumi.ProviderResource | None = None


class GkeTraffic(Component):
    TOKEN = "lepton:gcp:Traffic"

    def __init__(self, name: str, args: GkeTrafficArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        self.args = args
        # TLS 1.2 or later, RESTRICTED ciphers (ECDHE with AES-GCM / ChaCha20 only) on every listener.
        self.ssl_policy = gcp.compute.RegionSslPolicy(
            child_name(name, "ssl-policy"), name=physical_name(args.name_prefix, "tls12", limit="gcp:generic"),
            project=args.project, region=args.region, min_tls_version="TLS_1_2", profile="RESTRICTED",
            description="lepton-infra: TLS 1.2+ for the platform's Gateways", opts=self.child_opts())
        self.dns_role: gcp.projects.IAMCustomRole | None = None
        if args.dns_zone is not None:
            self.dns_role = gcp.projects.IAMCustomRole(
                child_name(name, "dns01-role"), project=args.project,
                role_id=physical_name(args.name_prefix, "dns01", separator="_", limit=64).replace("-", "_"),
                title="lepton-infra DNS-01 solver", permissions=list(DNS01_PERMISSIONS),
                description="Write ACME challenge records in one managed zone (granted on that zone only).",
                opts=self.child_opts())
        self.finish({"ssl_policy": self.ssl_policy.name})

    def facts(self) -> IngressFacts:
        args = self.args
        classes = {k: v for k, v in GATEWAY_CLASSES.items() if k == "internal" or args.public}
        return IngressFacts(
            api="gateway", classes=classes, certificates="cert-manager",  # type: ignore[arg-type]
            decorate_entry_point=lambda ep: gateway_decoration(ep, self.ssl_policy),
            decorate_route=route_decoration,
            data_plane_peers=data_plane_peers(args.proxy_only_cidr),
            dns_zone=self._dns_zone(), gateway_api_crds_installed=True,
        )

    def _dns_zone(self) -> DnsZone | None:
        args = self.args
        if args.dns_zone is None or args.domain is None:
            return None
        zone, role = args.dns_zone, self.dns_role
        assert role is not None

        def bind(name: str, namespace: str, service_account: str, opts: pulumi.ResourceOptions) -> BoundIdentity:
            merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=args.gcp_provider))
            account = gcp.serviceaccount.Account(
                f"{name}-gsa", project=args.project,
                account_id=physical_name(args.name_prefix, "dns01", limit="gcp:service-account"),
                display_name=f"{namespace}/{service_account} (DNS-01)",
                description=f"cert-manager's DNS-01 solver: TXT records in managed zone {zone} only.", opts=merged)
            gcp.dns.DnsManagedZoneIamMember(
                f"{name}-zone", project=args.project, managed_zone=zone, role=role.name, member=account.member,
                opts=merged)
            gcp.serviceaccount.IAMMember(
                f"{name}-trust", service_account_id=account.name, role=WORKLOAD_IDENTITY_USER_ROLE,
                member=pulumi.Output.from_input(args.project).apply(
                    lambda p: workload_identity_member(p, namespace, service_account)), opts=merged)
            return BoundIdentity(annotations={GKE_SA_ANNOTATION: account.email})

        solver = {"cloudDNS": {"project": args.project_id, "hostedZoneName": zone}}
        return DnsZone(domain=args.domain, dns01_solver=solver, bind_dns_identity=bind)


def gateway_decoration(entry: EntryPoint, ssl_policy: gcp.compute.RegionSslPolicy) -> Decoration:
    policy = {
        "apiVersion": POLICY_API, "kind": "GCPGatewayPolicy",
        "metadata": {"name": f"{entry.name}-tls", "namespace": entry.namespace},
        "spec": {"default": {"sslPolicy": ssl_policy.name},
                 "targetRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": entry.name}},
    }
    return Decoration(objects=[policy], depends_on=[ssl_policy])


def route_decoration(target: RouteTarget) -> Decoration:
    ref = {"group": "", "kind": "Service", "name": target.backend_service}
    meta = {"namespace": target.namespace}
    health: Mapping[str, Any] = {
        "apiVersion": POLICY_API, "kind": "HealthCheckPolicy",
        "metadata": {"name": f"{target.backend_service}-health", **meta},
        # The check asks what the readiness probe asks, so a replica failing it leaves rotation.
        "spec": {"default": {"checkIntervalSec": 10, "timeoutSec": 5, "healthyThreshold": 1, "unhealthyThreshold": 3,
                             "config": {"type": "HTTP", "httpHealthCheck": {
                                 "requestPath": target.health_path, "port": target.health_port,
                                 "portSpecification": "USE_FIXED_PORT"}}},
                 "targetRef": ref},
    }
    backend: Mapping[str, Any] = {
        "apiVersion": POLICY_API, "kind": "GCPBackendPolicy",
        "metadata": {"name": f"{target.backend_service}-backend", **meta},
        # timeoutSec bounds one request (default 30 s): long inferences, streams, a cold start from zero.
        "spec": {"default": {"timeoutSec": target.request_timeout_seconds,
                             "connectionDraining": {"drainingTimeoutSec": min(target.drain_seconds,
                                                                              MAX_DRAINING_SECONDS)}},
                 "targetRef": ref},
    }
    return Decoration(objects=[health, backend])


def data_plane_peers(proxy_only_cidr: str) -> list[dict]:
    """The proxies connect from the proxy-only subnet; health checks from Google's probe ranges."""
    return [{"ipBlock": {"cidr": c}} for c in (proxy_only_cidr, *HEALTH_CHECK_RANGES)]


def load_balancer_ports(spec: PlatformSpec) -> list[str]:
    """The pod ports the proxies and health checks reach: each exposed service's container port, and the
    KEDA interceptor's proxy and admin ports where a service scales from zero on requests."""
    from lepton_infra.core.scaling import autoscaler_for

    by_name = {s.name: s for s in spec.services}
    ports: set[int] = set()
    for exposed in exposed_services(spec):
        service = by_name[exposed.service]
        ports.add(service.port)
        if autoscaler_for(service.replicas.min, service.scaling.metric) == "keda-http":
            ports |= {INTERCEPTOR_PROXY_PORT, INTERCEPTOR_ADMIN_PORT}
    return [str(p) for p in sorted(ports)]
