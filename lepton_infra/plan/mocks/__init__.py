"""Mocks that answer like a cloud would: plausible outputs per resource type and plausible invoke
results, so every `apply` in a program runs offline as under `pulumi up`."""

from lepton_infra.plan.mocks.plausible import PlausibleMocks, UnmockedInvoke
from lepton_infra.plan.mocks.registry import MockContext

__all__ = ["MockContext", "PlausibleMocks", "UnmockedInvoke"]
