"""An AWS plan imports no GCP or Azure SDK, and the other way round (fresh process per stack)."""

from __future__ import annotations

import pytest

from bench.isolation import loaded_sdks

OWN_SDK = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure": "pulumi_azure_native"}


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod", "azure-prod"])
def test_plan_imports_only_its_own_cloud_sdk(stack: str) -> None:
    assert loaded_sdks(stack) == [OWN_SDK[stack.split("-")[0]]]
