"""`Traffic`: the way into the exposed services, on whichever load balancers the cloud offers.

From the cloud's `IngressFacts` and one `ServiceRoute` per exposed service: the shared entry points (one
per exposure), a route per service with its host and TLS (Ingress, or Gateway API HTTPRoute), the
certificates (cert-manager, when the load balancer reads Secrets), the cloud's decorations (annotations,
policies) and a NetworkPolicy admitting the load balancer's data plane to each routed service's pods. The
manifests come from `routes.py` and `certificates.py`; this component only turns them into resources.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.conventions import CERT_MANAGER_NAMESPACE, INGRESS_NAMESPACE
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.core.traffic import Decoration, HostAddress, IngressFacts, RouteTarget
from lepton_infra.kubernetes.charts.checks import kubernetes_version_problems
from lepton_infra.kubernetes.charts.helm import pinned_release
from lepton_infra.kubernetes.charts.pinned import CERT_MANAGER, HelmChart
from lepton_infra.kubernetes.meta import TENANT_LABEL, common_labels, namespace, psa_labels
from lepton_infra.kubernetes.serving.inference import service_selector
from lepton_infra.kubernetes.traffic import certificates as certs
from lepton_infra.kubernetes.traffic.certificate_alerts import RULE_GROUP, certificate_rule_spec
from lepton_infra.kubernetes.traffic.routes import (
    ServiceRoute,
    entry_points,
    external_url,
    gateway_manifest,
    http_route_manifest,
    ingress_manifest,
    load_balancer_ingress_spec,
    redirect_route_manifest,
    reference_grant_manifest,
    tls_secret,
)
from lepton_infra.spec import NetworkSpec
from lepton_infra.spec.problems import like_spec_field


@dataclass
class TrafficArgs(ComponentArgs):
    kubernetes_version: str
    """The cluster's minor (`1.33`): the namespaces' Pod Security Admission version, and a minor
    cert-manager's chart must support where it is installed."""
    facts: IngressFacts
    """What the cloud's load balancers offer (`ClusterHandle.ingress`): Ingress or Gateway API, their
    classes, where certificates come from, the DNS zone and the decorations."""
    routes: Sequence[ServiceRoute]
    """One per exposed service: its tenant, host, exposure and ports."""
    targets: Mapping[str, RouteTarget]
    """Per routed service, where its host is routed (`route_target`); one for each of `routes`."""
    decorations: Mapping[str, Decoration]
    """Per routed service, what the cloud adds to its route: the caller calls `facts.decorate_route` once
    per target (it may create cloud resources) and passes the results here; one for each of `routes`."""
    platform: str = "lepton"
    """The platform's name, in the private CA's common name (`<platform> platform CA`). Default: lepton."""
    tls_issuer: str = "private-ca"
    """Where hosts' certificates come from where cert-manager writes them: `private-ca` (the platform's
    own CA; clients must trust its root) or `acme` (Let's Encrypt by DNS-01 in the cloud's zone).
    Default: private-ca, no public zone needed."""
    acme_email: str | None = None
    """The ACME account's e-mail (expiry notices); needed with `tls_issuer` acme. Default: none."""
    system_pool: str | None = None
    """The node pool cert-manager's pods run on (its `lepton.ai/pool` label). Default: wherever they fit."""
    network_policies: bool = True
    """Render the NetworkPolicies admitting the load balancer's data plane to each routed service (only
    meaningful where the dataplane enforces them). Default: on."""
    depends_on: Sequence[pulumi.Resource] = ()
    """The tenants' namespaces and the services' own objects the routes point at, which the routes wait
    for. Default: none."""
    node_dependencies: Sequence[pulumi.Resource] = ()
    """What cert-manager's pods wait for (node pools, the `lepton-platform` PriorityClass): not the
    backends, so it installs beside KEDA and the services instead of after them. Default: none."""
    monitoring_crds: Sequence[pulumi.Resource] = ()
    """The release owning the ServiceMonitor and PrometheusRule CRDs (kube-prometheus-stack), which
    cert-manager's scrape and alerts wait for. Default: none."""
    cert_manager_chart: HelmChart = field(default_factory=lambda: CERT_MANAGER)
    """The cert-manager chart, installed when `facts.certificates` is cert-manager. Default: the pinned one
    (kubernetes/charts/pinned.py)."""

    def problems(self) -> Iterator[Problem]:
        cert_manager = self.facts.certificates == "cert-manager"
        charts = {"cert_manager_chart": self.cert_manager_chart} if cert_manager else {}
        yield from kubernetes_version_problems(self.kubernetes_version, charts)
        yield from like_spec_field("tls_issuer", self.tls_issuer, NetworkSpec, "tls_issuer")
        yield from like_spec_field("acme_email", self.acme_email, NetworkSpec, "acme_email")
        if cert_manager and self.tls_issuer == "acme":
            if self.acme_email is None:
                yield Problem(
                    "acme_email",
                    None,
                    "ACME registers an account with an e-mail for expiry notices",
                    "set acme_email, or tls_issuer='private-ca'",
                )
            if self.facts.dns_zone is None:
                yield Problem(
                    "facts.dns_zone",
                    None,
                    "ACME proves control of each host by DNS-01 in the cloud's public zone, and the cloud "
                    "offers none",
                    "give the cloud layer the public zone of the hosts' domain, or tls_issuer='private-ca'",
                )
        for arg, given in (("targets", self.targets), ("decorations", self.decorations)):
            missing = [r.service for r in self.routes if r.service not in given]
            if missing:
                yield Problem(
                    arg,
                    sorted(given),
                    f"routed services without one: {', '.join(missing)}",
                    f"give one per route (`{arg}[service]`), or drop the route",
                )


class Traffic(Component):
    TOKEN = "lepton:k8s:Traffic"

    def __init__(self, name: str, args: TrafficArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        facts = args.facts
        self._name = name
        self._seen: dict[tuple[str, str, str, str], Mapping[str, Any]] = {}
        routes = {r.service: r for r in args.routes}
        targets = [args.targets[r.service] for r in args.routes]
        self.entry_points = entry_points(targets)
        entry_by_exposure = {e.exposure: e for e in self.entry_points}
        entry_decorations = {e.exposure: facts.decorate_entry_point(e) for e in self.entry_points}
        route_needs = [*facts.controller_dependencies, *args.depends_on]

        self.cert_manager: k8s.helm.v3.Release | None = None
        self.issuers: list[k8s.apiextensions.CustomResource] = []
        if facts.certificates == "cert-manager":
            self._install_cert_manager(args)
        self.ingresses: dict[str, k8s.networking.v1.Ingress] = {}
        self.gateways: dict[str, k8s.apiextensions.CustomResource] = {}
        self.http_routes: dict[str, k8s.apiextensions.CustomResource] = {}
        self.certificates: dict[str, k8s.apiextensions.CustomResource] = {}
        self.reference_grants: dict[str, k8s.apiextensions.CustomResource] = {}
        # Per host, the DNS records the cloud wrote from its Ingress's address (facts.publish_host).
        self.dns_records: dict[str, list[pulumi.Resource]] = {}
        # Per host, the load balancer's address as its Ingress reports it: what the operator's DNS points at
        # when the platform writes no records (a stack output).
        self.addresses: dict[str, HostAddress] = {}

        if facts.api == "gateway":
            self.ingress_namespace = namespace(
                child_name(name, "namespace"),
                INGRESS_NAMESPACE,
                {**common_labels("ingress", "gateway"), **psa_labels("restricted", args.kubernetes_version)},
                self.child_opts(),
            )
            ns_needs = [self.ingress_namespace]
            for entry in self.entry_points:
                decoration = entry_decorations[entry.exposure]
                services = {
                    args.targets[s].host: s for s in routes if args.targets[s].exposure == entry.exposure
                }
                for host, service in services.items():
                    self._certificate(service, INGRESS_NAMESPACE, host, args.tls_issuer, ns_needs)
                self.gateways[entry.exposure] = self._object(
                    f"gateway-{entry.exposure}",
                    gateway_manifest(
                        entry,
                        facts.classes[entry.exposure],
                        services,
                        decoration.annotations,
                        decoration.addresses,
                    ),
                    [*ns_needs, *route_needs, *decoration.depends_on],
                )
                self._object(
                    f"gateway-{entry.exposure}-redirect",
                    redirect_route_manifest(entry),
                    [self.gateways[entry.exposure]],
                )
                self._decoration_objects(decoration, [*ns_needs, *route_needs])
            for service, route in routes.items():
                target, decoration = args.targets[service], args.decorations[service]
                self.http_routes[service] = self._object(
                    f"route-{service}",
                    http_route_manifest(
                        target, route.tenant, entry_by_exposure[target.exposure], facts.route_timeouts
                    ),
                    [self.gateways[target.exposure], *route_needs, *decoration.depends_on],
                )
                if route.via_interceptor and route.tenant not in self.reference_grants:
                    self.reference_grants[route.tenant] = self._object(
                        f"grant-{route.tenant}", reference_grant_manifest(route.tenant), route_needs
                    )
        else:
            for service in routes:
                target, decoration = args.targets[service], args.decorations[service]
                entry = entry_decorations[target.exposure]
                secret = None
                if facts.certificates == "cert-manager":
                    secret = tls_secret(service)
                    self._certificate(service, target.namespace, target.host, args.tls_issuer, route_needs)
                doc = ingress_manifest(
                    target,
                    facts.classes[target.exposure],
                    secret,
                    {**entry.annotations, **decoration.annotations},
                )
                self.ingresses[service] = k8s.networking.v1.Ingress(
                    child_name(name, f"ingress-{service}"),
                    metadata=cast(Any, doc["metadata"]),
                    spec=cast(Any, doc["spec"]),
                    opts=self.child_opts(
                        depends_on=[*route_needs, *entry.depends_on, *decoration.depends_on]
                    ),
                )
                self.addresses[target.host] = ingress_address(target, self.ingresses[service])
                if facts.publish_host is not None:
                    self.dns_records[target.host] = list(
                        facts.publish_host(
                            child_name(name, f"dns-{target.host}"),
                            self.addresses[target.host],
                            self.child_opts(depends_on=[self.ingresses[service]]),
                        )
                    )
            for decoration in entry_decorations.values():
                self._decoration_objects(decoration, route_needs)

        self.network_policies: dict[str, k8s.networking.v1.NetworkPolicy] = {}
        for service, route in routes.items():
            target, decoration = args.targets[service], args.decorations[service]
            self._decoration_objects(decoration, route_needs)
            if route.via_interceptor:
                # The load balancer reaches the interceptor in `keda` (no NetworkPolicy there), and the
                # tenant already admits the interceptor (InferenceService's `-from-interceptor` policy).
                if decoration.service_annotations:
                    raise ValueError(
                        f"decorate_route({service}) returned service_annotations, but its backend is the "
                        f"KEDA "
                        "interceptor's proxy Service, which the chart owns and annotates with nothing "
                        "(keda-add-ons-http 0.12.0 templates/interceptor/service-proxy.yaml); put them on "
                        "the "
                        "route (Decoration.annotations) or a policy object instead"
                    )
                continue
            if args.network_policies:
                self.network_policies[service] = k8s.networking.v1.NetworkPolicy(
                    child_name(name, f"from-lb-{service}"),
                    metadata=k8s.meta.v1.ObjectMetaArgs(
                        name=f"{service}-from-load-balancer",
                        namespace=route.tenant,
                        labels={**common_labels(service, "route"), TENANT_LABEL: route.tenant},
                    ),
                    spec=cast(
                        Any,
                        load_balancer_ingress_spec(
                            service_selector(service, route.tenant), route.port, facts.data_plane_peers
                        ),
                    ),
                    opts=self.child_opts(depends_on=list(args.depends_on)),
                )

        self.urls: dict[str, str] = {s: external_url(r.host, r.predict_path) for s, r in routes.items()}
        self.finish({"urls": self.urls, "entry_points": [e.name for e in self.entry_points]})

    def _install_cert_manager(self, args: TrafficArgs) -> None:
        name, facts = self._name, args.facts
        ns = namespace(
            child_name(name, "cert-manager-namespace"),
            CERT_MANAGER_NAMESPACE,
            {
                **common_labels("cert-manager", "certificates"),
                **psa_labels("restricted", args.kubernetes_version),
            },
            self.child_opts(),
        )
        identity = None
        zone = facts.dns_zone
        if args.tls_issuer == "acme" and zone is not None and zone.bind_dns_identity is not None:
            identity = zone.bind_dns_identity(
                child_name(name, "dns01-identity"),
                CERT_MANAGER_NAMESPACE,
                certs.SERVICE_ACCOUNT,
                self.child_opts(),
            )
        self.cert_manager = pinned_release(
            child_name(name, "cert-manager"),
            args.cert_manager_chart,
            ns.metadata.name,
            certs.chart_values(
                args.system_pool,
                identity,
                zone.recursive_nameservers if args.tls_issuer == "acme" and zone else (),
            ),
            self.child_opts(depends_on=[*args.node_dependencies, *args.monitoring_crds]),
        )
        self.certificate_rules = k8s.apiextensions.CustomResource(
            child_name(name, "certificate-rules"),
            api_version="monitoring.coreos.com/v1",
            kind="PrometheusRule",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=RULE_GROUP, namespace=ns.metadata.name, labels=common_labels(RULE_GROUP, "alerts")
            ),
            spec=certificate_rule_spec(),
            opts=self.child_opts(depends_on=list(args.monitoring_crds)),
        )
        if args.tls_issuer == "acme":
            if zone is None or args.acme_email is None:
                raise ValueError(
                    "acme certificates need the cloud's DnsZone and an account e-mail "
                    "(TrafficArgs.problems refuses it; reaching here is a bug)"
                )
            docs = [certs.acme_issuer(args.acme_email, zone.domain, zone.dns01_solver)]
        else:
            docs = certs.private_ca_objects(args.platform)
        for doc in docs:
            self.issuers.append(
                self._object(f"{doc['kind'].lower()}-{doc['metadata']['name']}", doc, [self.cert_manager])
            )

    def _certificate(
        self, service: str, ns: str, host: str, tls_issuer: str, needs: Sequence[pulumi.Resource]
    ) -> None:
        doc = certs.host_certificate(tls_secret(service), ns, host, tls_secret(service), tls_issuer)
        self.certificates[service] = self._object(f"certificate-{service}", doc, [*self.issuers, *needs])

    def _object(
        self, suffix: str, doc: Mapping[str, Any], needs: Sequence[pulumi.Resource]
    ) -> k8s.apiextensions.CustomResource:
        return k8s.apiextensions.CustomResource(
            child_name(self._name, suffix),
            api_version=doc["apiVersion"],
            kind=doc["kind"],
            metadata=cast(Any, doc["metadata"]),
            spec=doc.get("spec"),
            opts=self.child_opts(depends_on=list(needs)),
        )

    def _decoration_objects(self, decoration: Decoration, needs: Sequence[pulumi.Resource]) -> None:
        """The cloud's extra manifests, each once: routes sharing a backend (the interceptor) get the same
        policy objects from the cloud, which must then agree."""
        for doc in decoration.objects:
            meta = doc["metadata"]
            key = (doc["apiVersion"], doc["kind"], meta.get("namespace", ""), meta["name"])
            if key in self._seen:
                if self._seen[key] != doc:
                    raise ValueError(f"two decorations declare {key} differently")
                continue
            self._seen[key] = doc
            suffix = f"{doc['kind'].lower()}-{meta.get('namespace', 'cluster')}-{meta['name']}"
            self._object(suffix, doc, [*needs, *decoration.depends_on])


def ingress_address(target: RouteTarget, ingress: k8s.networking.v1.Ingress) -> HostAddress:
    """The load balancer's address as the Ingress reports it (`status.loadBalancer.ingress[0]`)."""
    first = ingress.status.apply(
        lambda status: (
            (status.load_balancer.ingress or [None])[0] if status and status.load_balancer else None
        )
    )
    return HostAddress(
        host=target.host,
        exposure=target.exposure,
        hostname=first.apply(lambda entry: entry.hostname if entry else None),
        ip=first.apply(lambda entry: entry.ip if entry else None),
        source=ingress,
    )
