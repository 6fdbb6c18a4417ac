"""Where a team keeps Pulumi state and encrypts stack secrets, per cloud, before the first `pulumi up`: an
encrypted, versioned bucket (S3 / Cloud Storage / Blob container) as the self-managed backend, and the
cloud's KMS as the secrets provider, so no stack starts on a laptop's local state or a passphrase.

The commands here are the ones each cloud guide prints ("State and secrets"); tests/cli/test_state_bootstrap
holds the guides to them. Backend URLs and secrets-provider URLs as the Pulumi CLI documents them
(pulumi.com/docs/iac/cli/commands/pulumi_stack_init: awskms://alias/<a>?region=<r>, gcpkms://projects/<p>/
locations/<l>/keyRings/<r>/cryptoKeys/<k>, azurekeyvault://<vault>.vault.azure.net/keys/<key>; state
backends: s3://<bucket>?region=<r>, gs://<bucket>, azblob://<container> with AZURE_STORAGE_ACCOUNT;
read 2026-12-07). Kept out of the stack itself: the state must exist before any stack does, and must
outlive every `pulumi destroy`."""

from __future__ import annotations

from dataclasses import dataclass

from lepton_infra.core.naming import physical_name


@dataclass(frozen=True)
class StateBootstrap:
    backend: str  # what `pulumi login` takes
    secrets_provider: str  # what `pulumi stack init --secrets-provider` takes
    commands: tuple[str, ...]  # run once, by an account/project admin, in this order


def aws_state(org: str, region: str) -> StateBootstrap:
    bucket = physical_name(org, "pulumi-state", limit="aws:s3-bucket")
    alias = "alias/pulumi-secrets"
    location = "" if region == "us-east-1" else f" --create-bucket-configuration LocationConstraint={region}"
    return StateBootstrap(
        backend=f"s3://{bucket}?region={region}",
        secrets_provider=f"awskms://{alias}?region={region}",
        commands=(
            f"aws s3api create-bucket --bucket {bucket} --region {region}{location}",
            f"aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled",
            f"aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration "
            """'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"},"BucketKeyEnabled":true}]}'""",
            f"aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
            f"KEY_ID=$(aws kms create-key --region {region} --description 'Pulumi stack secrets' "
            "--query KeyMetadata.KeyId --output text)",
            f"aws kms enable-key-rotation --region {region} --key-id $KEY_ID",
            f"aws kms create-alias --region {region} --alias-name {alias} --target-key-id $KEY_ID",
        ),
    )


def gcp_state(org: str, project: str, region: str) -> StateBootstrap:
    bucket = physical_name(org, "pulumi-state", limit="gcp:bucket")
    ring, key = "pulumi", "stack-secrets"
    return StateBootstrap(
        backend=f"gs://{bucket}",
        secrets_provider=f"gcpkms://projects/{project}/locations/{region}/keyRings/{ring}/cryptoKeys/{key}",
        commands=(
            f"gcloud storage buckets create gs://{bucket} --project {project} --location {region} "
            "--uniform-bucket-level-access --public-access-prevention",
            f"gcloud storage buckets update gs://{bucket} --versioning",
            f"gcloud kms keyrings create {ring} --project {project} --location {region}",
            f"gcloud kms keys create {key} --project {project} --location {region} --keyring {ring} "
            "--purpose encryption",
        ),
    )


def azure_state(org: str, location: str) -> StateBootstrap:
    group = physical_name(org, "pulumi-state", limit="azure:generic")
    account = physical_name(org, "pulumistate", limit="azure:storage-account", alphanumeric_only=True)
    vault = physical_name(org, "pulumi-kv", limit="azure:key-vault")
    container, key = "state", "stack-secrets"
    return StateBootstrap(
        backend=f"azblob://{container}",
        secrets_provider=f"azurekeyvault://{vault}.vault.azure.net/keys/{key}",
        commands=(
            f"az group create --name {group} --location {location}",
            f"az storage account create --name {account} --resource-group {group} --location {location} "
            "--sku Standard_ZRS --min-tls-version TLS1_2 --allow-blob-public-access false",
            f"az storage account blob-service-properties update --account-name {account} "
            f"--resource-group {group} --enable-versioning true",
            f"az storage container create --name {container} --account-name {account} --auth-mode login",
            f"az keyvault create --name {vault} --resource-group {group} --location {location} "
            "--enable-rbac-authorization true --enable-purge-protection true",
            f"az keyvault key create --vault-name {vault} --name {key} --kty RSA --size 3072",
            f"export AZURE_STORAGE_ACCOUNT={account}",
        ),
    )
