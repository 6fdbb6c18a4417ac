"""cert-manager's objects as data: the chart's values, the ClusterIssuer the spec asks for, and one
Certificate per host. Pure (cert-manager.io/v1, camelCase); the tests check each against the CRDs of the
pinned release.

- `acme`: Let's Encrypt's production directory, proving control of the domain by DNS-01 in the cloud's
  zone (the solver body and the identity allowed to write TXT records there come from the cloud's
  `DnsZone`). Publicly trusted; nothing for clients to install.
- `private-ca`: a self-signed root (ECDSA P-256, ten years) in cert-manager's namespace, and a CA
  ClusterIssuer signing every host's certificate with it. No public DNS needed; clients trust the root,
  which stays in the Secret `cert-manager/lepton-ca` (key `ca.crt`; docs/kubernetes.md says how to export it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lepton_infra.core.conventions import CERT_MANAGER_NAMESPACE, POOL_LABEL
from lepton_infra.core.identity import BoundIdentity
from lepton_infra.kubernetes.charts.hardening import merged
from lepton_infra.kubernetes.charts.priority_values import CERT_MANAGER_PRIORITY
from lepton_infra.kubernetes.meta import common_labels

CERT_MANAGER_API = "cert-manager.io/v1"
LETS_ENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory"
ACME_ISSUER = "lepton-acme"
SELF_SIGNED_ISSUER = "lepton-selfsigned"
CA_ISSUER = "lepton-private-ca"
CA_CERTIFICATE = "lepton-ca"  # also its Secret's name
CA_DURATION = "87600h"  # ten years: rotating the root means every client re-trusts it
CA_RENEW_BEFORE = "8760h"
# Host certificates from the private CA: 90 days, renewed a month ahead (as Let's Encrypt's).
HOST_DURATION = "2160h"
HOST_RENEW_BEFORE = "720h"
# The controller's service account (the chart's default `<fullname>` for release `cert-manager`), named
# explicitly because the cloud binds the DNS-01 identity to exactly this name.
SERVICE_ACCOUNT = "cert-manager"
_KEY = {"algorithm": "ECDSA", "size": 256}


def issuer_name(tls_issuer: str) -> str:
    return ACME_ISSUER if tls_issuer == "acme" else CA_ISSUER


def chart_values(
    system_pool: str | None, identity: BoundIdentity | None, recursive_nameservers: Sequence[str] = ()
) -> dict[str, Any]:
    """CRDs from the chart (kept when the release goes); every component on the system nodes; the
    chart's own security contexts (non-root, RuntimeDefault seccomp, no capabilities, read-only root)
    kept as they are; the controller's service account carrying the DNS-01 identity when there is one;
    its metrics scraped by the platform's Prometheus (a ServiceMonitor) for the certificate alerts; every
    pod at the platform's priority class."""
    values: dict[str, Any] = {
        "crds": {"enabled": True, "keep": True},
        "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT},
        "prometheus": {"enabled": True, "servicemonitor": {"enabled": True}},
        # The chart leaves every component's resources empty: small requests and a memory ceiling each, so
        # the system pool's capacity is accounted for (a few hundred certificates fit in these).
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "webhook": {
            "resources": {"requests": {"cpu": "20m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
        },
        "cainjector": {
            "resources": {"requests": {"cpu": "20m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}}
        },
        "startupapicheck": {
            "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}
        },
    }
    if system_pool is not None:
        # global.nodeSelector is merged into every component's (controller, webhook, cainjector, startup
        # check).
        values["global"] = {"nodeSelector": {POOL_LABEL: system_pool}}
    if identity is not None:
        values["serviceAccount"].update(
            {"annotations": dict(identity.annotations), "labels": dict(identity.labels)}
        )
        if identity.pod_labels:
            values["podLabels"] = dict(identity.pod_labels)
    if recursive_nameservers:
        # Split-horizon (a private zone for the domain inside the network): the DNS-01 self-check asks only
        # these public resolvers, which see the challenge records in the public zone.
        values["dns01RecursiveNameservers"] = ",".join(recursive_nameservers)
        values["dns01RecursiveNameserversOnly"] = True
    return merged(values, CERT_MANAGER_PRIORITY)


def _meta(name: str, namespace: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": common_labels(name, "certificates")}
    if namespace is not None:
        meta["namespace"] = namespace
    return meta


def acme_issuer(email: str, domain: str, solver: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": CERT_MANAGER_API,
        "kind": "ClusterIssuer",
        "metadata": _meta(ACME_ISSUER),
        "spec": {
            "acme": {
                "server": LETS_ENCRYPT_PRODUCTION,
                "email": email,
                "privateKeySecretRef": {"name": f"{ACME_ISSUER}-account"},
                "solvers": [{"selector": {"dnsZones": [domain]}, "dns01": dict(solver)}],
            }
        },
    }


def private_ca_objects(platform: str) -> list[dict[str, Any]]:
    """Self-signed issuer -> the root CA Certificate (in cert-manager's namespace, where a ClusterIssuer
    reads its Secret) -> the CA ClusterIssuer that signs the hosts' certificates."""
    return [
        {
            "apiVersion": CERT_MANAGER_API,
            "kind": "ClusterIssuer",
            "metadata": _meta(SELF_SIGNED_ISSUER),
            "spec": {"selfSigned": {}},
        },
        {
            "apiVersion": CERT_MANAGER_API,
            "kind": "Certificate",
            "metadata": _meta(CA_CERTIFICATE, CERT_MANAGER_NAMESPACE),
            "spec": {
                "isCA": True,
                "commonName": f"{platform} platform CA",
                "secretName": CA_CERTIFICATE,
                "duration": CA_DURATION,
                "renewBefore": CA_RENEW_BEFORE,
                "privateKey": dict(_KEY),
                "issuerRef": {
                    "group": "cert-manager.io",
                    "kind": "ClusterIssuer",
                    "name": SELF_SIGNED_ISSUER,
                },
            },
        },
        {
            "apiVersion": CERT_MANAGER_API,
            "kind": "ClusterIssuer",
            "metadata": _meta(CA_ISSUER),
            "spec": {"ca": {"secretName": CA_CERTIFICATE}},
        },
    ]


def host_certificate(name: str, namespace: str, host: str, secret: str, tls_issuer: str) -> dict[str, Any]:
    """One host's certificate, in the namespace of the object that serves its Secret. A new key at every
    renewal; ACME decides its own lifetime (90 days), the private CA ours."""
    spec: dict[str, Any] = {
        "secretName": secret,
        "dnsNames": [host],
        "privateKey": {**_KEY, "rotationPolicy": "Always"},
        "issuerRef": {"group": "cert-manager.io", "kind": "ClusterIssuer", "name": issuer_name(tls_issuer)},
    }
    if tls_issuer != "acme":
        spec.update({"duration": HOST_DURATION, "renewBefore": HOST_RENEW_BEFORE})
    return {
        "apiVersion": CERT_MANAGER_API,
        "kind": "Certificate",
        "metadata": _meta(name, namespace),
        "spec": spec,
    }
