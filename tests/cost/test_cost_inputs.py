"""What the cost model takes from the spec is checked: regional prices are labelled for what they are,
overrides must name something the model prices and be a real price, the budget a finite amount."""

from __future__ import annotations

import math
from typing import Any

import pulumi_aws as aws
import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.cost import estimate_cost
from lepton_infra.cost.prices import PriceBook
from lepton_infra.cost.render import short_source
from lepton_infra.plan import plan_program
from lepton_infra.spec import PlatformSpec

SPEC: dict[str, Any] = {
    "name": "acme-ai",
    "environment": "dev",
    "cloud": "aws",
    "region": "us-east-1",
    "cluster": {"authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [{"name": "system", "min": 1, "max": 2}],
    "tags": {"team": "ml", "cost-center": "42"},
}


def _pool() -> None:
    aws.eks.NodeGroup(
        "system",
        cluster_name="c",
        node_role_arn="arn:aws:iam::123456789012:role/n",
        subnet_ids=["subnet-1"],
        instance_types=["m6i.xlarge"],
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=1, max_size=2, desired_size=1),
        labels={"lepton.ai/pool": "system"},
    )


def _pool_source(region: str) -> str:
    graph = plan_program(_pool, {"lepton:platform": {**SPEC, "region": region}})
    (item,) = estimate_cost(graph).node_pools()
    return item.price_source


def test_a_price_from_another_region_says_so() -> None:
    source = _pool_source("eu-west-1")
    assert "us-east-1 list price, not eu-west-1" in source
    assert (
        short_source({"price_source": source, "price_date": "2026-07-20"}) == "estimate us-east-1 2026-07-20"
    )


def test_a_price_from_the_catalogs_region_carries_no_such_label() -> None:
    assert "list price, not" not in _pool_source("us-east-1")


def _budget(**budget: Any) -> dict[str, Any]:
    return {**SPEC, "budget": {"monthly_usd": 1000, **budget}}


@pytest.mark.parametrize("amount", [math.inf, math.nan, -5, 0])
def test_the_budget_is_a_finite_positive_amount(amount: float) -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_budget(monthly_usd=amount))
    assert err.value.paths == ["budget.monthly_usd"]


@pytest.mark.parametrize("price", [-0.5, math.inf, math.nan])
def test_a_price_override_is_finite_and_not_negative(price: float) -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_budget(price_overrides={"m6i.xlarge": price}))
    assert err.value.paths == ["budget.price_overrides.m6i.xlarge"]


def test_an_override_the_cost_model_would_ignore_is_refused() -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(
            _budget(
                price_overrides={
                    "m6i.xlarg": 0.1,
                    "n2-standard-4": 0.1,
                    "eks-control-plane": 0.0,
                    "g6.xlarge": 0.5,
                }
            )
        )
    assert err.value.paths == ["budget.price_overrides.m6i.xlarg", "budget.price_overrides.n2-standard-4"]
    assert "did you mean 'm6i.xlarge'?" in str(err.value)


def test_the_price_book_refuses_negative_overrides_given_directly() -> None:
    with pytest.raises(SpecError) as err:
        PriceBook({"m6i.xlarge": -1.0})
    assert err.value.paths == ["budget.price_overrides.m6i.xlarge"]
