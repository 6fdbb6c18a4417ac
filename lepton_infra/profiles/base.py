"""What a cloud declares about itself, SDK-free: its knobs model, name and tag rules, environment
defaults and pre-flight checks. `lepton_infra.platform.build` and the spec rules read only this."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import Rule, run_rules
from lepton_infra.core.spec_model import SpecModel
from lepton_infra.profiles.tag_rule import TagRule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


@dataclass(frozen=True)
class NameRule:
    """A cloud's rule for one kind of name, with the sentence users read when they break it."""

    pattern: re.Pattern[str]
    description: str

    def ok(self, name: str) -> bool:
        return bool(self.pattern.fullmatch(name))


@dataclass(frozen=True)
class LengthLimit:
    """A cloud's own length limit on a kind of key, with why the cloud has it."""

    length: int
    why: str


@dataclass(frozen=True)
class CloudProfile:
    cloud: str
    title: str  # how users name the cloud ("AWS")
    knobs: type[SpecModel]  # the `<cloud>:` block's model
    knobs_required: str | None  # fix text when the block is mandatory (None: optional)
    platform_module: str  # the module whose `Platform` stands the cloud up; imported only by build()
    sdk_module: str  # the provider SDK that module needs (for the install hint)
    pool_name: NameRule
    tags: TagRule
    checks: tuple[Rule, ...] = field(default=())  # the cloud's pre-flight rules
    # How many machine types a spot pool may run (spec/resolved.py): more than one where a pool takes
    # several interchangeable types (an EKS node group), so spot capacity comes from whichever has it.
    spot_machine_choices: int = 1
    # A node label key's length limit beyond Kubernetes' own (spec/apply_time.py); None: none.
    node_label_key_limit: LengthLimit | None = None

    def preflight(self, spec: PlatformSpec) -> list[Problem]:
        """Everything this cloud refuses that the generic rules cannot know (versions, regions, knobs).
        Runs on partial specs too: a rule whose fields failed validation is skipped."""
        return run_rules(self.checks, spec)

    def sdk_missing(self) -> str | None:
        """The missing module's name when the platform cannot be imported here, else None."""
        for module in (self.platform_module.rsplit(".", 1)[0], self.sdk_module):
            if importlib.util.find_spec(module) is None:
                return module
        return None


def regex_rule(pattern: str, description: str) -> NameRule:
    return NameRule(re.compile(pattern), description)
