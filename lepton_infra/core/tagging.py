"""The one tagging function. The required keys here are the ones the tagging policy checks."""

from __future__ import annotations

from collections.abc import Mapping

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
    managed-by. The user's keys and values were checked against the chosen cloud's rules when the spec
    was validated (spec/tag_rules.py); the added ones are valid on every cloud."""
    tags = dict(user_tags)
    tags.update({"environment": environment, "platform": name, "managed-by": MANAGED_BY})
    return tags
