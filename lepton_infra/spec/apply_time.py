"""Values that plan cleanly offline but the cloud or Kubernetes refuses (or cannot run) at apply time.

Each rule returns `Problem`s naming the field, the value and the fix; `rules.check_platform` runs them with
the others, so one SpecError lists everything. Pure: no provider SDK.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.conventions import node_labels
from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.profiles import PROFILES

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


# Kubernetes label syntax (apimachinery validation): name and value
# `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`
# up to 63 chars (the name non-empty); an optional prefix is a DNS-1123 subdomain up to 253 chars.
_LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# The kubelet registers node labels (EKS and GKE pass a pool's labels as --node-labels) and refuses keys in
# the kubernetes.io / k8s.io namespaces unless under these prefixes; the few single keys it also accepts
# (kubernetes.io/os, topology.kubernetes.io/zone, ...) are the ones it sets itself, never a pool's to set.
_KUBELET_ALLOWED_PREFIXES = ("kubelet.kubernetes.io", "node.kubernetes.io")


def label_key_problem(key: str) -> str | None:
    prefix, _, name = key.rpartition("/")
    if "/" in prefix:
        return "a label key has at most one '/' (prefix/name)"
    if not name or len(name) > 63 or not _LABEL_NAME.match(name):
        return (
            "not a Kubernetes label name (1-63 letters, digits, '-', '_', '.', starting and ending with "
            "a letter or digit)"
        )
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return "the prefix is not a DNS subdomain (lowercase letters, digits, '-', '.')"
    reserved = any(prefix == d or prefix.endswith(f".{d}") for d in ("kubernetes.io", "k8s.io"))
    if reserved and prefix not in _KUBELET_ALLOWED_PREFIXES:
        return (
            f"the kubelet refuses --node-labels in the {prefix} namespace (only kubelet.kubernetes.io/ "
            "and node.kubernetes.io/ prefixes)"
        )
    return None


@rule("cloud", "node_pools")
def _node_labels(spec: PlatformSpec) -> Iterator[Problem]:
    longest = PROFILES[spec.cloud].node_label_key_limit  # the cloud's own limit, where it has one
    for i, pool in enumerate(spec.node_pools):
        platform_keys = node_labels(pool.name, "gpu") if pool.gpu else node_labels(pool.name, None)
        for key, value in pool.labels.items():
            path = f"node_pools[{i}].labels"
            why = label_key_problem(key)
            if why is None and key in platform_keys:
                why = "set by the platform on every pool (the platform's value wins)"
            if why is None and longest is not None and len(key) > longest.length:
                why = f"longer than {longest.length} characters: {longest.why}"
            if why:
                yield Problem(path, key, why, "rename the label key")
            if len(value) > 63 or not _LABEL_VALUE.match(value):
                yield Problem(
                    f"{path}.{key}",
                    value,
                    "not a Kubernetes label value (up to 63 letters, digits, "
                    "'-', '_', '.', starting and ending with a letter or digit, or empty)",
                    "change the value, e.g. replace spaces with '-'",
                )


@rule("tenants")
def _admins(spec: PlatformSpec) -> Iterator[Problem]:
    for i, tenant in enumerate(spec.tenants):
        for j, admin in enumerate(tenant.admins):
            if not admin.strip():
                yield Problem(
                    f"tenants[{i}].admins[{j}]",
                    admin,
                    "an empty group name (the RoleBinding's subject needs a name)",
                    "write the identity-provider group, or remove the entry",
                )
            elif admin != admin.strip():
                yield Problem(
                    f"tenants[{i}].admins[{j}]",
                    admin,
                    "leading or trailing whitespace (the group "
                    "would never match the one the identity provider sends)",
                    "remove the whitespace",
                )


@rule("node_pools")
def _system_pool(spec: PlatformSpec) -> Iterator[Problem]:
    """The system pods need a pool that can host them (`NodePoolSpec.hosts_system_pods` says why)."""
    if spec.system_pool is None:
        yield Problem(
            "node_pools",
            [p.name for p in spec.node_pools],
            "no pool can host the system pods "
            "(CoreDNS, the cluster autoscaler, Prometheus): every pool is GPU-tainted, spot or at "
            "min 0",
            "add a non-GPU on-demand pool with min >= 1, e.g. {name: system, cpu: "
            "standard-4, min: 1, max: 3}",
        )


# Generic apply-time refusals, run with the other generic rules (spec/rules.py RULES).
APPLY_TIME_RULES: tuple[Rule, ...] = (_node_labels, _admins, _system_pool)
