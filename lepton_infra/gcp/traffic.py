"""GKE traffic: the Gateway API facts on the cluster handle, the SSL policy of the load balancers, each
Gateway's static address and the hosts' DNS records (gcp/host_dns.py), and the DNS-01 identity
cert-manager proves public hosts with.

GKE's own Gateway controller (cluster `gatewayApiConfig.channel: CHANNEL_STANDARD`) turns a Gateway of
class `gke-l7-rilb` into a regional internal application load balancer and `gke-l7-regional-external-managed`
into a regional external one; both run Envoy proxies in the VPC's proxy-only subnet (GKE docs, "Deploying
Gateways" / "GatewayClass capabilities"). Their settings come from policies (networking.gke.io/v1, CRDs
of GoogleCloudPlatform/gke-gateway-api v1.4.0): `GCPGatewayPolicy` on the Gateway (SSL policy; same
namespace as the Gateway), `HealthCheckPolicy` and `GCPBackendPolicy` on each backend Service (same
namespace as the Service; one GCPBackendPolicy per Service).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import ipv4_cidr, one_of, renamed_fields, renamed_names
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.exposure import exposed_services
from lepton_infra.core.identity import BoundIdentity
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.traffic import Decoration, DnsZone, EntryPoint, Exposure, IngressFacts, RouteTarget
from lepton_infra.gcp.host_dns import (
    PUBLIC_RESOLVERS,
    HostDns,
    HostDnsArgs,
    gateway_address,
    gateway_addresses_field,
)
from lepton_infra.gcp.identity import GKE_SA_ANNOTATION, WORKLOAD_IDENTITY_USER_ROLE
from lepton_infra.gcp.network import HEALTH_CHECK_RANGES
from lepton_infra.gcp.planning import workload_identity_member
from lepton_infra.kubernetes.charts.pinned import INTERCEPTOR_ADMIN_PORT, INTERCEPTOR_PROXY_PORT
from lepton_infra.spec import NetworkSpec
from lepton_infra.spec.problems import like_spec_field

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

GATEWAY_CLASSES: dict[Exposure, str] = {
    "internal": "gke-l7-rilb",
    "public": "gke-l7-regional-external-managed",
}
POLICY_API = "networking.gke.io/v1"
# What cert-manager's Cloud DNS solver calls with `hostedZoneName` set (cert-manager v1.21.1
# pkg/issuer/acme/dns/clouddns/clouddns.go: getHostedZone returns the configured zone and never lists
# zones; Present/CleanUp read and change record sets). Granted on the one managed zone, not the project:
# roles/dns.admin there would also let it delete the zone.
DNS01_PERMISSIONS = (
    "dns.changes.create",
    "dns.changes.get",
    "dns.changes.list",
    "dns.managedZones.get",
    "dns.resourceRecordSets.create",
    "dns.resourceRecordSets.delete",
    "dns.resourceRecordSets.get",
    "dns.resourceRecordSets.list",
    "dns.resourceRecordSets.update",
)
# Backend services accept a connection draining timeout of 0-3600 s (Compute API, backendServices).
MAX_DRAINING_SECONDS = 3600
# SSL certificates one target HTTPS proxy holds: GKE turns each Gateway listener's certificate Secret into
# an SslCertificate on the Gateway's one proxy, and the Compute API takes "up to 15 SSL certificates"
# (targetHttpsProxies.setSslCertificates / regionTargetHttpsProxies; google-cloud-compute reference
# TargetHttpsProxiesSetSslCertificatesRequest, page updated 2024-05-17, read 2026-12-07).
MAX_PROXY_CERTIFICATES = 15


def _acme_zone(zone: Any, kwargs: dict[str, Any]) -> Any:
    """`dns_zone` (before 0.2.0) was set only for acme, and was also the public zone then."""
    kwargs.setdefault("tls_issuer", "acme" if zone is not None else "private-ca")
    kwargs.setdefault("public_zone", zone)
    return kwargs["tls_issuer"]


@renamed_fields(dns_zone=("tls_issuer", _acme_zone))
@dataclass
class TrafficArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    project_id: str
    """The same project as plain text (the ClusterIssuer's Cloud DNS solver names it)."""
    region: str
    """The Gateways' region: the SSL policy and static addresses are regional."""
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`)."""
    proxy_only_cidr: str
    """The proxy-only subnet's range: the Envoy proxies reach pods from it (the NetworkPolicy peers)."""
    tls_issuer: str = "private-ca"
    """acme | private-ca (`network.tls_issuer`): acme proves each host by DNS-01 in `public_zone`. Default:
    `private-ca`, the platform's own CA."""
    domain: str | None = None
    """`network.domain`: the private zone's name and the hosts' domain. Default: none, no zone and no
    records."""
    hosts: Sequence[tuple[str, Exposure]] = ()
    """Every exposed host with its exposure: a Gateway (and a static address) per exposure used. Default:
    none."""
    network: pulumi.Input[str] | None = None
    """The VPC (its id): the private zone for `domain` is visible to it. Default: none, no zone and no
    records."""
    node_subnet: pulumi.Input[str] | None = None
    """The nodes' subnet (its id): the internal Gateway's address is reserved there. Default: none (required
    with an internal host)."""
    dns_records: bool = True
    """`network.dns_records`: a private zone for `domain` and each host's A record(s) (`HostDns`). Default: on
    (needs `network` and `domain`)."""
    public_zone: str | None = None
    """The operator's public Cloud DNS zone (`gcp.dns_zone`), whatever the issuer: public hosts' records go
    there, and acme's challenges. Default: none."""
    gcp_provider: pulumi.ProviderResource | None = None
    """The platform's GCP provider, for the DNS-01 identity made on the in-cluster layer's behalf (whose
    parent carries only a Kubernetes provider). Default: the caller's default provider."""

    @property
    def acme_zone(self) -> str | None:
        """The zone cert-manager writes DNS-01 challenges in (acme only)."""
        return self.public_zone if self.tls_issuer == "acme" else None

    @property
    def public(self) -> bool:
        """Some service is exposed publicly (the external class is offered)."""
        return any(e == "public" for _, e in self.hosts)

    def problems(self) -> Iterator[Problem]:
        yield from ipv4_cidr("proxy_only_cidr", self.proxy_only_cidr)
        for host, exposure in self.hosts:
            yield from one_of(f"hosts.{host}", exposure, sorted(GATEWAY_CLASSES), "exposure")
        if any(e == "internal" for _, e in self.hosts) and self.node_subnet is None:
            yield Problem(
                "node_subnet",
                None,
                "the internal Gateway's address is reserved in the nodes' subnet",
                "pass the nodes' subnet id",
            )
        yield from like_spec_field("tls_issuer", self.tls_issuer, NetworkSpec, "tls_issuer")
        if self.tls_issuer == "acme" and self.public_zone is None:
            yield Problem(
                "public_zone",
                None,
                "acme proves each host by a DNS-01 record in the public Cloud DNS zone",
                "set public_zone (gcp.dns_zone), or use tls_issuer private-ca",
            )
        if self.tls_issuer == "acme" and self.domain is None:
            yield Problem(
                "domain",
                None,
                "cert-manager proves hosts under the domain in public_zone",
                "set domain (network.domain), or use tls_issuer private-ca",
            )


class Traffic(Component):
    TOKEN = "lepton:gcp:Traffic"

    def __init__(self, name: str, args: TrafficArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        self.args = args
        # TLS 1.2 or later, RESTRICTED ciphers (ECDHE with AES-GCM / ChaCha20 only) on every listener.
        self.ssl_policy = gcp.compute.RegionSslPolicy(
            child_name(name, "ssl-policy"),
            name=physical_name(args.name_prefix, "tls12", limit="gcp:generic"),
            project=args.project,
            region=args.region,
            min_tls_version="TLS_1_2",
            profile="RESTRICTED",
            description="lepton-infra: TLS 1.2+ for the platform's Gateways",
            opts=self.child_opts(),
        )
        self.dns_role: gcp.projects.IAMCustomRole | None = None
        if args.acme_zone is not None:
            self.dns_role = gcp.projects.IAMCustomRole(
                child_name(name, "dns01-role"),
                project=args.project,
                role_id=physical_name(args.name_prefix, "dns01", separator="_", limit=64).replace("-", "_"),
                title="lepton-infra DNS-01 solver",
                permissions=list(DNS01_PERMISSIONS),
                description="Write ACME challenge records in one managed zone (granted on that zone only).",
                opts=self.child_opts(),
            )
        self.addresses: dict[Exposure, gcp.compute.Address] = {}
        exposures: list[Exposure] = sorted({e for _, e in args.hosts})
        for exposure in exposures:
            self.addresses[exposure] = gateway_address(
                child_name(name, f"address-{exposure}"),
                exposure,
                project=args.project,
                region=args.region,
                name_prefix=args.name_prefix,
                node_subnet=args.node_subnet or "",
                opts=self.child_opts(),
            )
        # Where each Gateway answers: what its hosts' records point at, and the stack output (for your own DNS
        # with `network.dns_records: false`).
        self.gateway_ips: dict[Exposure, pulumi.Output[str]] = {
            e: a.address for e, a in self.addresses.items()
        }
        self.host_dns: HostDns | None = None
        if args.dns_records and args.hosts and args.domain is not None and args.network is not None:
            self.host_dns = HostDns(
                child_name(name, "dns"),
                HostDnsArgs(
                    project=args.project,
                    name_prefix=args.name_prefix,
                    domain=args.domain,
                    network=args.network,
                    hosts=list(args.hosts),
                    addresses=self.gateway_ips,
                    public_zone=args.public_zone,
                ),
                self.child_opts(),
            )
        self.finish({"ssl_policy": self.ssl_policy.name, "gateway_addresses": self.gateway_ips})

    def host_addresses(self) -> dict[str, pulumi.Output[str]]:
        """host -> the static address of the Gateway serving it."""
        return {host: self.gateway_ips[exposure] for host, exposure in sorted(self.args.hosts)}

    def facts(self) -> IngressFacts:
        args = self.args
        classes: dict[Exposure, str] = {
            k: v for k, v in GATEWAY_CLASSES.items() if k == "internal" or args.public
        }
        return IngressFacts(
            api="gateway",
            classes=classes,
            certificates="cert-manager",
            decorate_entry_point=lambda ep: gateway_decoration(ep, self.ssl_policy, self._address(ep)),
            decorate_route=route_decoration,
            data_plane_peers=data_plane_peers(args.proxy_only_cidr),
            dns_zone=self._dns_zone(),
            gateway_api_crds_installed=True,
            max_certificates=MAX_PROXY_CERTIFICATES,
        )

    def _address(self, entry: EntryPoint) -> gcp.compute.Address:
        if entry.exposure not in self.addresses:
            raise ValueError(
                f"no address reserved for a {entry.exposure} Gateway: TrafficArgs.hosts lists no "
                f"{entry.exposure} host, but the layer routes {list(entry.hosts)} through one"
            )
        return self.addresses[entry.exposure]

    def _dns_zone(self) -> DnsZone | None:
        args = self.args
        if args.acme_zone is None or args.domain is None:
            return None
        zone, role = args.acme_zone, self.dns_role
        assert role is not None

        def bind(
            name: str, namespace: str, service_account: str, opts: pulumi.ResourceOptions
        ) -> BoundIdentity:
            merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=args.gcp_provider))
            account = gcp.serviceaccount.Account(
                f"{name}-gsa",
                project=args.project,
                account_id=physical_name(args.name_prefix, "dns01", limit="gcp:service-account"),
                display_name=f"{namespace}/{service_account} (DNS-01)",
                description=f"cert-manager's DNS-01 solver: TXT records in managed zone {zone} only.",
                opts=merged,
            )
            gcp.dns.DnsManagedZoneIamMember(
                f"{name}-zone",
                project=args.project,
                managed_zone=zone,
                role=role.name,
                member=account.member,
                opts=merged,
            )
            gcp.serviceaccount.IAMMember(
                f"{name}-trust",
                service_account_id=account.name,
                role=WORKLOAD_IDENTITY_USER_ROLE,
                member=pulumi.Output.from_input(args.project).apply(
                    lambda p: workload_identity_member(p, namespace, service_account)
                ),
                opts=merged,
            )
            return BoundIdentity(annotations={GKE_SA_ANNOTATION: account.email})

        solver = {"cloudDNS": {"project": args.project_id, "hostedZoneName": zone}}
        # Split-horizon: the private zone for the same domain answers inside the VPC, where the TXT record
        # cert-manager writes in the public zone does not exist; its self-check asks public resolvers.
        resolvers = PUBLIC_RESOLVERS if self.host_dns is not None else ()
        return DnsZone(
            domain=args.domain, dns01_solver=solver, bind_dns_identity=bind, recursive_nameservers=resolvers
        )


def gateway_decoration(
    entry: EntryPoint, ssl_policy: gcp.compute.RegionSslPolicy, address: gcp.compute.Address
) -> Decoration:
    policy = {
        "apiVersion": POLICY_API,
        "kind": "GCPGatewayPolicy",
        "metadata": {"name": f"{entry.name}-tls", "namespace": entry.namespace},
        "spec": {
            "default": {"sslPolicy": ssl_policy.name},
            "targetRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": entry.name},
        },
    }
    return Decoration(
        objects=[policy], depends_on=[ssl_policy, address], addresses=gateway_addresses_field(address)
    )


def route_decoration(target: RouteTarget) -> Decoration:
    ref = {"group": "", "kind": "Service", "name": target.backend_service}
    meta = {"namespace": target.namespace}
    health: Mapping[str, Any] = {
        "apiVersion": POLICY_API,
        "kind": "HealthCheckPolicy",
        "metadata": {"name": f"{target.backend_service}-health", **meta},
        # The check asks what the readiness probe asks, so a replica failing it leaves rotation.
        "spec": {
            "default": {
                "checkIntervalSec": 10,
                "timeoutSec": 5,
                "healthyThreshold": 1,
                "unhealthyThreshold": 3,
                "config": {
                    "type": "HTTP",
                    "httpHealthCheck": {
                        "requestPath": target.health_path,
                        "port": target.health_port,
                        "portSpecification": "USE_FIXED_PORT",
                    },
                },
            },
            "targetRef": ref,
        },
    }
    backend: Mapping[str, Any] = {
        "apiVersion": POLICY_API,
        "kind": "GCPBackendPolicy",
        "metadata": {"name": f"{target.backend_service}-backend", **meta},
        # timeoutSec bounds one request (default 30 s): long inferences, streams, a cold start from zero.
        "spec": {
            "default": {
                "timeoutSec": target.request_timeout_seconds,
                "connectionDraining": {"drainingTimeoutSec": min(target.drain_seconds, MAX_DRAINING_SECONDS)},
            },
            "targetRef": ref,
        },
    }
    return Decoration(objects=[health, backend])


def data_plane_peers(proxy_only_cidr: str) -> list[dict]:
    """The proxies connect from the proxy-only subnet; health checks from Google's probe ranges."""
    return [{"ipBlock": {"cidr": c}} for c in (proxy_only_cidr, *HEALTH_CHECK_RANGES)]


def load_balancer_ports(spec: PlatformSpec) -> list[str]:
    """The pod ports the proxies and Google's health checks connect to, and no others: a service routed
    straight to its pods is reached and checked on its container port; a service that scales from zero on
    requests is routed to the KEDA interceptor (`kubernetes/traffic/routes.py`, `route_target`), reached
    on the interceptor's proxy port and checked on its admin port (`/readyz` is served only there since
    http-add-on 0.15.0; chart kedacore/charts http-add-on 0.15.0 templates/interceptor/deployment.yaml
    names both container ports from the values the platform sets). The service's own port is then
    reached only by the interceptor, inside the cluster."""
    from lepton_infra.core.scaling import autoscaler_for

    by_name = {s.name: s for s in spec.services}
    ports: set[int] = set()
    for exposed in exposed_services(spec):
        service = by_name[exposed.service]
        if autoscaler_for(service.replicas.min, service.scaling.metric) == "keda-http":
            ports |= {INTERCEPTOR_PROXY_PORT, INTERCEPTOR_ADMIN_PORT}
        else:
            ports.add(service.port)
    return [str(p) for p in sorted(ports)]


__getattr__ = renamed_names(__name__, {"GkeTraffic": "Traffic", "GkeTrafficArgs": "TrafficArgs"}, globals())
