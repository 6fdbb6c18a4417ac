"""Traffic facts: how a cluster's load balancers reach its services, and how their certificates are issued.

The in-cluster layer renders the routes (Kubernetes `Ingress` or Gateway API objects), the certificates and
the NetworkPolicies that admit the load balancer's data plane; the cloud says, through these facts on its
`ClusterHandle`, which API and classes its load balancers read, what each route must carry to get an
internal or a public load balancer with TLS 1.2+, health checks that follow the pod's readiness and
timeouts fit for inference, and which sources those load balancers connect to pods from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi

from lepton_infra.core.identity import BoundIdentity

Exposure = Literal["internal", "public"]
RouteApi = Literal["ingress", "gateway"]
# Who issues the certificates the load balancer serves: cert-manager into Secrets the load balancer reads
# (GKE Gateway, AKS app routing), or the cloud itself (ACM on an ALB, which reads no Secret).
CertificateSource = Literal["cert-manager", "cloud"]


@dataclass(frozen=True)
class EntryPoint:
    """One shared load balancer: per exposure, one Gateway (`api == "gateway"`) or one group of Ingresses."""

    exposure: Exposure
    name: str  # the Gateway's name, or the ALB group / IngressClass-level name
    namespace: str  # where the Gateway lives (the platform's ingress namespace)
    hosts: tuple[str, ...]  # every host served through it, sorted
    # The longest request timeout of the inference engines it serves (RouteTarget.engine_answer_seconds
    # set), 0 when it serves none: a non-streaming answer sends nothing back until its last token, so a
    # load balancer's idle timeout must outlast it.
    longest_engine_request_seconds: int = 0


@dataclass(frozen=True)
class RouteTarget:
    """One host routed to one backend Service, as the in-cluster layer asks the cloud to decorate it."""

    service: str  # the spec's service name
    host: str  # FQDN within `network.domain`
    exposure: Exposure
    namespace: str  # namespace of the backend Service (the tenant's, or KEDA's for the interceptor)
    backend_service: str
    backend_port: int
    # What the load balancer's health check asks, so a replica failing readiness leaves rotation. For a
    # service behind the KEDA interceptor this is the interceptor's own health endpoint.
    health_path: str
    health_port: int  # the container port the check reaches (load balancers target pod IPs)
    # How long one request may run: long inferences, streaming responses, and a cold start from zero.
    request_timeout_seconds: int
    # Seconds a replica keeps serving in-flight requests after it leaves rotation (scale-in).
    drain_seconds: int
    # An inference engine's longest answer (kubernetes/serving/answer_time.py), already counted in
    # `request_timeout_seconds`; None for any other service.
    engine_answer_seconds: int | None = None


@dataclass(frozen=True)
class Decoration:
    """What the cloud adds to an entry point or a route (never the host, TLS or backend: the layer's)."""

    # On the Ingress / Gateway. Values may be Outputs (an ACM certificate's ARN on AWS).
    annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    service_annotations: Mapping[str, str] = field(default_factory=dict)  # on the backend Service
    # Extra cloud-specific manifests (GKE HealthCheckPolicy, GCPBackendPolicy, GCPGatewayPolicy), full
    # objects with apiVersion/kind/metadata/spec; the layer creates them with the handle's provider.
    objects: Sequence[Mapping[str, Any]] = ()
    # Cloud resources the route must wait for (an ACM certificate's validation, an SSL policy).
    depends_on: Sequence[pulumi.Resource] = ()
    # Gateway `spec.addresses` (entry points of api == "gateway" only): the address the cloud reserved for
    # this load balancer, e.g. `{"type": "NamedAddress", "value": <GCE address name>}` on GKE, so its DNS
    # records can be written before the Gateway exists and outlive a re-created Gateway.
    addresses: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class DnsZone:
    """The zone `network.domain` is served from, and how cert-manager proves control of it (DNS-01)."""

    domain: str
    # The ClusterIssuer's `dns01` solver body (route53 / cloudDNS / azureDNS), without the identity.
    dns01_solver: Mapping[str, Any]
    # Gives cert-manager's service account an identity allowed to change TXT records in this zone only.
    bind_dns_identity: Callable[[str, str, str, pulumi.ResourceOptions], BoundIdentity] | None = None
    # Resolvers cert-manager's DNS-01 self-check asks instead of the cluster's (`host:port`). Set when a
    # private zone for the same domain shadows the public one inside the network (split-horizon): the
    # cluster's resolver would answer from the private zone, never see the challenge TXT record in the
    # public zone, and the self-check would wait forever (cert-manager docs, "Setting nameservers for
    # DNS01 self check").
    recursive_nameservers: tuple[str, ...] = ()


@dataclass(frozen=True)
class HostAddress:
    """Where one exposed host's load balancer answers, as its Ingress reports it once the load balancer
    exists (`status.loadBalancer.ingress[0]`; Pulumi awaits an Ingress until that is set)."""

    host: str
    exposure: Exposure
    hostname: pulumi.Output[str | None]  # a DNS name (an ALB's), or None
    ip: pulumi.Output[str | None]  # an address (the Service in front of AKS's NGINX), or None
    source: pulumi.Resource  # the Ingress carrying the status: its records wait for it


# Writes one host's DNS record(s) pointing at its load balancer: (resource name, address, options) ->
# the records. The options carry the parent and the wait for the Ingress.
PublishHost = Callable[[str, HostAddress, pulumi.ResourceOptions], Sequence[pulumi.Resource]]


@dataclass(frozen=True)
class IngressFacts:
    api: RouteApi
    # IngressClass (api == "ingress") or GatewayClass (api == "gateway") per exposure the cloud offers.
    classes: Mapping[Exposure, str]
    certificates: CertificateSource
    decorate_entry_point: Callable[[EntryPoint], Decoration]
    decorate_route: Callable[[RouteTarget], Decoration]
    # NetworkPolicy `from` peers the load balancer's data plane (and its health checks) connect from: the
    # only sources a routed service's pods admit besides the tenant's own namespace and monitoring.
    data_plane_peers: Sequence[Mapping[str, Any]]
    # What every route waits for (the load-balancer controller's release and webhook, an add-on).
    controller_dependencies: Sequence[pulumi.Resource] = ()
    # The public zone (for ACME) or None: certificates come from the platform's private CA.
    dns_zone: DnsZone | None = None
    # Gateway API CRDs installed by the cloud (GKE), so the layer never installs its own copy.
    gateway_api_crds_installed: bool = False
    # Labels on every namespace whose pods a load balancer targets (tenants, KEDA for the interceptor): the
    # AWS controller injects its pod readiness gate only there, so a rollout waits until the ALB target
    # is healthy before the next old pod goes.
    target_namespace_labels: Mapping[str, str] = field(default_factory=dict)
    # The Gateway implementation honours HTTPRoute `rules[].timeouts.request` (standard since Gateway API
    # v1.2, support is per implementation). False: the layer sets none and the cloud's route decoration
    # carries `RouteTarget.request_timeout_seconds` (e.g. GKE's GCPBackendPolicy `timeoutSec`).
    route_timeouts: bool = False
    # Writes each exposed host's DNS records from the address its Ingress reports (api == "ingress").
    # None: nobody writes them from the cluster's side, either because the cloud wrote them already from an
    # address it reserved (GKE: a static address per Gateway, `Decoration.addresses`) or because the
    # operator's DNS points the hosts at the load balancers (`network.dns_records: false`).
    publish_host: PublishHost | None = None
    # Certificates one entry point's load balancer can serve, or None when only the Gateway API's own
    # listener limit applies. Every host is an HTTPS listener with its own certificate Secret, so a cloud
    # whose proxy holds fewer certificates than a Gateway holds listeners sets its limit here, and more
    # hosts than that on one entry point are refused at spec time (the load balancer would otherwise
    # reject the whole certificate list and every host on it would fail).
    max_certificates: int | None = None
