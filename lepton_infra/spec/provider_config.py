"""Provider config in the stack file that contradicts the spec.

The platform creates its providers explicitly from the spec (region, project, subscription), so a
stack's `aws:region`, `gcp:project`, `gcp:region`, `azure-native:location` or `azure-native:subscriptionId`
is not used by anything it creates. When such a value differs from the spec, the user meant one of the
two: refuse rather than silently deploy somewhere other than the stack file says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


PROVIDER_KEYS = (
    "aws:region",
    "gcp:region",
    "gcp:project",
    "azure-native:location",
    "azure-native:subscriptionId",
)


def _azure_location(value: str) -> str:
    """Azure accepts `East US` for `eastus`: compare the normalised names."""
    return value.replace(" ", "").lower()


def provider_config_conflicts(spec: PlatformSpec, config: Mapping[str, str | None]) -> list[Problem]:
    """Each (provider key, spec field) pair of the spec's cloud whose values differ. `config` maps
    `package:key` to the stack's value (None when unset)."""
    same: Callable[[str], str] = str
    pairs: list[tuple[str, str, str | None]] = []
    if spec.cloud == "aws":
        pairs = [("aws:region", "region", spec.region)]
    elif spec.cloud == "gcp":
        pairs = [
            ("gcp:region", "region", spec.region),
            ("gcp:project", "gcp.project", spec.gcp.project if spec.gcp else None),
        ]
    elif spec.cloud == "azure":
        same = _azure_location
        pairs = [
            ("azure-native:location", "region", spec.region),
            (
                "azure-native:subscriptionId",
                "azure.subscription_id",
                spec.azure.subscription_id if spec.azure else None,
            ),
        ]
    problems = []
    for key, field, wanted in pairs:
        given = config.get(key)
        if given is None or wanted is None or same(given) == same(wanted):
            continue
        problems.append(
            Problem(
                key,
                given,
                f"contradicts lepton:platform {field} {wanted!r} (the platform's providers follow the spec)",
                f"make them equal, or remove {key}",
            )
        )
    return problems
