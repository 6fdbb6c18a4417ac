"""docs/spec-reference.md is generated from the models' descriptions and must match them."""

from __future__ import annotations

from pathlib import Path

from lepton_infra.spec.reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "spec-reference.md"


def test_reference_is_in_sync_with_the_models() -> None:
    assert DOC.read_text() == render() + "\n", "regenerate: python -m lepton_infra.spec.reference > docs/spec-reference.md"


def test_reference_covers_every_model_and_field() -> None:
    text = render()
    for section in ("`lepton:platform`", "`network`", "`node_pools[]`", "`node_pools[].gpu`", "`services[].replicas`",
                    "`budget`", "`gcp`"):
        assert f"## {section}" in text
    assert "| `price_overrides` |" in text and "| `smtp_relay` |" in text
