"""The EKS managed add-on versions pinned per Kubernetes minor (`data/eks_addons.yaml`, with the source of
every row), and which version a platform installs once `aws.addon_versions` overrides are applied.

Data, not code, and in core/ rather than aws/: the spec refuses a minor without pins before anything is
created, and the spec imports no cloud package.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lepton_infra.core.errors import Problem
from lepton_infra.core.yaml_table import read_table

# The EKS managed add-ons the AWS platform installs (aws/addons.py, aws/monitoring.py); the table pins each.
# eks-node-monitoring-agent turns GPU, kernel, network and storage faults into node conditions; without it
# node auto-repair reacts to kubelet Ready alone (EKS User Guide, "Detect node health issues and enable
# automatic node repair").
CORE_ADDONS = (
    "vpc-cni",
    "kube-proxy",
    "eks-pod-identity-agent",
    "coredns",
    "aws-ebs-csi-driver",
    "eks-node-monitoring-agent",
)
OBSERVABILITY_ADDON = "amazon-cloudwatch-observability"
# Installed only where a model is served from the model bucket (`models[].cache: bucket-mount`): the CSI
# driver that mounts a model's prefix read-only into its replicas (aws/model_mount.py).
MODEL_MOUNT_ADDON = "aws-mountpoint-s3-csi-driver"
EKS_ADDONS = (*CORE_ADDONS, OBSERVABILITY_ADDON, MODEL_MOUNT_ADDON)
DATA = Path(__file__).parent / "data" / "eks_addons.yaml"
BASES = ("eks-default", "eks-docs", "observed", "inferred")


@dataclass(frozen=True)
class AddonPin:
    addon: str
    minor: str
    version: str
    basis: str  # one of BASES: how sure the row is (the data file explains each)
    source: str  # where the version was read, in words
    read: str  # the date the sources were read (YYYY-MM-DD)


@cache
def addon_pins() -> dict[str, dict[str, AddonPin]]:
    """Kubernetes minor -> add-on name -> its pin."""
    raw = read_table(DATA.read_text())
    sources = {k: " ".join(str(v).split()) for k, v in raw["sources"].items()}
    read = str(raw["read"])
    return {
        str(minor): {
            str(addon): AddonPin(
                addon=str(addon),
                minor=str(minor),
                version=str(row["version"]),
                basis=str(row["basis"]),
                source=sources[row["source"]],
                read=read,
            )
            for addon, row in rows.items()
        }
        for minor, rows in raw["minors"].items()
    }


def pinned_minors() -> list[str]:
    """The minors with a row, oldest first."""
    return sorted(addon_pins(), key=lambda m: tuple(int(p) for p in m.split(".")))


def addon_versions(minor: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Add-on -> version for `minor`: the table's row, each entry of `overrides` winning."""
    row = {addon: pin.version for addon, pin in addon_pins().get(minor, {}).items()}
    return {**row, **dict(overrides or {})}


def unpinned(addons: Iterable[str], minor: str, overrides: Mapping[str, str] | None = None) -> list[str]:
    """Which of `addons` would have no version for `minor` (neither a row nor an override)."""
    versions = addon_versions(minor, overrides)
    return [a for a in addons if not versions.get(a)]


def unpinned_problems(
    path: str, addons: Iterable[str], minor: str | None, pinned: Mapping[str, str], fix: str
) -> Iterator[Problem]:
    """A component arg's problem when some of `addons` have neither a pin for `minor` nor a version in
    `pinned` (`up` never asks EKS for the latest)."""
    missing = unpinned(addons, minor or "", pinned)
    if missing:
        yield Problem(
            path,
            minor,
            f"no version is pinned for {', '.join(missing)} on Kubernetes {minor} "
            f"(core/data/eks_addons.yaml pins {', '.join(pinned_minors())})",
            f"{fix}, or use a pinned minor",
        )
