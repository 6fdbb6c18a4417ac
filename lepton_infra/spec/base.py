"""Shared pieces of the spec models: the frozen base and the name types valid on every cloud."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class SpecModel(BaseModel):
    """Frozen, and unknown fields are errors (a typo must never silently fall back to a default)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# A DNS-1123 label: lowercase letters, digits and hyphens, starting with a letter and ending with a letter
# or digit. Valid as a Kubernetes namespace, a GCP resource name and an AWS name; per-cloud limits that
# are stricter (AKS pool names, GKE pool lengths) are checked in rules.py where the cloud is known.
NAME_PATTERN = r"^[a-z]([a-z0-9-]*[a-z0-9])?$"
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=40)]
PlatformName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, min_length=3, max_length=20)]

# Kubernetes quantities as written in manifests ("500m", "4", "16Gi").
Quantity = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")]

# Tag/label keys and values that are valid on AWS, GCP and Azure alike (GCP labels are the strictest).
TagKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
TagValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{0,63}$")]

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]


class GpuRequest(SpecModel):
    """A GPU model and how many of it, e.g. `{type: h100-80gb, count: 8}`."""

    type: str = Field(description="GPU model key from the catalog: t4, a10, a10g, l4, l40s, a100-40gb, "
                      "a100-80gb, h100-80gb, h100-nvl, h200-141gb.")
    count: int = Field(default=1, ge=1, le=16, description="GPUs per node (pools) or per replica "
                       "(services). Default 1.")
