"""The AKS system pool: the one inline agent pool AKS needs at creation, for kube-system add-ons only
(tainted CriticalAddonsOnly). Everything of the platform's runs on the spec's pools (`NodePool`), so AKS
upgrades and system pressure never compete with workloads."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_azure_native import containerservice

from lepton_infra.azure.planning import SYSTEM_POOL_TAINT
from lepton_infra.profiles.azure.limits import SYSTEM_POOL_NAME, SYSTEM_POOL_VM_SIZE

# AKS surges the system pool a third of its nodes on an upgrade (counted in azure/quotas.py).
SYSTEM_POOL_MAX_SURGE = "33%"


def system_pool_profile(
    *,
    min_nodes: int,
    max_nodes: int,
    zones: int,
    subnet_id: pulumi.Input[str],
    vm_size: str = SYSTEM_POOL_VM_SIZE,
    labels: Mapping[str, str] | None = None,
) -> containerservice.ManagedClusterAgentPoolProfileArgs:
    """The pool autoscales from `min_nodes` to `max_nodes` over `zones` availability zones, in the nodes'
    subnet, on an encrypted host with a managed OS disk, rolling a third at a time. With `labels` (the
    spec's system pool it stands in for: `azure.system_pool_hosts_platform`) it carries them and no taint,
    so the platform's pods schedule on it too."""
    return containerservice.ManagedClusterAgentPoolProfileArgs(
        name=SYSTEM_POOL_NAME,
        mode="System",
        vm_size=vm_size,
        os_type="Linux",
        os_sku="Ubuntu",
        enable_auto_scaling=True,
        count=min_nodes,
        min_count=min_nodes,
        max_count=max_nodes,
        availability_zones=[str(z) for z in range(1, zones + 1)],
        vnet_subnet_id=subnet_id,
        enable_encryption_at_host=True,
        os_disk_type="Managed",
        os_disk_size_gb=128,
        node_taints=None if labels else [SYSTEM_POOL_TAINT],
        node_labels=dict(labels) if labels else None,
        upgrade_settings=containerservice.AgentPoolUpgradeSettingsArgs(max_surge=SYSTEM_POOL_MAX_SURGE),
    )
