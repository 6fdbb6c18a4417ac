"""Any `pulumi.RunError` a plan raises is one line with the README's exit code, never a traceback (and
never exit 1, which CI reads as a mandatory policy violation): a component's ComponentArgsError in a user
program (3), a config key the program requires and the stack does not set (2), an error a program raises
on purpose (3); and a service path the component would refuse is refused by the spec first (2)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lepton_infra.cli import app
from tests.conftest import REPO

runner = CliRunner()


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _node_pool_example(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    """The shipped aws-node-pool component example (components/aws-node-pool), optionally edited."""
    target = tmp_path / "aws-node-pool"
    shutil.copytree(REPO / "components" / "aws-node-pool", target)
    if edit is not None:
        main = target / "__main__.py"
        assert edit[0] in main.read_text(), "the example changed: update the edit"
        main.write_text(main.read_text().replace(*edit))
    return target


def test_a_component_args_error_in_a_user_program_is_one_line_exit_3(tmp_path: Path) -> None:
    example = _node_pool_example(tmp_path, ("min_nodes=0", "min_nodes=5"))
    result = runner.invoke(app, ["plan", str(example), "--stack", "example"])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    (line,) = _lines(result.output)
    assert "lepton:aws:NodePool 'gpu': min_nodes: 5 — greater than max_nodes 4" in line
    assert re.search(r"__main__\.py:\d+", line), line  # the user's own line


def test_config_the_program_requires_and_the_stack_lacks_is_bad_input(tmp_path: Path) -> None:
    example = _node_pool_example(tmp_path)
    stack_file = example / "Pulumi.example.yaml"
    stack_file.write_text(
        "\n".join(line for line in stack_file.read_text().splitlines() if ":clusterName:" not in line) + "\n"
    )
    result = runner.invoke(app, ["plan", str(example), "--stack", "example"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(_lines(result.output)) == 1, result.output
    assert "config aws-node-pool-example:clusterName: (missing)" in result.output
    assert "Pulumi.example.yaml" in result.output


def _program(tmp_path: Path, main: str, config: str = "config: {}\n") -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: prog\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(config)
    (tmp_path / "__main__.py").write_text(main)
    return tmp_path


@pytest.mark.parametrize(
    ("main", "config", "code", "needle"),
    [
        ("import pulumi\n\npulumi.Config().require('x')\n", "config: {}\n", 2, "config prog:x: (missing)"),
        (
            "import pulumi\n\npulumi.Config().require_int('x')\n",
            "config:\n  prog:x: many\n",
            2,
            "config prog:x: 'many' — the program reads it as int",
        ),
        (
            "import pulumi\n\nraise pulumi.RunError('no region\\nset')\n",
            "config: {}\n",
            3,
            "the program failed at ",
        ),
    ],
)
def test_a_run_error_is_one_line_with_its_exit_code(
    tmp_path: Path, main: str, config: str, code: int, needle: str
) -> None:
    result = runner.invoke(app, ["plan", str(_program(tmp_path, main, config)), "--stack", "dev"])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and len(_lines(result.output)) == 1, result.output
    assert needle in result.output and "__main__.py:3" in result.output


def test_a_config_key_with_a_colon_is_not_an_emoji(tmp_path: Path) -> None:
    """`prog:x:` once printed as `prog❌` (rich's emoji codes)."""
    result = runner.invoke(
        app, ["plan", str(_program(tmp_path, "import pulumi\npulumi.Config().require('x')\n")), "-s", "dev"]
    )
    assert "prog:x:" in result.output and "❌" not in result.output


def test_a_service_path_without_a_leading_slash_is_refused_by_the_spec(tmp_path: Path) -> None:
    """It reached the in-cluster component, whose own check raised a ComponentArgsError (exit 1 and a
    traceback then): the spec refuses it now, in the component's words."""
    platform = tmp_path / "platform"
    shutil.copytree(REPO / "stacks" / "platform", platform)
    stack_file = platform / "Pulumi.aws-dev.yaml"
    text = stack_file.read_text()
    assert "        port: 5000\n" in text
    stack_file.write_text(
        text.replace("        port: 5000\n", "        port: 5000\n        predict_path: predict\n")
    )
    result = runner.invoke(app, ["plan", str(platform), "--stack", "aws-dev"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(_lines(result.output)) == 1
    assert "services[0].predict_path: 'predict' — must be an absolute HTTP path" in " ".join(
        result.output.split()
    )


def test_the_component_refuses_the_path_in_the_spec_words() -> None:
    from lepton_infra.kubernetes.serving.inference import InferenceServiceArgs

    args = InferenceServiceArgs(
        name="sentiment", tenant="research", namespace="research", service_account="sentiment",
        image="ghcr.io/acme/s:1.4", predict_path="predict",
    )  # fmt: skip
    problems = {p.path: p.why for p in args.problems()}
    assert list(problems) == ["predict_path"]
    assert problems["predict_path"].startswith("must be an absolute HTTP path")
