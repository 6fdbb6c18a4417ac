"""The typer classes `lepton-infra` is built with: a group after whose usage errors no stale output is
left, and commands whose help names an argument by its metavar."""

from __future__ import annotations

from typing import Any

import typer
import typer.core

from lepton_infra.cli.failures import EXIT_BAD_INPUT
from lepton_infra.cli.outputs import named_outputs, remove_stale


class LeptonGroup(typer.core.TyperGroup):
    """A usage error (exit 2 before a command runs: an unknown option, a bad `--date`) also removes the
    files the command was asked to write, as every other exit 2 does (cli/outputs.py)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["lepton_args"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:  # click's UsageError (exit_code 2); typer does not export the class
            if getattr(exc, "exit_code", None) == EXIT_BAD_INPUT:
                remove_stale(named_outputs(ctx.meta.get("lepton_args", [])))
            raise


class LeptonCommand(typer.core.TyperCommand):
    """An argument's help shows its metavar (`STACK_DIR`), not typer's type label (`<list[Path]>`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, typer.core.TyperArgument) and param.metavar:
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
