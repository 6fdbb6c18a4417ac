"""A model's weights as a read-only mount of its prefix in the platform's model bucket, through the
Mountpoint for Amazon S3 CSI driver (EKS): the static PersistentVolume and its claim, as plain manifests.
Pure; not wired into a platform yet (issue 30 item 1: the hydration Job that fills the prefix, the serving
pod's wait for its marker and the EKS add-on come next).

Where the weights live: `tenants/<tenant>/models/<model>/<revision>/`, under the tenant's prefix of the model
bucket (kubernetes/tenancy/tenant.py `bucket_prefix`), so the tenant's own workload identity, which reads
exactly that prefix (aws/identity.py `prefix_reader_policy`), is the only credential the mount uses. A
revision is a full commit in prod (spec/model.py), so a prefix never changes once its marker is written.

Facts read from awslabs/mountpoint-s3-csi-driver at tag v2.7.0 (2026-06-11), read 2026-12-08:
- docs/CONFIGURATION.md "Static Provisioning": static PVs only; `storageClassName: ""` on PV and PVC, a
  `claimRef` so no other claim binds the PV, a `volumeHandle` unique in the cluster (one volume per handle is
  processed), `capacity` required but ignored; access modes ReadWriteMany or ReadOnlyMany; Mountpoint's own
  flags as `mountOptions` without their dashes (`region <r>`, `prefix <p>/`).
- docs/CONFIGURATION.md "Pod-Level Credentials": `authenticationSource: pod` makes the Mountpoint pod use the
  workload pod's service account (IRSA or Pod Identity) instead of the driver's; a driver-level credential is
  then ignored, so the driver's own service account needs no S3 permission at all. `stsRegion` names the STS
  region for IRSA when the driver cannot read it from IMDS.
- pkg/driver/node/node.go (NodePublishVolume): a read-only publish or the MULTI_NODE_READER_ONLY access mode
  (ReadOnlyMany) adds Mountpoint's `--read-only`: nothing written through the mount reaches the bucket.
- docs/CACHING.md "emptyDir": `cache: emptyDir` with `cacheEmptyDirSizeLimit` gives the Mountpoint pod a
  local data cache on the node's disk, limited to that size (the driver also caps Mountpoint's
  `max-cache-size` to it); "Metadata Cache": `metadata-ttl indefinite` never re-checks cached metadata,
  right for objects that never change.
- examples/kubernetes/static_provisioning/non_root.yaml: a non-root workload reads the mount with
  `uid=<uid>`, `gid=<gid>` and `allow-other` in mountOptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lepton_infra.kubernetes.serving.workload import RUN_AS_UID

MOUNTPOINT_CSI_DRIVER = "s3.csi.aws.com"
# The hydration Job writes this object last, after every weight file: its presence means the prefix is
# complete (Mountpoint writes each new file in one sequential upload and cannot rename, so a partial copy
# could otherwise look finished). The serving pod starts vLLM only once it is there.
READY_MARKER = ".lepton-hydrated"


def model_prefix(tenant: str, model: str, revision: str) -> str:
    """A model revision's prefix in the model bucket, inside the tenant's own `tenants/<tenant>/`."""
    return f"tenants/{tenant}/models/{model}/{revision}/"


@dataclass(frozen=True)
class ModelMount:
    """One (tenant, model revision) mount: its PV (cluster-scoped) and the claim in the tenant's namespace."""

    tenant: str
    namespace: str
    model: str
    revision: str
    bucket: str
    region: str
    cache_gib: int  # the node-local data cache (`served_model.cache_gib`: the weights plus headroom)

    @property
    def claim_name(self) -> str:
        return f"model-{self.model}"

    @property
    def volume_name(self) -> str:
        # Cluster-scoped, so the tenant is in the name; also the driver's volumeHandle, unique per PV.
        return f"lepton-model-{self.tenant}-{self.model}"

    @property
    def prefix(self) -> str:
        return model_prefix(self.tenant, self.model, self.revision)

    def persistent_volume(self) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": self.volume_name},
            "spec": {
                "capacity": {
                    "storage": f"{self.cache_gib}Gi"
                },  # required by Kubernetes, ignored by the driver
                "accessModes": ["ReadOnlyMany"],  # the driver mounts with --read-only
                "storageClassName": "",
                "persistentVolumeReclaimPolicy": "Retain",
                "claimRef": {"namespace": self.namespace, "name": self.claim_name},
                "mountOptions": [
                    f"prefix {self.prefix}",
                    f"region {self.region}",
                    # One revision's objects never change once hydrated: cache their metadata for good.
                    "metadata-ttl indefinite",
                    f"uid={RUN_AS_UID}",
                    f"gid={RUN_AS_UID}",
                    "allow-other",
                ],
                "csi": {
                    "driver": MOUNTPOINT_CSI_DRIVER,
                    "volumeHandle": self.volume_name,
                    "readOnly": True,
                    "volumeAttributes": {
                        "bucketName": self.bucket,
                        # The serving pod's own identity (the tenant's IRSA role, reading only its prefix).
                        "authenticationSource": "pod",
                        "stsRegion": self.region,
                        "cache": "emptyDir",
                        "cacheEmptyDirSizeLimit": f"{self.cache_gib}Gi",
                    },
                },
            },
        }

    def persistent_volume_claim(self) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": self.claim_name, "namespace": self.namespace},
            "spec": {
                "accessModes": ["ReadOnlyMany"],
                "storageClassName": "",
                "resources": {"requests": {"storage": f"{self.cache_gib}Gi"}},
                "volumeName": self.volume_name,
            },
        }

    def pod_volume(self, name: str) -> dict[str, Any]:
        """The serving pod's volume: the claim, read-only."""
        return {"name": name, "persistentVolumeClaim": {"claimName": self.claim_name, "readOnly": True}}
