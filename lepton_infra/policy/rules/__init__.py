"""Every policy rule: one module per cloud and service (`aws/eks.py`, `gcp/storage.py`,
`kubernetes/pod_security.py`, ...), the rules that span the clouds in `common.py`.

A rule module registers its rules into `lepton_infra.policy.registry` as it is imported; this is the one
place that imports every rule module, so the functions below see them all. A new rule module is added to
`RULE_MODULES` (tests/unit/test_registries.py fails until it is)."""

from __future__ import annotations

from types import ModuleType

from lepton_infra.policy.model import Rule
from lepton_infra.policy.registry import registered
from lepton_infra.policy.rules import common
from lepton_infra.policy.rules.aws import dns as aws_dns
from lepton_infra.policy.rules.aws import ecr as aws_ecr
from lepton_infra.policy.rules.aws import eks as aws_eks
from lepton_infra.policy.rules.aws import fabric as aws_fabric
from lepton_infra.policy.rules.aws import fsx as aws_fsx
from lepton_infra.policy.rules.aws import iam as aws_iam
from lepton_infra.policy.rules.aws import kms as aws_kms
from lepton_infra.policy.rules.aws import logs as aws_logs
from lepton_infra.policy.rules.aws import network as aws_network
from lepton_infra.policy.rules.aws import nodes as aws_nodes
from lepton_infra.policy.rules.aws import s3 as aws_s3
from lepton_infra.policy.rules.aws import sns as aws_sns
from lepton_infra.policy.rules.azure import acr as azure_acr
from lepton_infra.policy.rules.azure import aks as azure_aks
from lepton_infra.policy.rules.azure import dns as azure_dns
from lepton_infra.policy.rules.azure import iam as azure_iam
from lepton_infra.policy.rules.azure import key_vault as azure_key_vault
from lepton_infra.policy.rules.azure import logs as azure_logs
from lepton_infra.policy.rules.azure import network as azure_network
from lepton_infra.policy.rules.azure import nodes as azure_nodes
from lepton_infra.policy.rules.azure import storage as azure_storage
from lepton_infra.policy.rules.gcp import artifact_registry as gcp_artifact_registry
from lepton_infra.policy.rules.gcp import binary_authorization as gcp_binary_authorization
from lepton_infra.policy.rules.gcp import dns as gcp_dns
from lepton_infra.policy.rules.gcp import filestore as gcp_filestore
from lepton_infra.policy.rules.gcp import gke as gcp_gke
from lepton_infra.policy.rules.gcp import iam as gcp_iam
from lepton_infra.policy.rules.gcp import kms as gcp_kms
from lepton_infra.policy.rules.gcp import network as gcp_network
from lepton_infra.policy.rules.gcp import nodes as gcp_nodes
from lepton_infra.policy.rules.gcp import storage as gcp_storage
from lepton_infra.policy.rules.kubernetes import inference as k8s_inference
from lepton_infra.policy.rules.kubernetes import jobs as k8s_jobs
from lepton_infra.policy.rules.kubernetes import pod_security as k8s_pod_security
from lepton_infra.policy.rules.kubernetes import tenancy as k8s_tenancy
from lepton_infra.policy.rules.kubernetes import traffic as k8s_traffic
from lepton_infra.policy.rules.kubernetes import workloads as k8s_workloads

RULE_MODULES: tuple[ModuleType, ...] = (
    common,
    aws_dns,
    aws_ecr,
    aws_eks,
    aws_fabric,
    aws_fsx,
    aws_iam,
    aws_kms,
    aws_logs,
    aws_network,
    aws_nodes,
    aws_s3,
    aws_sns,
    azure_acr,
    azure_aks,
    azure_dns,
    azure_iam,
    azure_key_vault,
    azure_logs,
    azure_network,
    azure_nodes,
    azure_storage,
    gcp_artifact_registry,
    gcp_binary_authorization,
    gcp_dns,
    gcp_filestore,
    gcp_gke,
    gcp_iam,
    gcp_kms,
    gcp_network,
    gcp_nodes,
    gcp_storage,
    k8s_inference,
    k8s_jobs,
    k8s_pod_security,
    k8s_tenancy,
    k8s_traffic,
    k8s_workloads,
)


def all_rules() -> list[Rule]:
    """Every rule, ordered by id (the order of reports and of the pack)."""
    return registered()


def get_rule(rule_id: str) -> Rule:
    rules = {r.id: r for r in all_rules()}
    try:
        return rules[rule_id]
    except KeyError:
        raise KeyError(f"no policy {rule_id!r}; known: {', '.join(sorted(rules))}") from None


def rules_per_cloud() -> dict[str, int]:
    counts: dict[str, int] = {}
    for rule in all_rules():
        for cloud in rule.clouds:
            counts[cloud] = counts.get(cloud, 0) + 1
    return dict(sorted(counts.items()))
