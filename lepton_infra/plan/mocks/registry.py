"""The mock registry: what a mock rule module writes against (`MockContext`, `short_hash`, `FAKE_CA`) and
registers into (`outputs_for`, `outputs_for_prefix`, `invoke`). It imports no rule module:
`lepton_infra.plan.mocks.rules` imports them all, and `PlausibleMocks` answers from it."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MockContext:
    """Facts a cloud would know: the account/project and region the program targets."""

    aws_region: str = "us-east-1"
    aws_account: str = "123456789012"
    gcp_project: str = "lepton-offline"
    gcp_region: str = "us-central1"
    azure_subscription: str = "00000000-0000-0000-0000-000000000000"

    @staticmethod
    def from_config(config: dict[str, str]) -> MockContext:
        return MockContext(
            aws_region=config.get("aws:region", "us-east-1"),
            gcp_project=config.get("gcp:project", "lepton-offline"),
            gcp_region=config.get("gcp:region", "us-central1"),
            azure_subscription=config.get(
                "azure-native:subscriptionId", "00000000-0000-0000-0000-000000000000"
            ),
        )


def short_hash(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


OutputRule = Callable[[str, dict[str, Any], MockContext, dict[str, Any]], dict[str, Any]]


InvokeRule = Callable[[dict[str, Any], MockContext], dict[str, Any]]


# Exact type token -> rule; prefix ("aws:", "gcp:", "kubernetes:") -> rule for the rest.
OUTPUT_RULES: dict[str, OutputRule] = {}


PREFIX_RULES: dict[str, OutputRule] = {}


INVOKE_RULES: dict[str, InvokeRule] = {}


def outputs_for(type_token: str) -> Callable[[OutputRule], OutputRule]:
    def register(fn: OutputRule) -> OutputRule:
        OUTPUT_RULES[type_token] = fn
        return fn

    return register


def outputs_for_prefix(prefix: str) -> Callable[[OutputRule], OutputRule]:
    def register(fn: OutputRule) -> OutputRule:
        PREFIX_RULES[prefix] = fn
        return fn

    return register


def invoke(token: str) -> Callable[[InvokeRule], InvokeRule]:
    def register(fn: InvokeRule) -> InvokeRule:
        INVOKE_RULES[token] = fn
        return fn

    return register


# The cluster CA every mock cluster reports (base64 PEM, the shape EKS, GKE and AKS return).
FAKE_CA = base64.b64encode(
    b"-----BEGIN CERTIFICATE-----\nMIIOfflineLeptonCA\n-----END CERTIFICATE-----\n"
).decode()
