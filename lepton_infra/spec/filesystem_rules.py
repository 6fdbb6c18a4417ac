"""What the spec refuses about the shared filesystem (`filesystem:`): a cloud where it is not built, a
throughput tier or a size the provider refuses, more tenants than it can give a directory of their own.
The provider's figures and their sources are in core/data/shared_filesystems.yaml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.shared_filesystem import filesystem_offers, filesystem_refusals
from lepton_infra.core.spec_checks import rule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


@rule("cloud", "filesystem", "tenants")
def _filesystem(spec: PlatformSpec) -> Iterator[Problem]:
    fs = spec.filesystem
    if not fs.enabled:
        return
    offer = filesystem_offers().get(spec.cloud)
    if offer is None:
        built = ", ".join(sorted(filesystem_offers()))
        why = filesystem_refusals().get(spec.cloud, "")
        yield Problem(
            "filesystem.enabled",
            True,
            f"the shared filesystem is not built on {spec.cloud} yet (built on: {built})"
            + (f". {why}" if why else ""),
            "remove `filesystem:` or set enabled: false",
        )
        return
    if fs.kind == "lustre" and "Lustre" not in offer.product:
        yield Problem(
            "filesystem.kind",
            fs.kind,
            f"the shared filesystem on {spec.cloud} is {offer.product}, not Lustre (GCP Managed Lustre "
            "encrypted with a customer key cannot be mounted from GKE: docs/shared-filesystem.md)",
            "use kind: auto",
        )
    tiers = sorted(offer.tiers)
    if not tiers:
        if "throughput_mbps_per_tib" in fs.model_fields_set:
            yield Problem(
                "filesystem.throughput_mbps_per_tib",
                fs.throughput_mbps_per_tib,
                f"{offer.product}: throughput follows the capacity, there is no tier to choose",
                "remove `throughput_mbps_per_tib` (a larger `capacity_gib` gives more throughput)",
            )
    elif fs.throughput_mbps_per_tib not in offer.tiers:
        yield Problem(
            "filesystem.throughput_mbps_per_tib",
            fs.throughput_mbps_per_tib,
            f"{offer.product} offers only {', '.join(map(str, tiers))} MB/s per TiB",
            f"use one of {', '.join(map(str, tiers))}",
        )
    if fs.capacity_gib is not None and not offer.accepts(fs.capacity_gib):
        size = offer.next_size(fs.capacity_gib)
        which = "the next size it accepts" if size > fs.capacity_gib else "the largest it accepts"
        yield Problem(
            "filesystem.capacity_gib",
            fs.capacity_gib,
            f"{offer.product} accepts {offer.sizes_text()}",
            f"use {size} ({which})",
        )
    if offer.max_tenants is not None and len(spec.tenants) > offer.max_tenants:
        yield Problem(
            "filesystem.enabled",
            True,
            f"{len(spec.tenants)} tenants, but one {spec.cloud} filesystem gives at most "
            f"{offer.max_tenants} tenants a directory of their own (one data repository association each)",
            f"keep at most {offer.max_tenants} tenants, or leave the filesystem off",
        )


FILESYSTEM_RULES = (_filesystem,)
