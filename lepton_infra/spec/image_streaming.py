"""Image streaming per node pool: which pools stream their images, and the prerequisites refused at spec time.

GKE is the one cloud where it is wired: image streaming (the pool's `gcfsConfig`) needs COS with containerd
(every platform pool's image type) and the Container File System API, and streams only images in Artifact
Registry (standard or remote repositories) or public Docker Hub; any other image is pulled whole as before
(GKE docs "Use Image streaming to pull container images", requirements and limitations; stored copy read
2026-12-07). Unverified: an older copy of those limitations excluded CMEK-encrypted images (the platform's
own repository is CMEK); docs/cold-start.md.

EKS's SOCI parallel pull is an experimental nodeadm feature gate on AL2023 (`FastImagePull`) or a
Bottlerocket setting, and lazy loading needs a SOCI index pushed next to each image in ECR; AKS artifact
streaming is a preview AgentPool property (`artifactStreamingProfile`) absent from the AKS API version
pulumi-azure-native 3.29 pins (2025-09-01). Both are refused, naming the reason. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.spec.served_model import container_image
from lepton_infra.spec.service_rules import hosting_pools

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec

# Artifact Registry's Docker hosts (`us-central1-docker.pkg.dev`, `europe-docker.pkg.dev`), and Docker Hub
# (an image without a registry host, or docker.io's own names).
_ARTIFACT_REGISTRY = re.compile(r"^[a-z0-9-]+-docker\.pkg\.dev/")
_DOCKER_HUB_HOSTS = ("docker.io", "index.docker.io", "registry-1.docker.io")

NOT_WIRED = {
    "aws": "EKS offers SOCI parallel pull only as nodeadm's experimental FastImagePull feature gate on "
    "AL2023 (or a Bottlerocket setting), and lazy loading needs a SOCI index pushed beside each image in "
    "ECR; the platform does not configure either yet",
    "azure": "AKS artifact streaming is a preview AgentPool property (artifactStreamingProfile, with ACR "
    "Premium and the ArtifactStreamingPreview feature registered); the AKS API version pulumi-azure-native "
    "3.29 uses (2025-09-01) has no such property",
}


def image_streams(image: str) -> bool:
    """Whether GKE streams `image`: Artifact Registry or Docker Hub."""
    if _ARTIFACT_REGISTRY.match(image):
        return True
    first = image.split("/", 1)[0]
    hosted = "/" in image and ("." in first or ":" in first or first == "localhost")
    return not hosted or first in _DOCKER_HUB_HOSTS


def hosted_images(spec: PlatformSpec, pool: NodePoolSpec) -> list[tuple[int, str]]:
    """(index, image) of every service whose replicas can land on `pool`."""
    return [
        (i, container_image(svc))
        for i, svc in enumerate(spec.services)
        if any(p.name == pool.name for p in hosting_pools(spec, svc))
    ]


def streams_images(spec: PlatformSpec, pool: NodePoolSpec) -> bool:
    """Whether `pool` streams images: its `image_streaming`, else on for a GKE GPU pool hosting a service
    whose image streams (it costs nothing there; the shipped stacks' ghcr.io images do not stream)."""
    if pool.image_streaming is not None:
        return pool.image_streaming and spec.cloud == "gcp"
    if spec.cloud != "gcp" or pool.gpu is None:
        return False
    return any(image_streams(image) for _, image in hosted_images(spec, pool))


@rule("cloud", "node_pools", "services")
def _streaming_prerequisites(spec: PlatformSpec) -> Iterator[Problem]:
    for i, pool in enumerate(spec.node_pools):
        if pool.image_streaming is not True:
            continue
        field = f"node_pools[{i}].image_streaming"
        if spec.cloud in NOT_WIRED:
            yield Problem(field, True, NOT_WIRED[spec.cloud], "remove it (images are pulled whole)")
            continue
        pulled = [
            f"services[{j}].image {image!r}"
            for j, image in hosted_images(spec, pool)
            if not image_streams(image)
        ]
        if pulled:
            yield Problem(
                field,
                True,
                f"{', '.join(pulled)} run(s) on this pool and GKE streams only images in Artifact Registry "
                "or public Docker Hub",
                "push the images to the platform's Artifact Registry repository, or set "
                "image_streaming: false",
            )


STREAMING_RULES: tuple[Rule, ...] = (_streaming_prerequisites,)
