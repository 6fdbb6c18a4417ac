"""Per-cloud settings that have no cloud-agnostic meaning, one module per cloud. Only the chosen cloud's
block may be set."""

from lepton_infra.spec.cloud_knobs.aws import AwsKnobs
from lepton_infra.spec.cloud_knobs.azure import AzureKnobs
from lepton_infra.spec.cloud_knobs.gcp import GcpKnobs

__all__ = ["AwsKnobs", "AzureKnobs", "GcpKnobs"]
