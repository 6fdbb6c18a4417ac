"""AKS traffic: the application routing add-on's managed NGINX, one `NginxIngressController` per exposure
used, the Ingress facts on the cluster handle, the DNS-01 identity cert-manager proves public hosts with,
and the hosts' DNS records (host_dns.py: a private zone on the VNet, public hosts also in the public zone).

The add-on (ManagedCluster `ingressProfile.webAppRouting`) runs the app-routing operator in
`app-routing-system`; each `NginxIngressController` (approuting.kubernetes.azure.com/v1alpha1, cluster
scoped; Azure/aks-app-routing-operator v0.2.25 api/v1alpha1/nginxingresscontroller_types.go) makes an
NGINX deployment there, an IngressClass named `spec.ingressClassName`, and a `type: LoadBalancer`
Service carrying `spec.loadBalancerAnnotations`. The add-on's own default controller would be a public
load balancer whether or not anything is exposed; the cluster asks for none
(`nginx.defaultIngressControllerType: None`) and the platform creates exactly the ones in use.

TLS: the operator's NGINX ConfigMap sets no `ssl-protocols` (pkg/manifests fixtures at v0.2.25), so
ingress-nginx's default applies: `TLSv1.2 TLSv1.3` (ingress-nginx ConfigMap docs, `ssl-protocols`).
Health: NGINX sends requests only to endpoints that pass readiness (it routes to the Service's
EndpointSlices), so a replica failing its probe leaves rotation without a health-check setting.

Support: Microsoft supports the add-on's managed NGINX through November 2026 only (upstream ingress-nginx
is retired); its successor is the add-on's Gateway API implementation, whose cluster fields the pinned
azure-native's ManagedCluster API does not carry yet. Until the platform moves, every plan that creates a
controller warns with the dated row of core/data/managed_features.yaml (docs/azure.md, "Ingress support").
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi_azure_native import managedidentity, privatedns

from lepton_infra.azure.host_dns import SELF_CHECK_RESOLVERS, HostRecords, PublicZone, private_host_zone
from lepton_infra.azure.identity import CLIENT_ID_ANNOTATION, USE_LABEL
from lepton_infra.azure.planning import WORKLOAD_IDENTITY_AUDIENCE, workload_subject
from lepton_infra.azure.roles import grant
from lepton_infra.core.args import one_of, renamed_fields, renamed_names
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.identity import BoundIdentity
from lepton_infra.core.kubernetes_versions import plan_date
from lepton_infra.core.managed_features import support_warning
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.traffic import Decoration, DnsZone, EntryPoint, Exposure, IngressFacts, RouteTarget
from lepton_infra.profiles.azure.knobs import AzureKnobs
from lepton_infra.profiles.azure.tags import AZURE_TAGS
from lepton_infra.spec import NetworkSpec
from lepton_infra.spec.problems import like_spec_field

CRD_API = "approuting.kubernetes.azure.com/v1alpha1"
MANAGED_NGINX = "aks-app-routing-nginx"  # its support row in core/data/managed_features.yaml
ADD_ON_NAMESPACE = "app-routing-system"  # aks-app-routing-operator pkg/config/config.go DefaultNs
NGINX = "nginx.ingress.kubernetes.io/"
AZURE_LB = "service.beta.kubernetes.io/azure-load-balancer-"
# An Azure load balancer drops a TCP flow idle this long (4-100 minutes; default 4): it outlasts the 20
# minutes the KEDA interceptor may hold a request while a replica cold-starts.
LB_IDLE_TIMEOUT_MINUTES = 30
LB_MAX_IDLE_TIMEOUT_MINUTES = 100
# Model payloads (images, batches of text) exceed NGINX's 1m default body size.
MAX_BODY_SIZE = "100m"


def controller_name(exposure: Exposure) -> str:
    return f"lepton-{exposure}"


def _issuer(acme: Any, _kwargs: dict[str, Any]) -> str:
    return "acme" if acme else "private-ca"


@renamed_fields(
    dns_zone_id="public_zone", acme=("tls_issuer", _issuer), dns_zone_provider="public_zone_provider"
)
@dataclass
class TrafficArgs(ComponentArgs):
    exposures: frozenset[str]
    """The exposures some service uses (internal | public): one NginxIngressController each."""
    k8s_provider: pulumi.ProviderResource
    """The cluster's Kubernetes provider: the NginxIngressControllers go through it."""
    prod: bool
    """Production: each NGINX controller scales 2 to 10 replicas (1 to 3 otherwise)."""
    location: str
    """The Azure region (e.g. `eastus`)."""
    resource_group_name: pulumi.Input[str]
    """The resource group (its name) the resources are created in (`Network.resource_group_name`)."""
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`)."""
    oidc_issuer: pulumi.Input[str]
    """The cluster's OIDC issuer URL: cert-manager's DNS-01 identity trusts its service account on it."""
    azure_provider: pulumi.ProviderResource
    """The platform's Azure provider, for resources made on the in-cluster layer's behalf (whose parent
    carries only a Kubernetes provider)."""
    domain: str | None = None
    """`network.domain`: the private zone's name and the hosts' domain. Default: none, no zone and no
    records."""
    public_zone: str | None = None
    """Resource id of the operator's public Azure DNS zone (`azure.dns_zone_id`): public hosts' records, and
    acme's DNS-01 challenges. Default: none."""
    tls_issuer: str = "private-ca"
    """acme | private-ca (`network.tls_issuer`): acme proves each host by DNS-01 in `public_zone`. Default:
    `private-ca`, the platform's own CA."""
    dns_records: bool = True
    """`network.dns_records`: a private zone for `domain` on the VNet and every exposed host's A records.
    Default: on (needs `vnet_id` and `domain`)."""
    vnet_id: pulumi.Input[str] | None = None
    """The VNet (its id) the hosts' private zone is linked to. Default: none (required with records)."""
    public_zone_provider: pulumi.ProviderResource | None = None
    """A provider in the public zone's subscription when it is not the platform's. Default:
    `azure_provider`."""
    wait_for: list[pulumi.Resource] = field(default_factory=list)
    """Resources the NginxIngressControllers wait for (the node pools and the deployer's cluster access: the
    controllers run on the pools and are created through the API). Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags on every resource (the platform's: `team`, `cost-center`, ...), checked against Azure's tag
    rules. Default: none."""

    longest_engine_request_seconds: Mapping[str, int] = field(default_factory=dict)
    """Per exposure, the longest request timeout of the inference engines it serves
    (kubernetes/traffic/routes.py `entry_points`): its load balancer's idle timeout outlasts it. Default:
    none (LB_IDLE_TIMEOUT_MINUTES)."""

    def problems(self) -> Iterator[Problem]:
        for exposure in sorted(self.exposures):
            yield from one_of("exposures", exposure, ("internal", "public"), "exposure")
        yield from like_spec_field("tls_issuer", self.tls_issuer, NetworkSpec, "tls_issuer")
        yield from like_spec_field("public_zone", self.public_zone, AzureKnobs, "dns_zone_id")
        records = self.dns_records and self.exposures and self.domain
        if records and self.vnet_id is None:
            yield Problem(
                "vnet_id",
                None,
                "the hosts' private DNS zone is linked to the platform's VNet",
                "pass the VNet id, or dns_records=False",
            )
        needs_zone = [
            *(
                ["acme proves each host by a DNS-01 record there"]
                if self.tls_issuer == "acme" and self.exposures
                else []
            ),
            *(["a public host's A record goes there too"] if records and "public" in self.exposures else []),
        ]
        if needs_zone and self.public_zone is None:
            yield Problem(
                "public_zone",
                None,
                f"the operator's public zone is needed: {'; '.join(needs_zone)}",
                "set public_zone, or tls_issuer private-ca and dns_records=False",
            )
        yield from AZURE_TAGS.problems(self.tags)


def lb_idle_minutes(longest_engine_request_seconds: int) -> int:
    """The load balancer's TCP idle timeout: LB_IDLE_TIMEOUT_MINUTES, or, in front of an inference engine,
    its longest request (cold-start wait and a whole non-streaming answer, during which the flow is idle)
    and a minute, in whole minutes; never above Azure's 100."""
    needed = math.ceil((longest_engine_request_seconds + 60) / 60) if longest_engine_request_seconds else 0
    return min(max(LB_IDLE_TIMEOUT_MINUTES, needed), LB_MAX_IDLE_TIMEOUT_MINUTES)


def nginx_controller_spec(exposure: Exposure, prod: bool, longest_engine_request_seconds: int = 0) -> dict:
    annotations = {f"{AZURE_LB}tcp-idle-timeout": str(lb_idle_minutes(longest_engine_request_seconds))}
    if exposure == "internal":
        annotations[f"{AZURE_LB}internal"] = "true"
    name = controller_name(exposure)
    return {
        "ingressClassName": name,
        "controllerNamePrefix": name,
        "loadBalancerAnnotations": annotations,
        "scaling": {"minReplicas": 2 if prod else 1, "maxReplicas": 10 if prod else 3},
    }


class Traffic(Component):
    TOKEN = "lepton:azure:Traffic"

    def __init__(self, name: str, args: TrafficArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        self.args = args
        if args.exposures and (warning := support_warning(MANAGED_NGINX, plan_date())):
            pulumi.log.warn(warning)
        # Cluster-scoped; the CRD comes with the add-on, which runs once the system pool is up.
        self.controllers = [
            k8s.apiextensions.CustomResource(
                child_name(name, controller_name(exposure)),  # type: ignore[arg-type]
                api_version=CRD_API,
                kind="NginxIngressController",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=controller_name(exposure)),  # type: ignore[arg-type]
                spec=nginx_controller_spec(
                    exposure,  # type: ignore[arg-type]
                    args.prod,
                    args.longest_engine_request_seconds.get(exposure, 0),
                ),
                opts=self.child_opts(provider=args.k8s_provider, depends_on=list(args.wait_for)),
            )
            for exposure in sorted(args.exposures)
        ]
        self.host_zone: privatedns.PrivateZone | None = None
        self.host_zone_link: privatedns.VirtualNetworkLink | None = None
        if args.dns_records and args.exposures and args.domain and args.vnet_id is not None:
            self.host_zone, self.host_zone_link = private_host_zone(
                child_name(name, "hosts"),
                args.domain,
                args.vnet_id,
                args.resource_group_name,
                args.name_prefix,
                args.tags,
                self.child_opts(provider=args.azure_provider),
            )
        self.host_records: HostRecords | None = None
        if self.host_zone is not None:
            self.host_records = HostRecords(
                provider=args.azure_provider,
                resource_group_name=args.resource_group_name,
                domain=args.domain or "",
                private_zone=self.host_zone,
                public_zone=PublicZone.from_id(args.public_zone) if args.public_zone else None,
                public_zone_provider=args.public_zone_provider,
                metadata={"managedBy": "lepton-infra", "platform": args.name_prefix},
            )
        self.finish({})

    def facts(self) -> IngressFacts:
        return IngressFacts(
            api="ingress",
            classes={e: controller_name(e) for e in ("internal", "public")},  # type: ignore[misc]
            certificates="cert-manager",
            decorate_entry_point=entry_point_decoration,
            decorate_route=route_decoration,
            data_plane_peers=DATA_PLANE_PEERS,
            controller_dependencies=list(self.controllers),
            dns_zone=self._dns_zone(),
            # None with `dns_records: false`: the in-cluster layer still exports each host's address.
            publish_host=self.host_records,
        )

    def _dns_zone(self) -> DnsZone | None:
        args = self.args
        if args.tls_issuer != "acme" or args.public_zone is None or args.domain is None:
            return None
        parts = args.public_zone.split(
            "/"
        )  # /subscriptions/<s>/resourceGroups/<rg>/providers/.../dnszones/<z>
        subscription, zone_rg, zone = parts[2], parts[4], parts[-1]

        def bind(
            name: str, namespace: str, service_account: str, opts: pulumi.ResourceOptions
        ) -> BoundIdentity:
            merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=args.azure_provider))
            identity = managedidentity.UserAssignedIdentity(
                f"{name}-identity",
                resource_name_=physical_name(args.name_prefix, namespace, "dns01", limit=128),
                resource_group_name=args.resource_group_name,
                location=args.location,
                tags=dict(args.tags),
                opts=merged,
            )
            managedidentity.FederatedIdentityCredential(
                f"{name}-federation",
                federated_identity_credential_resource_name="kubernetes",
                resource_name_=identity.name,
                resource_group_name=args.resource_group_name,
                issuer=args.oidc_issuer,
                subject=workload_subject(namespace, service_account),
                audiences=[WORKLOAD_IDENTITY_AUDIENCE],
                opts=merged,
            )
            # TXT records in this zone only (cert-manager docs, "AzureDNS": DNS Zone Contributor on the zone).
            grant(
                f"{name}-zone",
                principal_id=identity.principal_id,
                role="DNS Zone Contributor",
                scope=args.public_zone or "",
                subscription_id=subscription,
                opts=merged,
            )
            return BoundIdentity(
                annotations={CLIENT_ID_ANNOTATION: identity.client_id}, pod_labels={USE_LABEL: "true"}
            )

        # The workload identity webhook injects AZURE_CLIENT_ID from the service account's annotation, so the
        # solver names no client id (cert-manager docs: managedIdentity.clientID only overrides it).
        solver = {
            "azureDNS": {
                "subscriptionID": subscription,
                "resourceGroupName": zone_rg,
                "hostedZoneName": zone,
                "environment": "AzurePublicCloud",
            }
        }
        # Split-horizon: inside the VNet the private zone answers for the domain, so the cluster's resolver
        # would never show cert-manager's self-check the challenge TXT record in the public zone.
        resolvers = SELF_CHECK_RESOLVERS if self.host_zone is not None else ()
        return DnsZone(
            domain=args.domain, dns01_solver=solver, bind_dns_identity=bind, recursive_nameservers=resolvers
        )


# The NGINX pods of every NginxIngressController (labels of the operator's Deployment at v0.2.25).
DATA_PLANE_PEERS = (
    {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ADD_ON_NAMESPACE}},
        "podSelector": {
            "matchLabels": {
                "app.kubernetes.io/component": "ingress-controller",
                "app.kubernetes.io/managed-by": "aks-app-routing-operator",
            }
        },
    },
)


def entry_point_decoration(entry: EntryPoint) -> Decoration:
    # HTTP answers only with a redirect to HTTPS (ssl-redirect needs a TLS section; force- does not).
    return Decoration(annotations={f"{NGINX}ssl-redirect": "true", f"{NGINX}force-ssl-redirect": "true"})


def route_decoration(target: RouteTarget) -> Decoration:
    seconds = str(target.request_timeout_seconds)
    return Decoration(
        annotations={
            # long inferences, and a cold start held by the interceptor
            f"{NGINX}proxy-read-timeout": seconds,
            f"{NGINX}proxy-send-timeout": seconds,
            f"{NGINX}proxy-body-size": MAX_BODY_SIZE,
            f"{NGINX}proxy-buffering": "off",  # streamed tokens reach the client as they are produced
            f"{NGINX}proxy-request-buffering": "off",
        }
    )


__getattr__ = renamed_names(__name__, {"AksTraffic": "Traffic", "AksTrafficArgs": "TrafficArgs"}, globals())
