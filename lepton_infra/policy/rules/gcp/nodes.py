"""GKE node rules: encrypted boot disks, the GKE metadata server, shielded nodes, a dedicated service
account, bounded autoscaling, spot GPU pools that scale to zero, auto-repair and auto-upgrade,
Container-Optimized OS."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import (
    UNKNOWN,
    as_bool,
    as_int,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import ceiling_problems
from lepton_infra.policy.rules.gcp.gke import standard_cluster
from lepton_infra.policy.rules.gcp.tokens import CLUSTER, GCP, NODE_POOL

GPU_MACHINE = re.compile(r"^(a2|a3|a4|g2|g4)-", re.IGNORECASE)


def _node_configs(r: ResourceView) -> list[tuple[str, Mapping[str, Any]]]:
    """The node configs a resource declares: a node pool's, or a cluster's default pool unless removed."""
    if r.type == NODE_POOL:
        return [("nodeConfig", as_mapping(r.get("nodeConfig")))]
    if as_bool(r.get("enableAutopilot")) is True:
        raise NotApplicable("Autopilot: Google manages the nodes")
    if as_bool(r.get("removeDefaultNodePool")) is True:
        raise NotApplicable("the default node pool is removed; node pools are checked on their own")
    return [("nodeConfig", as_mapping(r.get("nodeConfig")))]


@resource_rule(
    id="lepton-gcp-node-boot-disk-cmk",
    title="GKE node boot disks use our KMS key",
    severity=Severity.HIGH,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="`nodeConfig.bootDiskKmsKey` is set on every node pool (and on the cluster's default pool "
    "when it is kept).",
    remediation="Set `node_config=...(boot_disk_kms_key=key.id)`; grant the Compute Engine service agent "
    "encrypter/decrypter on the key.",
)
def node_boot_disk_cmk(r: ResourceView) -> Iterator[str]:
    for where, config in _node_configs(r):
        if not is_set(config.get("bootDiskKmsKey")):
            yield f"{where}.bootDiskKmsKey is not set: boot disks use a Google-managed key"


@resource_rule(
    id="lepton-gcp-gke-metadata-server",
    title="GKE nodes hide the instance metadata (GKE metadata server)",
    severity=Severity.HIGH,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="`nodeConfig.workloadMetadataConfig.mode` is GKE_METADATA, and the cluster has "
    "Workload Identity (`workloadIdentityConfig.workloadPool`).",
    remediation="Set `workload_identity_config=...(workload_pool=f'{project}.svc.id.goog')` on the cluster "
    "and `node_config.workload_metadata_config=...(mode='GKE_METADATA')` on each pool.",
    anchors=("checkov:CKV_GCP_69",),
)
def gke_metadata_server(r: ResourceView) -> Iterator[str]:
    autopilot = as_bool(r.get("enableAutopilot")) is True
    if r.type == CLUSTER and not autopilot and not is_set(r.get("workloadIdentityConfig.workloadPool")):
        yield "workloadIdentityConfig.workloadPool is not set: no Workload Identity"
    try:
        configs = _node_configs(r)
    except NotApplicable:
        return
    for where, config in configs:
        mode = as_mapping(config.get("workloadMetadataConfig")).get("mode")
        if mode not in ("GKE_METADATA", UNKNOWN):
            yield f"{where}.workloadMetadataConfig.mode is {shown(mode)}, not GKE_METADATA"


@resource_rule(
    id="lepton-gcp-gke-shielded-nodes",
    title="GKE nodes are shielded (secure boot, integrity monitoring)",
    severity=Severity.MEDIUM,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="The cluster keeps `enableShieldedNodes`; every node config has "
    "`shieldedInstanceConfig.enableSecureBoot` true and does not turn integrity monitoring off. "
    "GKE-installed GPU drivers are signed, so secure boot holds on GPU pools.",
    remediation="Set `node_config.shielded_instance_config=...(enable_secure_boot=True, "
    "enable_integrity_monitoring=True)`.",
    anchors=("checkov:CKV_GCP_68", "checkov:CKV_GCP_72"),
)
def gke_shielded_nodes(r: ResourceView) -> Iterator[str]:
    if r.type == CLUSTER and as_bool(r.get("enableShieldedNodes")) is False:
        yield "enableShieldedNodes is false"
    try:
        configs = _node_configs(r)
    except NotApplicable:
        return
    for where, config in configs:
        shielded = as_mapping(config.get("shieldedInstanceConfig"))
        boot = shielded.get("enableSecureBoot")
        if not is_unknown(boot) and as_bool(boot) is not True:
            yield f"{where}.shieldedInstanceConfig.enableSecureBoot is not true"
        if as_bool(shielded.get("enableIntegrityMonitoring")) is False:
            yield f"{where}.shieldedInstanceConfig.enableIntegrityMonitoring is false"


@resource_rule(
    id="lepton-gcp-node-service-account",
    title="GKE nodes run as a dedicated service account",
    severity=Severity.HIGH,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="`nodeConfig.serviceAccount` is set and is not the Compute Engine default service account "
    "(which holds Editor on the project).",
    remediation="Create a node service account with roles/container.defaultNodeServiceAccount (plus "
    "roles/artifactregistry.reader on the image repository), and set `node_config.service_account=sa.email`.",
)
def node_service_account(r: ResourceView) -> Iterator[str]:
    for where, config in _node_configs(r):
        account = config.get("serviceAccount")
        if not is_set(account) or account == "default":
            yield f"{where}.serviceAccount is not set: nodes run as the Compute Engine default account"
        elif isinstance(account, str) and account.endswith("-compute@developer.gserviceaccount.com"):
            yield f"{where}.serviceAccount is the Compute Engine default account"


def _is_gpu_pool(config: Mapping[str, Any]) -> bool:
    accelerators = [as_mapping(a) for a in as_list(config.get("guestAccelerators"))]
    if any((as_int(a.get("count")) or 0) > 0 or is_unknown(a.get("count")) for a in accelerators):
        return True
    return bool(GPU_MACHINE.match(str(config.get("machineType", ""))))


@resource_rule(
    id="lepton-gcp-node-pool-autoscaling",
    title="Node pools have an autoscaling maximum",
    severity=Severity.MEDIUM,
    types=(NODE_POOL,),
    clouds=GCP,
    description="`autoscaling.maxNodeCount` or `autoscaling.totalMaxNodeCount` is set and not below the "
    "minimum. GKE taints GPU nodes `nvidia.com/gpu=present:NoSchedule` itself, so GPU pools need no "
    "explicit taint on GCP.",
    remediation="Set `autoscaling=...(min_node_count=0, max_node_count=<ceiling>)` (or the total_* pair "
    "for regional pools).",
)
def node_pool_autoscaling(r: ResourceView) -> Iterator[str]:
    scaling = as_mapping(r.get("autoscaling"))
    if not scaling:
        yield "no autoscaling block: a fixed-size pool with no ceiling policy"
        return
    total = "totalMaxNodeCount" in scaling and "maxNodeCount" not in scaling
    prefix = "autoscaling.total" if total else "autoscaling."
    yield from ceiling_problems(
        scaling.get("maxNodeCount", scaling.get("totalMaxNodeCount")),
        scaling.get("minNodeCount", scaling.get("totalMinNodeCount")),
        max_name=f"{prefix}{'MaxNodeCount' if total else 'maxNodeCount'}",
        min_name=f"{prefix}{'MinNodeCount' if total else 'minNodeCount'}",
    )


@resource_rule(
    id="lepton-gcp-spot-gpu-min-zero",
    title="Spot GPU node pools scale to zero",
    severity=Severity.MEDIUM,
    types=(NODE_POOL,),
    clouds=GCP,
    description="A spot or preemptible GPU pool has an autoscaling minimum of 0.",
    remediation="Set `autoscaling.min_node_count=0` (and `total_min_node_count=0`).",
)
def spot_gpu_min_zero(r: ResourceView) -> Iterator[str]:
    config = as_mapping(r.get("nodeConfig"))
    spot = as_bool(config.get("spot")) is True or as_bool(config.get("preemptible")) is True
    if not spot or not _is_gpu_pool(config):
        raise NotApplicable("not a spot GPU node pool")
    scaling = as_mapping(r.get("autoscaling"))
    for key in ("minNodeCount", "totalMinNodeCount"):
        value = scaling.get(key)
        if value is not None and not is_unknown(value) and as_int(value) != 0:
            yield f"spot GPU pool with autoscaling.{key} {shown(value)}"


@resource_rule(
    id="lepton-gcp-node-auto-repair-upgrade",
    title="GKE node pools auto-repair and auto-upgrade",
    severity=Severity.MEDIUM,
    types=(NODE_POOL,),
    clouds=GCP,
    description="`management.autoRepair` and `management.autoUpgrade` are true, so unhealthy nodes are "
    "recreated and node images follow the control plane's patches (a release channel requires auto-upgrade). "
    "Queued-provisioning pools (`queuedProvisioning.enabled`) are exempt from auto-repair: GKE requires it "
    "off.",
    remediation="Set `management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True)`.",
    anchors=("checkov:CKV_GCP_9", "checkov:CKV_GCP_10"),
)
def node_auto_repair_upgrade(r: ResourceView) -> Iterator[str]:
    queued = as_bool(r.get("queuedProvisioning.enabled")) is True
    for field in ("autoUpgrade",) if queued else ("autoRepair", "autoUpgrade"):
        value = r.get(f"management.{field}")
        if not is_unknown(value) and as_bool(value) is not True:
            yield f"management.{field} is {shown(value)}, not true"


@resource_rule(
    id="lepton-gcp-node-image-cos",
    title="GKE nodes run Container-Optimized OS with containerd",
    severity=Severity.MEDIUM,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="`nodeConfig.imageType` is COS_CONTAINERD: a read-only root, verified boot and Google's "
    "patch stream. Ubuntu and Windows images widen the node's attack surface.",
    remediation="Set `node_config=...(image_type='COS_CONTAINERD')` on every node pool.",
    anchors=("checkov:CKV_GCP_22",),
)
def node_image_cos(r: ResourceView) -> Iterator[str]:
    if r.type == CLUSTER:
        standard_cluster(r)
        if as_bool(r.get("removeDefaultNodePool")) is True:
            raise NotApplicable("the default node pool is removed; node pools are checked on their own")
    image = r.get("nodeConfig.imageType")
    if not is_unknown(image) and str(image).upper() != "COS_CONTAINERD":
        yield f"nodeConfig.imageType is {shown(image)}, not COS_CONTAINERD"
