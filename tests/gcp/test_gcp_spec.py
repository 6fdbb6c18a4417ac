"""The `gcp:` spec knobs the platform relies on are validated before any resource exists."""

from __future__ import annotations

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.spec import PlatformSpec
from tests.gcp._specs import dev_spec, prod_spec


def test_a_budget_needs_a_billing_account() -> None:
    raw = prod_spec()
    raw["gcp"] = {"project": "acme-ai-prod"}
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    assert "gcp.billing_account" in err.value.paths


@pytest.mark.parametrize("account", ["012345-6789AB", "012345-6789ab-cdef01", "billing-account"])
def test_a_malformed_billing_account_is_refused(account: str) -> None:
    raw = prod_spec()
    raw["gcp"] = {"project": "acme-ai-prod", "billing_account": account}
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    assert "gcp.billing_account" in err.value.paths


def test_cloud_gcp_needs_the_project() -> None:
    raw = dev_spec()
    del raw["gcp"]
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    assert "gcp" in err.value.paths


def test_gke_needs_a_20_or_larger() -> None:
    raw = dev_spec()
    raw["network"] = {"cidr": "10.40.0.0/21"}
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    assert "network.cidr" in err.value.paths
