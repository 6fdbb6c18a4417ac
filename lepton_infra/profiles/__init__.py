"""Per-cloud profiles: each cloud's declared contract on the spec side (knobs model, name and tag rules,
environment defaults, pre-flight checks). SDK-free: importing a profile never imports a provider SDK, so
spec/ and build() can consult every cloud while a stack imports only its own cloud's package."""

from lepton_infra.profiles.aws import PROFILE as AWS
from lepton_infra.profiles.azure import PROFILE as AZURE
from lepton_infra.profiles.base import CloudProfile, NameRule
from lepton_infra.profiles.gcp import PROFILE as GCP
from lepton_infra.profiles.tag_rule import TagRule

PROFILES: dict[str, CloudProfile] = {p.cloud: p for p in (AWS, GCP, AZURE)}

__all__ = ["PROFILES", "CloudProfile", "NameRule", "TagRule"]
