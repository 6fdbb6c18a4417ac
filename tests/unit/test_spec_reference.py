"""docs/spec-reference.md is generated from the models' descriptions and must match them."""

from __future__ import annotations

from pathlib import Path

from lepton_infra.spec.reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "spec-reference.md"


def test_reference_is_in_sync_with_the_models() -> None:
    assert DOC.read_text() == render() + "\n", (
        "regenerate: python -m lepton_infra.spec.reference > docs/spec-reference.md"
    )


def test_reference_covers_every_model_and_field() -> None:
    text = render()
    for section in (
        "`lepton:platform`",
        "`network`",
        "`node_pools[]`",
        "`node_pools[].gpu`",
        "`services[].replicas`",
        "`budget`",
        "`gcp`",
    ):
        assert f"## {section}" in text
    assert "| `price_overrides` |" in text and "| `smtp_relay` |" in text and "| `heartbeat` |" in text


def test_environment_dependent_defaults_are_shown_per_environment() -> None:
    text = render()
    assert "| `zones` | int or null | dev/staging: 2, prod: 3 |" in text
    assert "| `nat` | one of single, per-zone or null | dev/staging: single, prod: per-zone |" in text
    assert "| `endpoint` | one of private, public or null | dev/staging: public, prod: private |" in text
    assert "| `protect` | bool or null | dev/staging: false, prod: true |" in text
    assert "| `interface_endpoints` | bool or null | dev/staging: false, prod: true |" in text


def test_what_the_reference_shows_is_what_validation_fills_in() -> None:
    from lepton_infra.spec import PlatformSpec
    from lepton_infra.spec.defaults import environment_defaults

    base = {
        "name": "acme-ai",
        "cloud": "aws",
        "region": "us-east-1",
        "cluster": {"authorized_networks": ["203.0.113.0/24"]},
        "node_pools": [{"name": "system", "min": 1, "max": 3}],
        "tags": {"team": "ml", "cost-center": "1"},
        # routes the runner network back to the private endpoint prod defaults to
        "aws": {"runner_transit_gateway_id": "tgw-0123456789abcdef0"},
    }
    for environment in ("dev", "staging", "prod"):
        spec = PlatformSpec.from_dict({**base, "environment": environment})
        for row in environment_defaults():
            if row.cloud not in (None, "aws"):
                continue
            value: object = spec
            for part in row.path.split("."):
                value = getattr(value, part)
            assert value == row.value(environment), (environment, row.path)


def test_reference_names_every_type_whatever_was_built_before() -> None:
    """In a fresh interpreter no model has been rebuilt yet: a field annotated with a name defined after its
    model (GcpKnobs.dns_zone) must still read as its type, not `ForwardRef(...)`."""
    import subprocess
    import sys

    fresh = subprocess.run(
        [sys.executable, "-c", "from lepton_infra.spec.reference import render; print(render())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "ForwardRef" not in fresh
    assert "| `dns_zone` | str or null |" in fresh
