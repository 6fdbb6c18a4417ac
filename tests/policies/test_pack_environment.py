"""Build the pack's own environment the way the Pulumi CLI does (a fresh virtualenv from
policies/requirements.txt) and import policies/__main__.py without an engine, so the pack cannot rot.

`PolicyPack` is replaced by a recorder before the pack's file runs: the real one starts a gRPC server and
blocks forever."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from lepton_infra.policy.rules import all_rules
from tests.conftest import REPO

PROBE = r"""
import json, runpy, sys
import pulumi_policy
captured = {}
class Recorder:
    def __init__(self, name, policies, **kwargs):
        captured.update(name=name, policies=[(p.name, type(p).__name__, p.enforcement_level.value) for p in
        policies],
                        kwargs=sorted(kwargs))
pulumi_policy.PolicyPack = Recorder
runpy.run_path(sys.argv[1], run_name="__main__")
import lepton_infra
captured["lepton_infra"] = lepton_infra.__file__
captured["sdks"] = sorted(m for m in sys.modules if m.split(".")[0] in
                          ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_kubernetes",
        "pydantic"))
print(json.dumps(captured))
"""


def _run(python: Path, cwd: Path) -> dict:
    out = subprocess.run(
        [str(python), "-c", PROBE, str(REPO / "policies" / "__main__.py")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.network
def test_pack_builds_in_its_own_environment(tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(REPO / "policies" / "requirements.txt")], check=True, timeout=600)

    # As `pulumi preview --policy-pack policies/` runs it from the repository: rules from the checkout.
    from_repo = _run(python, tmp_path)
    expected = sorted(r.id for r in all_rules())
    assert from_repo["name"] == "lepton"
    assert sorted(p[0] for p in from_repo["policies"]) == expected
    assert Path(from_repo["lepton_infra"]).is_relative_to(REPO)
    assert from_repo["sdks"] == []  # no provider SDK, no pydantic: the pack's environment stays small
    assert {p[1] for p in from_repo["policies"]} == {"ResourceValidationPolicy", "StackValidationPolicy"}

    # With lepton-infra installed from the repository's sources (its heavy dependencies left out on
    # purpose), built from a copy so the build leaves nothing in the checkout.
    source = tmp_path / "src"
    shutil.copytree(
        REPO / "lepton_infra", source / "lepton_infra", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([*pip, "--no-deps", str(source)], check=True, timeout=600, cwd=tmp_path)
    installed = _run(python, tmp_path)
    assert "site-packages" in installed["lepton_infra"]
    assert sorted(p[0] for p in installed["policies"]) == expected
    assert dict((p[0], p[2]) for p in installed["policies"])["lepton-cost-within-budget"] == "advisory"
    assert sys.version_info >= (3, 11)
