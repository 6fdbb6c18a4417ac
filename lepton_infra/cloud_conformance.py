"""Pyright's proof that each cloud's `Platform` keeps the cloud contract (core/cloud.py): a class that
lost `cluster_handle`, returned untyped `outputs` or changed its constructor fails `make typecheck`.

Checked, never imported at run time (it would import every provider SDK, which the cloud-isolation
tests forbid): the assignments live under TYPE_CHECKING."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lepton_infra.aws import Platform as AwsPlatform
    from lepton_infra.azure import Platform as AzurePlatform
    from lepton_infra.core.cloud import PlatformClass
    from lepton_infra.gcp import Platform as GcpPlatform

    CONFORMING: tuple[PlatformClass, ...] = (AwsPlatform, GcpPlatform, AzurePlatform)
