"""Filestore rules: the shared filesystem is encrypted with a customer-managed key and its shares are
exported to named private ranges only."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import as_list, as_mapping, is_set, is_unknown, is_world, shown
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.gcp.tokens import FILESTORE_INSTANCE, GCP


@resource_rule(
    id="lepton-gcp-filestore-cmk",
    title="Filestore instances are encrypted with a customer-managed key",
    severity=Severity.HIGH,
    types=(FILESTORE_INSTANCE,),
    clouds=GCP,
    description="A Filestore instance names a Cloud KMS key (`kmsKeyName`); without one Filestore encrypts "
    "with a Google-owned key the platform cannot scope, audit or revoke.",
    remediation="Set `kms_key_name` to the platform's key and grant the Filestore service agent "
    "(`service-<project number>@cloud-filer.iam.gserviceaccount.com`) encrypter/decrypter on it.",
)
def filestore_cmk(r: ResourceView) -> Iterator[str]:
    key = r.get("kmsKeyName")
    if not is_unknown(key) and not is_set(key):
        yield "kmsKeyName is not set: encrypted with a Google-owned key"


def _not_private(cidr: Any) -> bool:
    """The range is the world, or not inside the private (RFC 1918 / RFC 6598 / ULA) address space."""
    if is_world(cidr):
        return True
    try:
        return not ipaddress.ip_network(str(cidr).strip(), strict=False).is_private
    except ValueError:
        return False


@resource_rule(
    id="lepton-gcp-filestore-private",
    title="Filestore shares are exported to named private ranges only",
    severity=Severity.HIGH,
    types=(FILESTORE_INSTANCE,),
    clouds=GCP,
    description="Every share of a Filestore instance has NFS export options, each naming `ipRanges`, none "
    "of them public or the world. Without export options a share admits every address that routes into "
    "the VPC (peered networks, VPNs, other subnets), read-write and as root; the platform exports it to "
    "the nodes' subnet only.",
    remediation="Set `file_shares.nfs_export_options=[{ip_ranges: [<nodes' subnet>]}]`.",
)
def filestore_private(r: ResourceView) -> Iterator[str]:
    shares = r.get("fileShares")
    if is_unknown(shares):
        return
    share = as_mapping(shares)
    options = share.get("nfsExportOptions")
    if is_unknown(options):
        return
    if not as_list(options):
        yield "fileShares.nfsExportOptions is not set: the share admits every address in the VPC"
        return
    for i, option in enumerate(as_list(options)):
        ranges = as_mapping(option).get("ipRanges")
        if is_unknown(ranges):
            continue
        if not as_list(ranges):
            yield f"fileShares.nfsExportOptions[{i}] names no ipRanges: it admits every address in the VPC"
        bad = [c for c in as_list(ranges) if _not_private(c)]
        if bad:
            yield (
                f"fileShares.nfsExportOptions[{i}] exports to {', '.join(shown(c) for c in bad)}: "
                "not a private range"
            )
