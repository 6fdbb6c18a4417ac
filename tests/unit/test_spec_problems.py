"""A bad spec gets every problem in one round, in words a user can act on."""

from __future__ import annotations

import copy
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pydantic
import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.core.spec_checks import invalid_fields
from lepton_infra.core.spec_model import PATTERN_RULES
from lepton_infra.profiles import PROFILES
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec import rules as spec_rules
from lepton_infra.spec.platform import _partial_spec

AWS: dict[str, Any] = {
    "name": "acme-ai",
    "environment": "dev",
    "cloud": "aws",
    "region": "us-east-1",
    "cluster": {"authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [
        {"name": "system", "min": 1, "max": 2},
        {"name": "l4", "gpu": {"type": "l4", "count": 1}, "max": 4},
    ],
    "tenants": [{"name": "research", "gpu_quota": 2}],
    "services": [
        {
            "name": "chat",
            "tenant": "research",
            "image": "ghcr.io/acme/chat:1.0",
            "gpu": {"type": "l4", "count": 1},
        }
    ],
    "tags": {"team": "ml", "cost-center": "42"},
}
GCP: dict[str, Any] = {**AWS, "cloud": "gcp", "region": "us-central1", "gcp": {"project": "acme-ai-dev"}}
AZURE: dict[str, Any] = {
    **AWS,
    "cloud": "azure",
    "region": "eastus",
    "node_pools": [
        {"name": "system", "min": 1, "max": 2},
        {"name": "l4", "gpu": {"type": "a10", "count": 1}, "max": 4},
    ],
    "services": [],
    "azure": {"subscription_id": "00000000-0000-0000-0000-000000000000"},
}

# Nine independent mistakes on every level: unknown fields, a pattern, a YAML number, pool bounds, an
# unknown GPU, an unknown region, a dangling tenant, quotas above capacity, and a version AWS cannot run.
NINE_MISTAKES: dict[str, Any] = {
    "name": "acme-ai",
    "environment": "dev",
    "cloud": "aws",
    "region": "us-east1",
    "netwrok": {"zones": 2},
    "cluster": {"version": "1.29", "authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [
        {"name": "system", "min": 5, "max": 2},
        {"name": "h100", "gpu": {"type": "h100-80g", "count": 8}, "max": 1},
    ],
    "tenants": [{"name": "research", "gpu_quota": 64}],
    "services": [{"name": "chat", "tenant": "reserch", "image": "ghcr.io/acme/chat:1.0"}],
    "monitoring": {"alert_emails": ["oncall-at-acme"]},
    "tags": {"team": "ml", "cost-center": 1234},
}


def problems(raw: dict[str, Any]) -> SpecError:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return err.value


def by_path(err: SpecError) -> dict[str, str]:
    return {p.path: p.render() for p in err.problems}


def test_every_problem_is_reported_in_one_round() -> None:
    err = problems(NINE_MISTAKES)
    assert sorted(err.paths) == sorted(
        [
            "netwrok",
            "monitoring.alert_emails[0]",
            "tags.cost-center",  # field errors
            "node_pools[0].min",
            "node_pools[1].gpu.type",
            "region",
            "services[0].tenant",  # cross-field rules
            "tenants[*].gpu_quota",
            "cluster.version",  # the charts' support table
            "cluster.version",  # the version lifecycle: EKS does not create 1.29
        ]
    )
    text = by_path(err)
    assert "did you mean 'network'?" in text["netwrok"]
    assert "did you mean 'h100-80gb'?" in text["node_pools[1].gpu.type"]
    assert "did you mean 'us-east-1'?" in text["region"]
    assert "did you mean 'research'?" in text["services[0].tenant"]
    assert "write it quoted: '1234'" in text["tags.cost-center"]
    assert "EKS is not known to create 1.29" in text["cluster.version"]
    assert "use 1.35" in text["cluster.version"]


def test_a_broken_field_skips_only_the_rules_that_read_it() -> None:
    raw = copy.deepcopy(AWS)
    raw["services"][0]["replicas"] = {"min": -3}  # services fails: the service rules cannot run
    raw["node_pools"][0].update(min=3, max=1)  # node_pools is fine: its rules must still report
    err = problems(raw)
    assert err.paths == ["services[0].replicas.min", "node_pools[0].min"]


def test_unknown_nested_fields_suggest_the_known_one() -> None:
    raw = copy.deepcopy(AWS)
    raw["node_pools"][1]["gpu"]["cuont"] = 2
    raw["cluster"]["endpiont"] = "private"
    text = by_path(problems(raw))
    assert "did you mean 'count'?" in text["node_pools[1].gpu.cuont"]
    assert "did you mean 'endpoint'?" in text["cluster.endpiont"]


@pytest.mark.parametrize(
    ("path", "value", "meant"),
    [
        (("environment",), "production", "prod"),
        (("network", "nat"), "per_zone", "per-zone"),
        (("cluster", "endpoint"), "privat", "private"),
    ],
)
def test_unknown_literal_values_suggest_the_close_one(path: tuple[str, ...], value: str, meant: str) -> None:
    raw = copy.deepcopy(AWS)
    node = raw
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
    assert f"did you mean {meant!r}?" in by_path(problems(raw))[".".join(path)]


@pytest.mark.parametrize(
    ("change", "path", "sentence"),
    [
        ({"name": "Acme_AI"}, "name", "lowercase letters, digits and hyphens"),
        (
            {"monitoring": {"smtp": {"relay": "smtp.acme.dev", "from": "a@acme.dev"}}},
            "monitoring.smtp.relay",
            "`host:port`",
        ),
        ({"cluster": {"version": "v1.33"}}, "cluster.version", "Kubernetes minor version"),
        (
            {"aws": {"admin_role_arns": ["arn:aws:iam::123:user/jane"]}},
            "aws.admin_role_arns[0]",
            "IAM role ARN",
        ),
    ],
)
def test_pattern_errors_state_the_rule_not_the_regex(
    change: dict[str, Any], path: str, sentence: str
) -> None:
    text = by_path(problems({**AWS, **change}))[path]
    assert sentence in text
    assert "pattern" not in text and "^" not in text


def _patterns(annotation: Any, metadata: list[Any]) -> list[str]:
    found = [p for m in metadata if isinstance(p := getattr(m, "pattern", None), str)]
    if typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        return found + _patterns(args[0], list(args[1:]))
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return found + [
            p for f in annotation.model_fields.values() for p in _patterns(f.annotation, f.metadata)
        ]
    return found + [p for arg in typing.get_args(annotation) for p in _patterns(arg, [])]


def test_every_pattern_of_the_spec_has_a_human_rule() -> None:
    patterns = _patterns(PlatformSpec, [])
    assert len(patterns) >= 8
    assert [p for p in patterns if p not in PATTERN_RULES] == []


@pytest.mark.parametrize(
    ("change", "path", "hint"),
    [
        ({"cluster": {"version": 1.3}}, "cluster.version", "write it quoted: '1.30'"),  # YAML `version: 1.30`
        ({"cluster": {"version": 1.31}}, "cluster.version", "write it quoted: '1.31'"),
        ({"tags": {"team": "ml", "cost-center": 1234}}, "tags.cost-center", "write it quoted: '1234'"),
    ],
)
def test_yaml_numbers_for_strings_get_a_quoting_hint(change: dict[str, Any], path: str, hint: str) -> None:
    assert hint in by_path(problems({**AWS, **change}))[path]


# --- tags per cloud ------------------------------------------------------------------------------------

HUMAN_TAGS = {"owner": "jane.doe@acme.com", "cost-center": "CC-1234"}


def test_aws_accepts_tags_gcp_labels_would_refuse() -> None:
    spec = PlatformSpec.from_dict({**AWS, "tags": HUMAN_TAGS})
    assert dict(spec.tags) == HUMAN_TAGS


def test_gcp_refuses_what_its_labels_cannot_hold() -> None:
    err = problems({**GCP, "tags": {**HUMAN_TAGS, "Team": "ml", "x" * 64: "v"}})
    text = by_path(err)
    assert set(err.paths) == {"tags.owner", "tags.cost-center", "tags.Team", f"tags.{'x' * 64}"}
    assert "GCP label value" in text["tags.owner"] and "'.@'" in text["tags.owner"]
    assert "start with a lowercase letter" in text["tags.Team"]


@pytest.mark.parametrize(
    ("tags", "path", "why"),
    [
        ({"aws:owner": "jane"}, "tags.aws:owner", "reserved"),
        ({"team": "ml#1"}, "tags.team", "'#'"),
        ({"team": "x" * 257}, "tags.team", "at most 256"),
    ],
)
def test_aws_tag_rules(tags: dict[str, str], path: str, why: str) -> None:
    err = problems({**AWS, "tags": {"team": "ml", "cost-center": "1", **tags}})
    assert why in by_path(err)[path]


@pytest.mark.parametrize(
    ("tags", "path", "why"),
    [
        ({"team/a": "ml"}, "tags.team/a", "'/'"),
        ({"azure-owner": "jane"}, "tags.azure-owner", "reserved"),
        ({"team": "x" * 257}, "tags.team", "at most 256"),
    ],
)
def test_azure_tag_rules(tags: dict[str, str], path: str, why: str) -> None:
    err = problems({**AZURE, "tags": {"team": "ml", "cost-center": "1", **tags}})
    assert why in by_path(err)[path]


def test_azure_accepts_human_tags() -> None:
    err_or_spec: list[str] = []
    try:
        PlatformSpec.from_dict({**AZURE, "tags": HUMAN_TAGS})
    except SpecError as err:
        err_or_spec = [p for p in err.paths if p.startswith("tags")]
    assert err_or_spec == []


# Azure resource group names: 1-90 characters of letters, digits, '-', '_', '.', '(' and ')', not ending in
# '.' (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules, Microsoft.Resources
# resourcegroups; read 2026-12-08).
@pytest.mark.parametrize("name", ["g", "rg-1", "ml_(team).prod", "x" * 90])
def test_azure_accepts_every_resource_group_name_azure_does(name: str) -> None:
    spec = PlatformSpec.from_dict({**AZURE, "azure": {**AZURE["azure"], "resource_group": name}})
    assert spec.azure is not None and spec.azure.resource_group == name


@pytest.mark.parametrize(
    ("name", "why"),
    [("rg.", "not ending in '.'"), ("x" * 91, "at most 90 characters"), ("my rg", "resource group name")],
)
def test_azure_refuses_resource_group_names_azure_would(name: str, why: str) -> None:
    err = problems({**AZURE, "azure": {**AZURE["azure"], "resource_group": name}})
    assert why in by_path(err)["azure.resource_group"]


# --- the structure: rules, profiles, walls --------------------------------------------------------------


def _all_rules() -> list[Any]:
    return [*spec_rules.RULES, *(r for p in PROFILES.values() for r in p.checks)]


@pytest.mark.parametrize("raw", [AWS, GCP, AZURE], ids=lambda r: r["cloud"])
def test_every_rule_reads_only_the_fields_it_declares(raw: dict[str, Any]) -> None:
    valid = _partial_spec(raw)  # every field validates on its own (azure's pre-flight may refuse the whole)
    assert not invalid_fields(valid)
    fields = set(PlatformSpec.model_fields)
    for r in _all_rules():
        assert r.needs <= fields, r.name
        partial = PlatformSpec.model_construct(**{name: getattr(valid, name) for name in r.needs})
        for name in fields - r.needs:
            partial.__dict__.pop(name, None)
        r(partial)  # AttributeError here: the rule reads a field it did not declare


def test_validating_a_spec_imports_no_provider_sdk_nor_the_plan_engine() -> None:
    spec = {**AWS, "budget": {"monthly_usd": 100, "price_overrides": {"m6i.xlarge": 0.1}}}
    code = (
        "import sys, lepton_infra.profiles\n"
        "from lepton_infra.spec import PlatformSpec\n"
        f"PlatformSpec.from_dict({spec!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pulumi_aws', 'pulumi_gcp', 'pulumi_azure_native', 'pulumi_kubernetes') "
        "or m.startswith('lepton_infra.plan')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"


def test_profiles_package_stays_small_and_sdk_free_by_source() -> None:
    package = Path(__file__).resolve().parents[2] / "lepton_infra" / "profiles"
    for module in package.glob("*.py"):
        text = module.read_text()
        assert len(text.splitlines()) < 400, module.name
        for sdk in (
            "pulumi_aws",
            "pulumi_gcp",
            "pulumi_azure_native",
            "pulumi_kubernetes",
            "lepton_infra.aws",
            "lepton_infra.gcp",
            "lepton_infra.kubernetes",
        ):
            assert f"import {sdk}" not in text and f"from {sdk}" not in text, (module.name, sdk)


def _prod(raw: dict[str, Any], image: str) -> dict[str, Any]:
    out = copy.deepcopy(raw)
    # a runner inside the VPC: a private AWS endpoint nothing reaches is refused
    out.update(
        environment="prod",
        network={"zones": 3},
        cluster={"endpoint": "private", "authorized_networks": ["10.40.200.0/24"]},
    )
    out["services"] = [
        {**out["services"][0], "image": image},
        {**out["services"][0], "name": "chat2", "image": image},
    ]
    return out


def test_prod_refuses_tag_only_images_naming_each_field_and_the_digest_fix() -> None:
    err = problems(_prod(AWS, "ghcr.io/acme/chat:1.0"))
    found = by_path(err)
    for path in ("services[0].image", "services[1].image"):
        assert "tag-only image in prod" in found[path]
        assert "ghcr.io/acme/chat@sha256:" in found[path]


def test_prod_accepts_digests_and_dev_accepts_tags() -> None:
    digest = "ghcr.io/acme/chat:1.0@sha256:" + "a" * 64
    spec = PlatformSpec.from_dict(_prod(AWS, digest))
    assert [s.image for s in spec.services] == [digest, digest]
    assert PlatformSpec.from_dict(AWS).services[0].image == "ghcr.io/acme/chat:1.0"
