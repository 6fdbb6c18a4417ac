"""No ARN the AWS platform writes names the `aws` partition by hand: in GovCloud (or China) every policy,
trust and key grant names that partition, from the one `aws.get_partition` lookup."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec


def _raw(platform_dir: Path) -> dict:
    doc = yaml.safe_load((platform_dir / "Pulumi.aws-prod.yaml").read_text())
    text = json.dumps(doc["config"]["lepton:platform"]).replace(
        "arn:aws:", "arn:aws-us-gov:"
    )  # the user's roles
    return json.loads(text)


def test_every_arn_names_the_looked_up_partition(plan_program, platform_dir: Path) -> None:
    raw = _raw(platform_dir)
    # The offline STS/partition answers follow the credentials' region, as the real ones do.
    graph = plan_program(
        lambda: build(PlatformSpec.from_dict(raw)), {"lepton:platform": raw, "aws:region": "us-gov-west-1"}
    )
    written = json.dumps([r.inputs for r in graph.resources])
    assert "arn:aws:" not in written.replace('\\"', '"')
    for service in ("iam", "eks", "autoscaling", "logs", "ec2"):
        assert f"arn:aws-us-gov:{service}:" in written, service
