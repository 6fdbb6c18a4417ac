"""State and secrets before the first `up` (issue 22): each cloud guide's "State and secrets" section runs
exactly the commands lepton_infra/deploy/state_bootstrap.py writes, the README's deploy section points to
them, and the names fit what each cloud accepts (the rules are written literally here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lepton_infra.deploy.state_bootstrap import StateBootstrap, aws_state, azure_state, gcp_state

REPO = Path(__file__).resolve().parents[2]
GUIDES: dict[str, tuple[StateBootstrap, str]] = {
    "docs/aws.md": (aws_state("acme", "us-east-1"), "aws-prod"),
    "docs/gcp.md": (gcp_state("acme", "acme-pulumi-state", "us-central1"), "gcp-prod"),
    "docs/azure.md": (azure_state("acme", "eastus"), "azure-prod"),
}


def _section(path: str, heading: str) -> str:
    text = (REPO / path).read_text()
    start = text.index(f"### {heading}\n")
    end = text.find("\n### ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_each_guide_runs_the_bootstrap_the_code_writes(guide: str) -> None:
    bootstrap, stack = GUIDES[guide]
    section = _section(guide, "State and secrets")
    lines = {line.strip() for line in section.splitlines()}
    missing = [c for c in bootstrap.commands if c not in lines]
    assert missing == []
    assert f"pulumi login '{bootstrap.backend}'" in lines
    assert f"pulumi stack init {stack} --secrets-provider '{bootstrap.secrets_provider}'" in lines


def test_the_documented_names_are_ones_each_cloud_accepts() -> None:
    aws, gcp, azure = (GUIDES[g][0] for g in ("docs/aws.md", "docs/gcp.md", "docs/azure.md"))
    assert aws.backend == "s3://acme-pulumi-state?region=us-east-1"
    assert aws.secrets_provider == "awskms://alias/pulumi-secrets?region=us-east-1"
    assert gcp.backend == "gs://acme-pulumi-state"
    assert gcp.secrets_provider == (
        "gcpkms://projects/acme-pulumi-state/locations/us-central1/keyRings/pulumi/cryptoKeys/stack-secrets"
    )
    assert azure.backend == "azblob://state"
    assert azure.secrets_provider == "azurekeyvault://acme-pulumi-kv.vault.azure.net/keys/stack-secrets"
    # Azure storage accounts: 3-24 lowercase letters and digits; Key Vault: 3-24, letter first.
    account = next(c for c in azure.commands if c.startswith("export AZURE_STORAGE_ACCOUNT=")).split("=")[1]
    assert re.fullmatch(r"[a-z0-9]{3,24}", account)
    assert re.fullmatch(r"[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]", "acme-pulumi-kv")
    # A long organisation name still yields names inside the limits.
    long_azure = azure_state("a" * 40, "eastus")
    long_account = next(c for c in long_azure.commands if c.startswith("export")).split("=")[1]
    assert len(long_account) <= 24
    assert len(aws_state("b" * 80, "eu-west-1").backend.split("?")[0].removeprefix("s3://")) <= 63
    assert "LocationConstraint=eu-west-1" in aws_state("acme", "eu-west-1").commands[0]


def test_the_readme_deploy_section_starts_from_remote_state() -> None:
    readme = (REPO / "README.md").read_text()
    deploy = readme[
        readme.index("## Deploying for real") : readme.index("## Using a component in your own program")
    ]
    for scheme in ("s3://", "gs://", "azblob://", "awskms://", "gcpkms://", "azurekeyvault://"):
        assert scheme in deploy, scheme
    assert "#state-and-secrets" in deploy
