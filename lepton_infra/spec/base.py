"""Shared pieces of the spec models: the name and quantity types valid on every cloud, and the GPU request
(the frozen base they derive from is core/spec_model.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from lepton_infra.core.spec_model import SpecModel, described

# A DNS-1123 label: lowercase letters, digits and hyphens, starting with a letter and ending with a letter
# or digit. Valid as a Kubernetes namespace, a GCP resource name and an AWS name; per-cloud limits that
# are stricter (AKS pool names, GKE pool lengths) are checked in rules.py where the cloud is known.
NAME_PATTERN = described(
    r"^[a-z]([a-z0-9-]*[a-z0-9])?$",
    "lowercase letters, digits and hyphens, starting "
    "with a letter and ending with a letter or digit (e.g. `gpu-l4`)",
)
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=40)]
PlatformName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, min_length=3, max_length=20)]

# Kubernetes quantities as written in manifests ("500m", "4", "16Gi").
Quantity = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$",
            "a Kubernetes quantity: a number with an optional unit m, k, M, G, T, Ki, Mi, Gi or Ti (e.g. "
            "`500m`, "
            "`4`, `16Gi`)",
        )
    ),
]

_QUANTITY_UNITS = {
    "m": Decimal("0.001"),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
}


def quantity_value(quantity: str) -> Decimal:
    """A `Quantity` (already pattern-checked) as a number: CPU in cores, memory in bytes."""
    for unit in ("Ki", "Mi", "Gi", "Ti", "m", "k", "M", "G", "T"):
        if quantity.endswith(unit):
            return Decimal(quantity[: -len(unit)]) * _QUANTITY_UNITS[unit]
    return Decimal(quantity)


# Node label keys accepted on every cloud. (Tags are checked per cloud: profiles/<cloud>/tags.py.)
TagKey = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[a-z][a-z0-9_-]{0,62}$", "up to 63 lowercase letters, digits, _ and -, starting with a letter"
        )
    ),
]

Email = Annotated[
    str,
    StringConstraints(
        pattern=described(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an email address such as `oncall@acme.dev`"),
        max_length=254,
    ),
]


class GpuRequest(SpecModel):
    """A GPU model and how many of it, e.g. `{type: h100-80gb, count: 8}`."""

    type: str = Field(
        description="GPU model key from the catalog: t4, a10, a10g, l4, l40s, a100-40gb, "
        "a100-80gb, h100-80gb, h100-nvl, h200-141gb."
    )
    count: int = Field(
        default=1, ge=1, le=16, description="GPUs per node (pools) or per replica (services). Default 1."
    )
