"""How a pod assumes a cloud identity: the service-account metadata a cloud's binder returns
(`BoundIdentity`) and the binder's signature (`IdentityBinder`). The cluster handle and the traffic
contract both hand out binders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pulumi


@dataclass(frozen=True)
class BoundIdentity:
    """Service-account metadata that makes a pod assume a cloud identity."""

    annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    # Pod labels the cloud's identity webhook needs (Azure workload identity).
    pod_labels: Mapping[str, str] = field(default_factory=dict)


class IdentityBinder(Protocol):
    def __call__(
        self,
        name: str,
        namespace: str,
        service_account: str,
        bucket_prefix: str,
        opts: pulumi.ResourceOptions,
    ) -> BoundIdentity:
        """Create the cloud identity (role, service account) with read access to `bucket_prefix` of the
        platform's model bucket, trusted by `namespace/service_account`; return the SA metadata."""
        ...
