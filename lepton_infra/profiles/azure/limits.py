"""What Azure and AKS fix that the spec's own ranges do not know: the AKS system pool's name and machine,
the overlay pod range, and ARM's limits. Read by the Azure rules and by the Azure platform."""

from __future__ import annotations

from ipaddress import IPv4Network

# The AKS system pool (inline in the cluster, tainted CriticalAddonsOnly) takes this name. It runs the
# kube-system add-ons only: everything of ours runs on the spec's pools, so AKS upgrades and system
# pressure never compete with workloads.
SYSTEM_POOL_NAME = "sys"
SYSTEM_POOL_VM_SIZE = "Standard_D4s_v5"
# Azure CNI overlay: pods take addresses from this range, never from the VNet.
POD_CIDR = IPv4Network("10.244.0.0/16")
# Azure limits the spec's own ranges do not know.
MAX_FLOW_LOG_RETENTION_DAYS = 365
MAX_OS_DISK_GB = 2048
MAX_BUDGET_NOTIFICATIONS = 5
# An AKS Linux pool name (AKS "Create node pools": 1-12 lowercase alphanumeric characters, starting with a
# letter); the spec and the `azure.NodePool` component both hold names to it.
AKS_POOL_NAME = r"[a-z][a-z0-9]{0,11}"
AKS_POOL_NAME_RULE = (
    "AKS node pool: up to 12 lowercase letters and digits, starting with a letter, no hyphens"
)
# The platform adds a notification on the month's forecast at these percentages of the budget (azure/
# monitoring.py): the spec's actual-spend thresholds share Azure's five notifications with them.
BUDGET_FORECAST_THRESHOLDS = (100,)
