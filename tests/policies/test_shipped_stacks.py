"""Every shipped stack plans with zero mandatory violations, and the rule tables match the SDKs."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.policy.evaluate import evaluate_graph
from lepton_infra.policy.rules import all_rules, rules_per_cloud
from lepton_infra.policy.rules.common import AWS_TAGGABLE, AZURE_TAGGABLE, GCP_LABELLED, STATEFUL
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_has_no_mandatory_violation(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    outcome = evaluate_graph(plan_stack(PLATFORM_STACK_DIR, stack))
    assert [(v.policy, v.urn, v.message) for v in outcome.mandatory] == []


def test_rule_metadata_is_complete() -> None:
    for rule in all_rules():
        assert re.fullmatch(r"lepton-[a-z0-9-]+", rule.id)
        assert rule.title and rule.description.strip() and rule.remediation.strip(), rule.id
        assert set(rule.clouds) <= {"aws", "gcp", "azure", "kubernetes"}, rule.id


def test_every_cloud_has_rules() -> None:
    counts = rules_per_cloud()
    assert (
        counts["aws"] >= 32 and counts["gcp"] >= 30 and counts["azure"] >= 26 and counts["kubernetes"] >= 11
    )


def _sdk_inputs(token: str) -> set[str]:
    """The camelCase inputs of the SDK class behind a type token (`aws:ec2/vpc:Vpc` -> pulumi_aws.ec2.Vpc)."""
    package, module, name = token.split(":")
    sdk = importlib.import_module(f"pulumi_{package}.{module.split('/')[0]}")
    cls = getattr(sdk, name)
    params = inspect.signature(cls._internal_init).parameters
    return {re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), p) for p in params}


@pytest.mark.parametrize("token", AWS_TAGGABLE)
def test_aws_taggable_types_have_tags(token: str) -> None:
    assert "tags" in _sdk_inputs(token)


@pytest.mark.parametrize(("token", "field"), GCP_LABELLED.items())
def test_gcp_labelled_types_have_their_label_field(token: str, field: str) -> None:
    assert field in _sdk_inputs(token)


@pytest.mark.parametrize("token", STATEFUL)
def test_stateful_types_exist(token: str) -> None:
    assert (
        _sdk_inputs(token) if not token.startswith("azure-native:") else _azure_wire_names(_azure_args(token))
    )


# --- azure-native: wire names are not the snake_case names camelCased (`diskEncryptionSetID`,
# `authorizedIPRanges`), so the rules' paths are resolved through the SDK's own input types.


def _azure_args(token: str) -> type:
    """The `<Name>Args` input type of an azure-native resource (`azure-native:keyvault:Vault`)."""
    _, module, name = token.split(":")
    sdk = importlib.import_module(f"pulumi_azure_native.{module}")
    return getattr(sdk, f"{name}Args")


def _azure_wire_names(args_cls: type) -> dict[str, str]:
    """Wire (camelCase) name -> Python property name of an azure-native input type."""
    from pulumi._types import input_type_py_to_pulumi_names

    return {wire: py for py, wire in input_type_py_to_pulumi_names(args_cls).items()}


def _resolve_azure_path(token: str, path: str) -> list[str]:
    """Walk a rule's input path (`securityProfile.azureKeyVaultKms.keyId`, `agentPoolProfiles[].vmSize`)
    through the SDK's nested input types; return the parts that do not exist."""
    module = importlib.import_module(f"pulumi_azure_native.{token.split(':')[1]}")
    cls: type | None = _azure_args(token)
    for part in path.replace("[]", "").split("."):
        if cls is None:
            return [part]
        names = _azure_wire_names(cls)
        if part not in names:
            return [f"{cls.__name__}.{part}"]
        annotation = str(inspect.signature(getattr(cls, names[part]).fget).return_annotation)
        nested = re.findall(r"\b([A-Z]\w*Args)\b", annotation)
        cls = getattr(module, nested[0]) if nested else None
    return []


# The inputs the Azure rules read (lepton_infra/policy/rules/azure/, common.py), checked in full depth.
AZURE_RULE_INPUTS = {
    "azure-native:containerservice:ManagedCluster": [
        "securityProfile.azureKeyVaultKms.enabled",
        "securityProfile.azureKeyVaultKms.keyId",
        "diskEncryptionSetID",
        "apiServerAccessProfile.enablePrivateCluster",
        "apiServerAccessProfile.authorizedIPRanges",
        "networkProfile.networkPolicy",
        "disableLocalAccounts",
        "tags",
        "enableRBAC",
        "aadProfile.managed",
        "aadProfile.enableAzureRBAC",
        "autoUpgradeProfile.upgradeChannel",
        "sku.tier",
        "addonProfiles",
        "securityProfile.defender.securityMonitoring.enabled",
        *(
            f"agentPoolProfiles[].{f}"
            for f in (
                "name",
                "vmSize",
                "enableEncryptionAtHost",
                "enableAutoScaling",
                "minCount",
                "maxCount",
                "nodeTaints",
                "scaleSetPriority",
            )
        ),
    ],
    "azure-native:containerservice:AgentPool": [
        "vmSize",
        "enableEncryptionAtHost",
        "enableAutoScaling",
        "minCount",
        "maxCount",
        "nodeTaints",
        "scaleSetPriority",
        "tags",
    ],
    "azure-native:network:NetworkSecurityGroup": [
        f"securityRules[].{f}"
        for f in (
            "name",
            "direction",
            "access",
            "protocol",
            "sourceAddressPrefix",
            "sourceAddressPrefixes",
            "destinationPortRange",
            "destinationPortRanges",
        )
    ],
    "azure-native:network:SecurityRule": [
        "direction",
        "access",
        "protocol",
        "sourceAddressPrefix",
        "sourceAddressPrefixes",
        "destinationPortRange",
        "destinationPortRanges",
    ],
    "azure-native:network:FlowLog": ["targetResourceId", "enabled"],
    "azure-native:authorization:RoleAssignment": ["scope", "roleDefinitionId"],
    "azure-native:keyvault:Vault": ["properties.enablePurgeProtection", "tags"],
    "azure-native:operationalinsights:Workspace": ["retentionInDays", "tags"],
    "azure-native:keyvault:Key": ["properties.rotationPolicy.lifetimeActions[].action.type"],
    "azure-native:storage:StorageAccount": [
        "encryption.keySource",
        "encryption.keyVaultProperties.keyName",
        "allowBlobPublicAccess",
        "tags",
    ],
    "azure-native:containerregistry:Registry": [
        "encryption.status",
        "encryption.keyVaultProperties.keyIdentifier",
        "adminUserEnabled",
        "tags",
    ],
}


@pytest.mark.parametrize(("token", "paths"), AZURE_RULE_INPUTS.items())
def test_azure_rule_inputs_exist_in_the_sdk(token: str, paths: list[str]) -> None:
    assert [missing for p in paths for missing in _resolve_azure_path(token, p)] == []


def test_azure_path_resolution_catches_a_wrong_name() -> None:
    """The resolver itself fails on the snake-case-derived spelling the rules once guessed."""
    assert _resolve_azure_path("azure-native:containerservice:ManagedCluster", "diskEncryptionSetId") != []
    assert (
        _resolve_azure_path(
            "azure-native:containerservice:ManagedCluster", "apiServerAccessProfile.authorizedIpRanges"
        )
        != []
    )


@pytest.mark.parametrize("token", AZURE_TAGGABLE)
def test_azure_taggable_types_have_tags(token: str) -> None:
    assert "tags" in _azure_wire_names(_azure_args(token))


# The inputs the AWS and GCP rules read, checked against the installed SDKs (top level only; nested names
# are exercised by the insecure example program, which the SDKs' own types build).
TOP_LEVEL_INPUTS = {
    "aws:eks/cluster:Cluster": {"encryptionConfig", "vpcConfig", "enabledClusterLogTypes", "version"},
    "aws:eks/accessEntry:AccessEntry": {"principalArn", "kubernetesGroups"},
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {"principalArn", "policyArn"},
    "aws:eks/addon:Addon": {"addonName", "configurationValues"},
    "aws:s3/bucketPolicy:BucketPolicy": {"bucket", "policy"},
    "aws:s3/bucketLogging:BucketLogging": {"bucket", "targetBucket"},
    "aws:eks/nodeGroup:NodeGroup": {
        "amiType",
        "capacityType",
        "instanceTypes",
        "labels",
        "launchTemplate",
        "scalingConfig",
        "taints",
    },
    "aws:ec2/launchTemplate:LaunchTemplate": {"metadataOptions", "blockDeviceMappings", "tagSpecifications"},
    "aws:ec2/instance:Instance": {"metadataOptions", "rootBlockDevice", "ebsBlockDevices"},
    "aws:ecr/repository:Repository": {
        "encryptionConfigurations",
        "imageScanningConfiguration",
        "imageTagMutability",
    },
    "aws:kms/key:Key": {"enableKeyRotation", "customerMasterKeySpec"},
    "aws:s3/bucket:Bucket": {"serverSideEncryptionConfiguration", "versioning"},
    "aws:cloudwatch/logGroup:LogGroup": {"kmsKeyId", "retentionInDays"},
    "aws:sns/topic:Topic": {"kmsMasterKeyId"},
    "aws:iam/role:Role": {"inlinePolicies", "managedPolicyArns"},
    "aws:route53/zone:Zone": {"vpcs"},
    "aws:route53/record:Record": {"aliases", "name", "zoneId"},
    "gcp:container/cluster:Cluster": {
        "databaseEncryption",
        "privateClusterConfig",
        "masterAuthorizedNetworksConfig",
        "workloadIdentityConfig",
        "enableShieldedNodes",
        "nodeConfig",
        "removeDefaultNodePool",
        "enableAutopilot",
        "resourceLabels",
        "releaseChannel",
        "binaryAuthorization",
        "enableIntranodeVisibility",
    },
    "gcp:container/nodePool:NodePool": {"nodeConfig", "autoscaling", "management"},
    "gcp:compute/firewall:Firewall": {"direction", "disabled", "sourceRanges", "allows"},
    "gcp:compute/subnetwork:Subnetwork": {"logConfig", "purpose"},
    "gcp:kms/cryptoKey:CryptoKey": {"rotationPeriod", "purpose"},
    "gcp:storage/bucket:Bucket": {
        "encryption",
        "versioning",
        "uniformBucketLevelAccess",
        "publicAccessPrevention",
        "logging",
        "retentionPolicy",
    },
    "gcp:artifactregistry/repository:Repository": {
        "kmsKeyName",
        "dockerConfig",
        "format",
        "vulnerabilityScanningConfig",
    },
}


@pytest.mark.parametrize(("token", "inputs"), TOP_LEVEL_INPUTS.items())
def test_rule_inputs_exist_in_the_sdk(token: str, inputs: set[str]) -> None:
    assert inputs <= _sdk_inputs(token)


def test_docs_list_every_rule() -> None:
    """docs/policies.md embeds `python -m lepton_infra.policy`; regenerate it when a rule changes."""
    from lepton_infra.policy.__main__ import BEGIN, END, rules_table

    doc = (Path(__file__).resolve().parents[2] / "docs" / "policies.md").read_text()
    assert doc[doc.index(BEGIN) : doc.index(END) + len(END)] == rules_table()
