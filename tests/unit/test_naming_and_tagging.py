from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lepton_infra.core.naming import LIMITS, child_name, physical_name
from lepton_infra.core.tagging import REQUIRED_TAG_KEYS, missing_required_tags, platform_tags

part = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=60)


def test_child_names_are_parent_dash_role() -> None:
    assert child_name("acme-ai", "vpc") == "acme-ai-vpc"


def test_short_names_are_unchanged() -> None:
    assert physical_name("acme", "prod", "nodes", limit="aws:iam-role") == "acme-prod-nodes"


@given(st.lists(part, min_size=1, max_size=5), st.sampled_from(sorted(LIMITS)))
def test_physical_names_fit_every_limit_and_are_stable(parts: list[str], limit: str) -> None:
    name = physical_name(*parts, limit=limit)
    assert len(name) <= LIMITS[limit]
    assert name == physical_name(*parts, limit=limit)


@given(part, part)
def test_distinct_long_names_stay_distinct(a: str, b: str) -> None:
    long_a, long_b = "x" * 70 + a, "x" * 70 + b
    if long_a != long_b:
        assert physical_name(long_a, limit=30) != physical_name(long_b, limit=30)


def test_alphanumeric_names_for_azure_storage() -> None:
    name = physical_name("acme-ai", "prod", "models", limit="azure:storage-account", alphanumeric_only=True)
    assert name.isalnum() and len(name) <= 24


def test_platform_tags_add_environment_and_platform() -> None:
    tags = platform_tags("acme", "prod", {"team": "ml", "cost-center": "1"})
    assert tags == {
        "team": "ml",
        "cost-center": "1",
        "environment": "prod",
        "platform": "acme",
        "deployment": "acme-prod",
        "managed-by": "lepton-infra",
    }
    assert missing_required_tags(tags, include_environment=True) == []


def test_required_keys_accept_owner_or_team() -> None:
    assert ("team", "owner") in REQUIRED_TAG_KEYS
    assert missing_required_tags({"owner": "x", "cost-center": "1"}) == []
    assert missing_required_tags({"cost-center": "1"}) == ["team or owner"]
