"""How the CLI tells a plan that did not finish: the exit code the README gives it and a message of one
line (a short list when the input has several problems), never a traceback.

- bad input, exit 2: a `SpecError` (the spec, the stack files, the options), and the stack config a
  program asks for and does not get (`pulumi.Config().require('x')` on a missing key, `require_int` on
  text): Pulumi's own `ConfigMissingError` / `ConfigTypeError`;
- the program failed, exit 3: any other `pulumi.RunError` (a component's `ComponentArgsError`, an error
  a program raises on purpose) and `PlanFailed` (an exception, `sys.exit`), with the file and line of the
  user's program when one is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi

from lepton_infra.core.errors import ComponentArgsError, Problem, SpecError, with_text_as_written
from lepton_infra.plan.engine import PlanFailed, program_location
from lepton_infra.plan.stackfiles import load_stack

EXIT_BAD_INPUT, EXIT_PROGRAM_FAILED = 2, 3


@dataclass(frozen=True)
class Refusal:
    code: int
    message: str


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _problems_text(head: str, problems: list[Problem]) -> str:
    """`head: problem` for one problem; `head` and one indented line per problem for several."""
    if len(problems) == 1:
        return f"{head}: {problems[0].render()}"
    count = f"{len(problems)} problems"
    return f"{head} has {count}:\n" + "\n".join(f"  - {p.render()}" for p in problems)


def spec_text(exc: SpecError) -> str:
    """One problem on one line (`file: path: value — why; fix`); several as the SpecError's list."""
    return _problems_text(exc.source, exc.problems) if exc.problems else _one_line(str(exc))


def _as_written(exc: SpecError, stack_dir: Path, stack: str) -> SpecError:
    """The spec's problems about a number YAML read (`cost-center: 0123` arrives as 83) quote the text in
    the stack file: the spec sees only the number, the CLI has the file."""
    try:
        written = load_stack(stack_dir, stack).written.get(exc.source, {})
    except SpecError:
        return exc
    if not written:
        return exc
    requoted = [with_text_as_written(p, written[p.path]) if p.path in written else p for p in exc.problems]
    return SpecError(requoted, exc.source)


def _config_key_text(key: str, stack: str, kind: str = "value") -> str:
    return f"`{key}: <{kind}>` under `config:` in Pulumi.{stack.split('/')[-1]}.yaml"


def refusal(exc: BaseException, stack_dir: Path, stack: str) -> Refusal | None:
    """The refusal for an exception `plan_stack` raised, or None when it is not a plan failure (a bug:
    let it show)."""
    if isinstance(exc, SpecError):
        return Refusal(EXIT_BAD_INPUT, spec_text(_as_written(exc, stack_dir, stack)))
    where_at = program_location(exc, Path(stack_dir).resolve())
    where = f" (at {where_at})" if where_at else ""
    if isinstance(exc, pulumi.ConfigMissingError):
        return Refusal(
            EXIT_BAD_INPUT,
            f"config {exc.key}: (missing) — the program requires it{where}; set "
            f"{_config_key_text(exc.key, stack)}",
        )
    if isinstance(exc, pulumi.ConfigTypeError):
        return Refusal(
            EXIT_BAD_INPUT,
            f"config {exc.key}: {exc.value!r} — the program reads it as {exc.expect_type}{where}; set "
            f"{_config_key_text(exc.key, stack, exc.expect_type)}",
        )
    at = f" at {where_at}" if where_at else ""
    if isinstance(exc, ComponentArgsError):
        head = f"the program failed{at}: {exc.component} {exc.name!r}"
        return Refusal(EXIT_PROGRAM_FAILED, _problems_text(head, exc.problems))
    if isinstance(exc, PlanFailed):
        at = f" at {exc.location}" if exc.location else ""
        if exc.exit_status is not None:
            return Refusal(
                EXIT_PROGRAM_FAILED, f"the program stopped{at}: it called sys.exit({exc.exit_status!r})"
            )
        return Refusal(EXIT_PROGRAM_FAILED, f"the program failed{at}: {_one_line(str(exc))}")
    if isinstance(
        exc, pulumi.RunError
    ):  # raised on purpose by a program or a library: its message is for users
        return Refusal(EXIT_PROGRAM_FAILED, f"the program failed{at}: {_one_line(str(exc))}")
    return None
