"""The cloud contract: what `lepton_infra.platform.build` relies on from a cloud's `Platform`
(docs/architecture.md, "The contract").

A cloud package (aws/, gcp/, azure/) exports a `Platform` component constructed as
`Platform(name, spec, opts)` that exposes the cluster it made (`cluster_handle`, all the in-cluster layer
sees of the cloud) and its stack outputs (`outputs`). Nothing here imports a provider SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pulumi

from lepton_infra.core.cluster_handle import ClusterHandle
from lepton_infra.core.quota import QuotaNeed
from lepton_infra.core.volume_claims import StorageClassFacts, VolumeClaim

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


# The claims `build` recorded and the StorageClasses the plan creates -> the disk quota they draw on.
VolumeQuota = Callable[[Sequence[VolumeClaim], Mapping[str, StorageClassFacts]], Sequence[QuotaNeed]]


@dataclass(frozen=True)
class PlatformOutputs:
    """What every cloud's platform exports, under one name per meaning, plus the cloud's extras."""

    cluster_name: pulumi.Input[str]
    cluster_endpoint: pulumi.Input[str]  # the API server's address, as the cloud reports it
    kubeconfig: pulumi.Output[str]  # a Pulumi secret: exec-credential kubeconfig, no static token
    model_bucket: pulumi.Input[str]  # where models live (S3 bucket name, GCS bucket, Blob container URL)
    registry_url: pulumi.Input[str]  # the container registry images are pushed to
    region: str
    key_id: pulumi.Input[str]  # the platform's customer-managed key (AWS: its ARN)
    api_access: str  # where `pulumi up` and kubectl must run to reach the API server, in words
    # The stack output name of `key_id`. Kept per cloud so no existing stack's export is renamed:
    # AWS stacks have always exported the key's ARN as `kms_key_arn`, GCP and Azure as `kms_key_id`.
    key_output_name: str = "kms_key_id"
    # Cloud-only facts users need after `up` (GCP: project; Azure: resource_group), exported as named.
    cloud_specific: Mapping[str, pulumi.Input[Any]] = field(default_factory=dict)
    # The capacity quota every pool at its max needs (core/quota.py), exported as `quota_to_request`.
    quota_to_request: Sequence[QuotaNeed] = ()
    # How the cloud counts the persistent volumes the whole plan claims (core/volume_claims.py, recorded
    # by `build`) against its quota: `build` merges what it returns into `quota_to_request`. None: not
    # counted (AWS and Azure: their disk quotas are far above a platform's volumes).
    volume_quota: VolumeQuota | None = None
    # Exposed host -> its load balancer's address (what its DNS records point at), exported as
    # `host_addresses` when any host is exposed. The cloud's where it reserves the address itself (GKE:
    # the Gateway's static address); elsewhere `build` takes the in-cluster layer's, what each host's
    # Ingress reports (an ALB's DNS name, NGINX's IP).
    host_addresses: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)

    def to_stack_outputs(self) -> dict[str, Any]:
        """The stack outputs, named (and ordered) as every stack has exported them."""
        common = {
            "cluster_name": self.cluster_name,
            "cluster_endpoint": self.cluster_endpoint,
            "kubeconfig": self.kubeconfig,
            "model_bucket": self.model_bucket,
            "registry_url": self.registry_url,
            self.key_output_name: self.key_id,
            "region": self.region,
        }
        clash = set(common) & set(self.cloud_specific) | (
            {"host_addresses", "api_access", "quota_to_request"} & set(self.cloud_specific)
        )
        if clash:
            raise ValueError(f"cloud_specific outputs {sorted(clash)} would hide a common output")
        hosts = {"host_addresses": dict(self.host_addresses)} if self.host_addresses else {}
        quota = (
            {"quota_to_request": [q.output() for q in self.quota_to_request]} if self.quota_to_request else {}
        )
        return {**common, **self.cloud_specific, **hosts, "api_access": self.api_access, **quota}


@runtime_checkable
class CloudPlatform(Protocol):
    """A cloud's `Platform`: a `pulumi.ComponentResource` (build parents the in-cluster layer to it)
    with these two facts."""

    @property
    def cluster_handle(self) -> ClusterHandle: ...

    @property
    def outputs(self) -> PlatformOutputs: ...


class PlatformClass(Protocol):
    """How `build` constructs a cloud's `Platform`: each cloud package's `Platform` class is one."""

    def __call__(
        self, name: str, spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None
    ) -> CloudPlatform: ...
