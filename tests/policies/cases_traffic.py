"""Fixtures for the traffic rules (rules/kubernetes/traffic.py), shaped like what the platform's layer
renders on each cloud: an ALB Ingress, an nginx (AKS app routing) Ingress, a GKE Gateway with its
redirect route and a tenant's HTTPRoute, and an internal LoadBalancer Service."""

from __future__ import annotations

from tests.policies.harness import DELETE, Case, Res

ING = "kubernetes:networking.k8s.io/v1:Ingress"
GW = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
SVC = "kubernetes:core/v1:Service"
FLAG = {"lepton.ai/exposure": "public"}
HOST = "chat.ai.acme.dev"


def _ingress(ns: str, cls: str, annotations: dict[str, str], secret: bool) -> dict:
    tls = {"hosts": [HOST], **({"secretName": "chat-tls"} if secret else {})}
    return {
        "metadata": {"name": "chat", "namespace": ns, "annotations": annotations},
        "spec": {
            "ingressClassName": cls,
            "tls": [tls],
            "rules": [
                {
                    "host": HOST,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "chat", "port": {"number": 80}}},
                            }
                        ]
                    },
                }
            ],
        },
    }


ALB = _ingress(
    "research",
    "alb",
    {
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
        "alb.ingress.kubernetes.io/ssl-redirect": "443",
        **FLAG,
    },
    secret=False,
)
NGINX = _ingress("research", "webapprouting.kubernetes.azure.com", dict(FLAG), secret=True)
GATEWAY = {
    "metadata": {"name": "lepton-public", "namespace": "lepton-ingress", "annotations": dict(FLAG)},
    "spec": {
        "gatewayClassName": "gke-l7-regional-external-managed",
        "listeners": [
            {"name": "http", "protocol": "HTTP", "port": 80},
            {"name": "https-chat", "protocol": "HTTPS", "port": 443, "hostname": HOST},
        ],
    },
}
REDIRECT = {
    "metadata": {"name": "redirect", "namespace": "lepton-ingress"},
    "spec": {
        "parentRefs": [{"name": "lepton-public", "sectionName": "http"}],
        "rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}}]}],
    },
}
TENANT_ROUTE = {
    "metadata": {"name": "chat", "namespace": "research", "annotations": dict(FLAG)},
    "spec": {
        "parentRefs": [{"name": "lepton-public", "namespace": "lepton-ingress", "sectionName": "https-chat"}],
        "hostnames": [HOST],
        "rules": [{"backendRefs": [{"name": "chat", "port": 80}]}],
    },
}
INTERNAL_LB = {
    "metadata": {
        "name": "db",
        "namespace": "research",
        "annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"},
    },
    "spec": {"type": "LoadBalancer", "ports": [{"port": 5432}]},
}


def _resources() -> list[Res]:
    return [
        Res(ING, "alb", ALB),
        Res(ING, "nginx", NGINX),
        Res(GW, "gateway", GATEWAY),
        Res(ROUTE, "redirect", REDIRECT),
        Res(ROUTE, "tenant-route", TENANT_ROUTE),
        Res(SVC, "db", INTERNAL_LB),
    ]


def cases() -> list[Case]:
    return [
        Case(
            "lepton-k8s-public-lb-https-only",
            _resources(),
            {
                "alb_without_tls": ("alb:spec.tls", DELETE),
                "alb_http_without_redirect": (
                    "alb:metadata.annotations",
                    {
                        k: v
                        for k, v in ALB["metadata"]["annotations"].items()
                        if not k.endswith("ssl-redirect")
                    },
                ),
                "nginx_redirect_off": (
                    "nginx:metadata.annotations",
                    {**FLAG, "nginx.ingress.kubernetes.io/ssl-redirect": "false"},
                ),
                "host_without_tls": ("nginx:spec.tls.0.hosts", ["other.ai.acme.dev"]),
                "route_on_the_http_listener": ("tenant-route:spec.parentRefs.0.sectionName", "http"),
                "route_on_every_listener": ("tenant-route:spec.parentRefs.0.sectionName", DELETE),
                "redirect_with_a_backend": (
                    "redirect:spec.rules.0.backendRefs",
                    [{"name": "chat", "port": 80}],
                ),
            },
        ),
        Case(
            "lepton-k8s-public-exposure-flagged",
            _resources(),
            {
                "unflagged_public_ingress": ("nginx:metadata.annotations", {}),
                "unflagged_route_on_public_gateway": ("tenant-route:metadata.annotations", {}),
                "public_load_balancer_service": ("db:metadata.annotations", {}),
                "gateway_in_a_tenant_namespace": (
                    "gateway:metadata",
                    {"name": "lepton-public", "namespace": "research"},
                ),
            },
        ),
        # Configured classes count as public too; internal ones are not checked.
        Case(
            "lepton-k8s-public-exposure-flagged",
            [Res(ING, "internal", _ingress("research", "lepton-internal", {}, secret=True))],
            {
                "configured_public_class": ("internal:spec.ingressClassName", "corp-public"),
            },
            config={"lepton-k8s-public-exposure-flagged": {"publicClasses": ["corp-public"]}},
        ),
        # Hosts' records as gcp/host_dns.py writes them: the internal Gateway's address in the private zone,
        # the public Gateway's in the operator's public zone too.
        Case(
            "lepton-gcp-private-address-private-zone",
            [
                Res(
                    "gcp:dns/managedZone:ManagedZone",
                    "private",
                    {
                        "name": "acme-ai-hosts",
                        "dnsName": "ai.acme.dev.",
                        "visibility": "private",
                        "privateVisibilityConfig": {
                            "networks": [{"networkUrl": "projects/p/global/networks/acme-ai"}]
                        },
                    },
                ),
                Res(
                    "gcp:dns/recordSet:RecordSet",
                    "internal-host",
                    {
                        "managedZone": "acme-ai-hosts",
                        "name": "embeddings.ai.acme.dev.",
                        "type": "A",
                        "ttl": 300,
                        "rrdatas": ["10.40.0.7"],
                    },
                    deps=["private"],
                ),
                Res(
                    "gcp:dns/recordSet:RecordSet",
                    "public-host",
                    {
                        "managedZone": "acme-dev",
                        "name": "chat.ai.acme.dev.",
                        "type": "A",
                        "ttl": 300,
                        "rrdatas": ["34.118.20.9"],
                    },
                ),
            ],
            {
                "zone_made_public": ("private:visibility", "public"),
                "zone_outside_the_stack": ("private:@drop", None),
                "internal_address_in_the_public_zone": ("public-host:rrdatas", ["10.40.0.7"]),
                "cgnat_address_in_the_public_zone": ("public-host:rrdatas", ["100.64.3.1"]),
            },
        ),
        Case(
            "lepton-azure-private-address-private-zone",
            [
                Res(
                    "azure-native:privatedns:PrivateRecordSet",
                    "internal-host",
                    {
                        "privateZoneName": "ai.acme.dev",
                        "resourceGroupName": "acme",
                        "relativeRecordSetName": "embeddings",
                        "recordType": "A",
                        "ttl": 300,
                        "aRecords": [{"ipv4Address": "10.40.1.4"}],
                    },
                ),
                Res(
                    "azure-native:dns:RecordSet",
                    "public-host",
                    {
                        "zoneName": "acme.dev",
                        "resourceGroupName": "dns",
                        "relativeRecordSetName": "chat.ai",
                        "recordType": "A",
                        "ttl": 300,
                        "aRecords": [{"ipv4Address": "20.61.14.2"}],
                    },
                ),
            ],
            {
                "internal_address_in_the_public_zone": ("public-host:aRecords.0.ipv4Address", "10.40.1.4"),
                "ula_address_in_the_public_zone": ("public-host:aaaaRecords", [{"ipv6Address": "fd00::4"}]),
            },
        ),
    ]
