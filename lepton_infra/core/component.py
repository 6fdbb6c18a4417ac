"""The component base: type token, child options, one place for outputs."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi


class Component(pulumi.ComponentResource):
    """Base of every lepton component.

    Subclasses set `TOKEN` (`lepton:<cloud>:<Name>`, never changed without an alias) and call
    `self.finish(outputs)` last. Providers come from the caller's `opts` and reach children through
    `parent=self`; components never read stack config.
    """

    TOKEN: ClassVar[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.TOKEN, name, None, opts)
        self.name = name

    def child_opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        """Options for a child resource: parented here, so providers and aliases follow."""
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def finish(self, outputs: dict[str, Any]) -> None:
        """Register outputs once (attributes are set by the subclass; this feeds the engine)."""
        self.register_outputs(outputs)
