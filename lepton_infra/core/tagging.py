"""The one tagging function. The required keys here are the ones the tagging policy checks."""

from __future__ import annotations

from collections.abc import Mapping

from lepton_infra.core.errors import Problem

# Each entry is satisfied by any one of its keys. Shared with lepton_infra.policy.
REQUIRED_TAG_KEYS: tuple[tuple[str, ...], ...] = (("environment",), ("team", "owner"), ("cost-center",))
MANAGED_BY = "lepton-infra"


def missing_required_tags(tags: Mapping[str, str], *, include_environment: bool = False) -> list[str]:
    """Required entries absent from `tags` (`environment` is added by `platform_tags`, so users need not
    write it unless asked to check a finished tag set)."""
    missing = []
    for alternatives in REQUIRED_TAG_KEYS:
        if alternatives == ("environment",) and not include_environment:
            continue
        if not any(tags.get(k) for k in alternatives):
            missing.append(" or ".join(alternatives))
    return missing


def platform_tags(name: str, environment: str, user_tags: Mapping[str, str]) -> dict[str, str]:
    """Tags for every taggable resource of a platform: the user's, plus environment, platform and
    managed-by. Keys and values are already valid as GCP labels (the strictest cloud), so the same dict
    serves AWS tags, GCP labels and Azure tags."""
    tags = dict(user_tags)
    tags.update({"environment": environment, "platform": name, "managed-by": MANAGED_BY})
    return tags


# Azure's tag rules (Resource Manager): keys up to 512 characters without < > % & \ ? /, values up to 256.
AZURE_TAG_KEY_MAX, AZURE_TAG_VALUE_MAX = 512, 256
AZURE_TAG_KEY_FORBIDDEN = frozenset('<>%&\\?/')


def azure_tag_problems(tags: Mapping[str, str]) -> list[Problem]:
    """Tags Azure would refuse. The spec's tag types are stricter (GCP label rules), so this only fails
    when that changes; it keeps Azure's own limits written down next to the tagging function."""
    problems = []
    for key, value in tags.items():
        if len(key) > AZURE_TAG_KEY_MAX or AZURE_TAG_KEY_FORBIDDEN & set(key):
            problems.append(Problem(f"tags.{key}", key, "not a valid Azure tag key (at most 512 characters, "
                                    "none of < > % & \\ ? /)", "rename the tag"))
        if len(value) > AZURE_TAG_VALUE_MAX:
            problems.append(Problem(f"tags.{key}", value, "Azure tag values are at most 256 characters",
                                    "shorten the value"))
    return problems
