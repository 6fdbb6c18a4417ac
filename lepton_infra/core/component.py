"""The component contract every lepton component keeps (docs/architecture.md, "The component contract";
tests/unit/test_component_api.py checks it over every component):

- `Name(name, args, opts=None)`, `args` an `...Args` dataclass deriving from `ComponentArgs`, every field
  documented with what its default does;
- the args are checked HERE, before the component registers anything: `args.problems()` lists what the
  cloud (or Kubernetes) would refuse, and a `ComponentArgsError` names every problem at once. A subclass
  cannot register itself without passing through this check, so no component on any cloud skips it;
- type token `lepton:<aws|gcp|azure|k8s>:<ClassName>` in `TOKEN`, never changed without an alias;
- children parented to the component (`child_opts`), so the caller's provider reaches them; outputs
  registered once (`finish`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any, ClassVar

import pulumi

from lepton_infra.core.args import check_args
from lepton_infra.core.errors import Problem


class ComponentArgs(ABC):
    """Base of every component's `...Args` dataclass.

    `problems()` yields what the component would refuse in these args (field, value, why, fix), judged
    from plain values only: an `Output` is known at apply time and is left to the cloud. Bounds come from
    the spec's own fields where one exists, so a component used on its own refuses what the spec refuses.
    """

    @abstractmethod
    def problems(self) -> Iterable[Problem]:
        """Every problem in these args; empty when the component can be created."""


class Component(pulumi.ComponentResource):
    """Base of every lepton component.

    Subclasses set `TOKEN` (`lepton:<cloud>:<ClassName>`, never changed without an alias), call
    `super().__init__(name, args, opts)` first and `self.finish(outputs)` last. Providers come from the
    caller's `opts` and reach children through `parent=self`; components never read stack config.
    The component's Pulumi name is `pulumi.Resource`'s own; no attribute is claimed for it, so a
    component may expose a cloud-side `name` output of its own.
    """

    TOKEN: ClassVar[str]

    def __init__(
        self,
        name: str,
        args: ComponentArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        check_args(self.TOKEN, name, args.problems())  # before anything is registered
        super().__init__(self.TOKEN, name, None, opts)

    def child_opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        """Options for a child resource: parented here, so providers and aliases follow."""
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def finish(self, outputs: dict[str, Any]) -> None:
        """Register outputs once (attributes are set by the subclass; this feeds the engine)."""
        self.register_outputs(outputs)
