"""The persistent volumes a platform claims, read off the objects it creates: what the cloud's disk quota
must also hold besides the nodes' boot disks.

`VolumeRecorder` is a Pulumi resource transformation that `build()` puts on the cloud's `Platform`; every
resource below it (the in-cluster layer included) passes through it as it is constructed, so a
PersistentVolumeClaim, a StatefulSet's or an operator CR's `volumeClaimTemplate`, or one inside a Helm
release's values is counted the moment someone adds it, with no list to keep. It changes nothing.

What it cannot see: volumes a chart creates from its own defaults (values the plan does not carry). At
the pinned charts none does (kube-prometheus-stack's Grafana persistence is off by default); a chart whose
defaults claim a volume must say so in its values for the quota to count it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from lepton_infra.spec.base import quantity_value

STORAGE_CLASS_TYPE = "kubernetes:storage.k8s.io/v1:StorageClass"
PVC_TYPE = "kubernetes:core/v1:PersistentVolumeClaim"
_GIB = 2**30


@dataclass(frozen=True)
class VolumeClaim:
    """`count` volumes of `gib` GiB each (the request rounded up to whole GiB, as disk CSI drivers
    provision them) in `storage_class` (None: the cluster's default class)."""

    where: str  # the resource and the path in it that claims the volumes
    storage_class: str | None
    gib: int
    count: int = 1

    @property
    def total_gib(self) -> int:
        return self.gib * self.count


@dataclass(frozen=True)
class StorageClassFacts:
    provisioner: str
    parameters: Mapping[str, str]


def _get(obj: Any, key: str) -> Any:
    """A field of a manifest dict (camelCase) or of a Pulumi args object / props dict (snake_case)."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
    if isinstance(obj, Mapping):
        return obj.get(key, obj.get(snake))
    return getattr(obj, snake, None)


def _claim(where: str, template: Any, count: int) -> VolumeClaim | None:
    spec = _get(template, "spec")
    storage = _get(_get(_get(spec, "resources"), "requests"), "storage")
    if not isinstance(storage, str):
        return None  # no size the plan knows (an unresolved output): nothing to count
    gib = math.ceil(quantity_value(storage) / _GIB)
    storage_class = _get(spec, "storageClassName")
    return VolumeClaim(where, storage_class if isinstance(storage_class, str) else None, gib, count)


def _replicas(*owners: Any) -> int:
    """Volumes per template: the nearest owner's replicas times its shards (Prometheus CRs), each 1 when
    unset (the Kubernetes, prometheus-operator and kube-prometheus-stack default)."""
    for owner in owners:
        replicas = _get(owner, "replicas")
        if isinstance(replicas, int):
            shards = _get(owner, "shards")
            return replicas * (shards if isinstance(shards, int) else 1)
    return 1


def _walk(node: Any, path: str, parent: Any) -> Iterator[VolumeClaim]:
    if isinstance(node, Mapping):
        items: list[tuple[str, Any]] = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list | tuple):
        items = [(f"[{i}]", v) for i, v in enumerate(node)]
    elif getattr(type(node), "_pulumi_input_type", False):  # an SDK `*Args` object: plain data
        items = [(k.lstrip("_"), v) for k, v in vars(node).items()]
    else:
        return
    for key, value in items:
        where = f"{path}.{key}" if path else key
        if key in ("volumeClaimTemplate", "volume_claim_template"):
            if claim := _claim(where, value, _replicas(node, parent)):
                yield claim
        elif key in ("volumeClaimTemplates", "volume_claim_templates") and isinstance(value, list | tuple):
            for i, template in enumerate(value):
                if claim := _claim(f"{where}[{i}]", template, _replicas(node, parent)):
                    yield claim
        else:
            yield from _walk(value, where, node)


def claims_in(resource_type: str, name: str, props: Any) -> list[VolumeClaim]:
    """The volumes one resource claims: a PersistentVolumeClaim itself, or every volume claim template
    anywhere in its inputs (StatefulSets, Prometheus/Alertmanager CRs, Helm release values)."""
    if resource_type == PVC_TYPE:
        claim = _claim(name, props, 1)
        return [claim] if claim else []
    return list(_walk(props, name, None))


@dataclass
class VolumeRecorder:
    """A resource transformation recording the claims and StorageClasses of every resource it sees."""

    claims: list[VolumeClaim] = field(default_factory=list)
    storage_classes: dict[str, StorageClassFacts] = field(default_factory=dict)

    def __call__(self, args: pulumi.ResourceTransformationArgs) -> None:
        self.claims.extend(claims_in(args.type_, args.name, args.props))
        if args.type_ == STORAGE_CLASS_TYPE:
            name = _get(_get(args.props, "metadata"), "name")
            provisioner = _get(args.props, "provisioner")
            parameters = _get(args.props, "parameters")
            if isinstance(name, str):
                self.storage_classes[name] = StorageClassFacts(
                    provisioner if isinstance(provisioner, str) else "",
                    # Only what the plan knows (a KMS key id is an output until the key exists).
                    {str(k): v for k, v in parameters.items() if isinstance(v, str)}
                    if isinstance(parameters, Mapping)
                    else {},
                )
