"""A model's weights as a read-only mount of its prefix in the platform's model bucket, through the
Mountpoint for Amazon S3 CSI driver (EKS): the static PersistentVolume and its claim, as plain manifests.
Pure. Two volumes per (tenant, model): the replicas' read-only one with a node-local cache, and the hydration
Job's writable one (kubernetes/serving/hydration.py), both of the same prefix.

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
  `max-cache-size` to it).
And from awslabs/mountpoint-s3 tag mountpoint-s3-1.23.0 (2026-07-21), doc/CONFIGURATION.md, read 2026-12-08:
`--prefix` must end with `/` and shows only that prefix's objects, the prefix removed from their paths; with
a data cache, metadata is cached for 60 s by default (so the replicas see the marker at most a minute after
it is written; `metadata-ttl indefinite` would also cache its absence for good, and is not used); writing
replaces an existing file only with `--allow-overwrite` (the hydration Job's volume: a retried Job rewrites
what it wrote before).
- examples/kubernetes/static_provisioning/non_root.yaml: a non-root workload reads the mount with
  `uid=<uid>`, `gid=<gid>` and `allow-other` in mountOptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lepton_infra.kubernetes.serving.workload import RUN_AS_UID

# The hydration Job writes this object last, after every weight file: its presence means the prefix is
# complete (Mountpoint writes each new file in one sequential upload and cannot rename, so a partial copy
# could otherwise look finished). The serving pod starts vLLM only once it is there.
READY_MARKER = ".lepton-hydrated"


def model_prefix(tenant: str, model: str, revision: str) -> str:
    """A model revision's prefix in the model bucket, inside the tenant's own `tenants/<tenant>/`."""
    return f"tenants/{tenant}/models/{model}/{revision}/"


@dataclass(frozen=True)
class ModelMount:
    """One (tenant, model revision) volume: its PV (cluster-scoped) and the claim in the tenant's namespace.
    `writable`: the hydration Job's (read-write, no cache); otherwise the replicas' (read-only, cached)."""

    tenant: str
    namespace: Any  # pulumi.Input[str]: the tenant's namespace
    model: str
    revision: str
    bucket: Any  # pulumi.Input[str]: the model bucket's name
    region: str
    driver: str  # the CSI driver (`ModelStoreFacts.driver`): s3.csi.aws.com
    cache_gib: int  # the node-local data cache (`served_model.cache_gib`: the weights plus headroom)
    writable: bool = False

    @property
    def claim_name(self) -> str:
        return f"model-{self.model}" + ("-hydrate" if self.writable else "")

    @property
    def volume_name(self) -> str:
        # Cluster-scoped, so the tenant is in the name; also the driver's volumeHandle, unique per PV.
        return f"lepton-model-{self.tenant}-{self.model}" + ("-hydrate" if self.writable else "")

    @property
    def prefix(self) -> str:
        return model_prefix(self.tenant, self.model, self.revision)

    @property
    def access_mode(self) -> str:
        # ReadOnlyMany: the driver mounts with --read-only. The Job's volume is written by one pod at a time.
        return "ReadWriteMany" if self.writable else "ReadOnlyMany"

    def persistent_volume(self) -> dict[str, Any]:
        options = [f"prefix {self.prefix}", f"region {self.region}"]
        attributes: dict[str, Any] = {
            "bucketName": self.bucket,
            # The pod's own identity: the tenant's IRSA role reading only its prefix for the replicas, the
            # hydration Job's role writing the models' prefix for the Job. The driver holds none.
            "authenticationSource": "pod",
            "stsRegion": self.region,
        }
        if self.writable:
            options.append("allow-overwrite")
        else:
            attributes.update({"cache": "emptyDir", "cacheEmptyDirSizeLimit": f"{self.cache_gib}Gi"})
        # The pods run as RUN_AS_UID (serving/workload.py): the files must be theirs, and others' to read.
        options += [f"uid={RUN_AS_UID}", f"gid={RUN_AS_UID}", "allow-other"]
        csi: dict[str, Any] = {
            "driver": self.driver,
            "volumeHandle": self.volume_name,
            "volumeAttributes": attributes,
        }
        if not self.writable:
            csi["readOnly"] = True
        return {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": self.volume_name},
            "spec": {
                # Required by Kubernetes, ignored by the driver.
                "capacity": {"storage": f"{self.cache_gib}Gi"},
                "accessModes": [self.access_mode],
                "storageClassName": "",
                # The bucket keeps the weights whatever happens to the PV.
                "persistentVolumeReclaimPolicy": "Retain",
                "claimRef": {"namespace": self.namespace, "name": self.claim_name},
                "mountOptions": options,
                "csi": csi,
            },
        }

    def persistent_volume_claim(self) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": self.claim_name, "namespace": self.namespace},
            "spec": {
                "accessModes": [self.access_mode],
                "storageClassName": "",
                "resources": {"requests": {"storage": f"{self.cache_gib}Gi"}},
                "volumeName": self.volume_name,
            },
        }

    def pod_volume(self, name: str) -> dict[str, Any]:
        """A pod's volume of the claim (read-only unless `writable`)."""
        return {
            "name": name,
            "persistentVolumeClaim": {"claimName": self.claim_name, "readOnly": not self.writable},
        }
