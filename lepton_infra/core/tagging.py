"""The one tagging function. The required keys here are the ones the tagging policy checks.

One key, one meaning:
- `platform`: the platform's name (`spec.name`), shared by its dev and prod deployments;
- `environment`: dev | staging | prod;
- `deployment`: `<name>-<environment>`, one deployed platform. Budgets and cost reports filter on it,
  so dev and prod in one account (or one payer) are measured apart. It is the cost allocation tag.
"""

from __future__ import annotations

from collections.abc import Mapping

# Each entry is satisfied by any one of its keys. Shared with lepton_infra.policy.
REQUIRED_TAG_KEYS: tuple[tuple[str, ...], ...] = (("environment",), ("team", "owner"), ("cost-center",))
MANAGED_BY = "lepton-infra"
PLATFORM_TAG = "platform"
ENVIRONMENT_TAG = "environment"
DEPLOYMENT_TAG = "deployment"
# The tag key a cloud's budget filters on (AWS: activate it as a cost allocation tag).
COST_ALLOCATION_TAG = DEPLOYMENT_TAG


def deployment_name(name: str, environment: str) -> str:
    """`<name>-<environment>`: the value of the `deployment` tag and the prefix of cloud-side names."""
    return f"{name}-{environment}"


def missing_required_tags(tags: Mapping[str, str], *, include_environment: bool = False) -> list[str]:
    """Required entries absent from `tags` (`environment` is added by `platform_tags`, so users need not
    write it unless asked to check a finished tag set)."""
    missing = []
    for alternatives in REQUIRED_TAG_KEYS:
        if alternatives == (ENVIRONMENT_TAG,) and not include_environment:
            continue
        if not any(tags.get(k) for k in alternatives):
            missing.append(" or ".join(alternatives))
    return missing


def platform_tags(name: str, environment: str, user_tags: Mapping[str, str]) -> dict[str, str]:
    """Tags for every taggable resource of a platform: the user's, plus environment, platform,
    deployment and managed-by. The user's keys and values were checked against the chosen cloud's rules
    when the spec was validated (profiles/<cloud>/tags.py); the added ones are valid on every cloud."""
    tags = dict(user_tags)
    tags.update(
        {
            ENVIRONMENT_TAG: environment,
            PLATFORM_TAG: name,
            DEPLOYMENT_TAG: deployment_name(name, environment),
            "managed-by": MANAGED_BY,
        }
    )
    return tags
