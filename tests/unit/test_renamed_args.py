"""Args renamed in 0.2.0 so the three clouds read alike (docs/UPGRADE-0.2.md): the old keyword still works
for one release, sets the new field and warns; giving both is an error."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import pytest

from lepton_infra.aws.cluster import ClusterArgs as AwsClusterArgs
from lepton_infra.aws.node_pool import NodePoolArgs as AwsNodePoolArgs
from lepton_infra.aws.traffic import TrafficArgs as AwsTrafficArgs
from lepton_infra.azure.node_pool import NodePoolArgs as AzureNodePoolArgs
from lepton_infra.azure.traffic import TrafficArgs as AzureTrafficArgs
from lepton_infra.gcp.node_pool import NodePoolArgs as GcpNodePoolArgs
from lepton_infra.gcp.traffic import TrafficArgs as GcpTrafficArgs

AWS_POOL: dict[str, Any] = dict(
    cluster_name="c",
    pool_name="gpu",
    node_role_arn="r",
    subnet_ids=["s"],
    security_group_ids=["g"],
    key_id="k",
    instance_types=["g6.xlarge"],
)
GCP_POOL: dict[str, Any] = dict(project="p", cluster="c", location="us-central1", pool_name="gpu", key_id="k")
AZURE_POOL: dict[str, Any] = dict(
    resource_group_name="rg", cluster_name="c", pool_name="gpu", node_subnet_id="s"
)
AWS_CLUSTER: dict[str, Any] = dict(
    cluster_name="c", vpc_id="v", subnet_ids=["s"], key_id="k", region="us-east-1"
)
AWS_TRAFFIC: dict[str, Any] = dict(
    cluster_name="c", hosts={}, tls_issuer="acme", vpc_cidr="10.0.0.0/16", zones=2, prod=False
)
AZURE_TRAFFIC: dict[str, Any] = dict(
    exposures=frozenset(),
    k8s_provider=None,
    prod=False,
    location="eastus",
    resource_group_name="rg",
    name_prefix="p",
    oidc_issuer="https://o",
    azure_provider=None,
)
GCP_TRAFFIC: dict[str, Any] = dict(
    project="p", project_id="p", region="r", name_prefix="p", proxy_only_cidr="10.1.0.0/23"
)


def old(cls: type, **kwargs: Any) -> Any:
    with pytest.warns(DeprecationWarning, match=r"since 0\.2\.0.*docs/UPGRADE-0\.2\.md"):
        return cls(**kwargs)


def test_node_pools_take_initial_nodes_labels_and_tags_on_every_cloud() -> None:
    assert old(AwsNodePoolArgs, **AWS_POOL, desired_size=2, max_nodes=3).initial_nodes == 2
    gcp = old(GcpNodePoolArgs, **GCP_POOL, initial_nodes_per_zone=1, zones=2, extra_labels={"a": "b"})
    assert (gcp.initial_nodes, gcp.labels) == (2, {"a": "b"})  # per zone x zones: the pool's total
    assert old(GcpNodePoolArgs, **GCP_POOL, resource_labels={"team": "ml"}).tags == {"team": "ml"}
    assert old(AzureNodePoolArgs, **AZURE_POOL, extra_labels={"a": "b"}).labels == {"a": "b"}


def test_aws_cluster_speaks_like_gcp_and_azure() -> None:
    args = old(
        AwsClusterArgs,
        **AWS_CLUSTER,
        version="1.35",
        endpoint_public=True,
        public_access_cidrs=["1.2.3.4/32"],
    )
    assert (args.kubernetes_version, args.private_endpoint, args.authorized_networks) == (
        "1.35",
        False,
        ["1.2.3.4/32"],
    )


def test_traffic_args_name_the_public_zone_and_the_issuer_alike() -> None:
    aws = old(AwsTrafficArgs, **AWS_TRAFFIC, dns_zone_id="Z1", private_zone_vpc_id=None)
    assert (aws.public_zone, aws.vpc_id, aws.dns_records) == ("Z1", None, False)
    assert old(AwsTrafficArgs, **AWS_TRAFFIC, private_zone_vpc_id="vpc-1").dns_records is True
    azure = old(AzureTrafficArgs, **AZURE_TRAFFIC, dns_zone_id="/z", acme=True, dns_zone_provider=None)
    assert (azure.public_zone, azure.tls_issuer, azure.public_zone_provider) == ("/z", "acme", None)
    gcp = old(GcpTrafficArgs, **GCP_TRAFFIC, dns_zone="acme-dev")
    assert (gcp.tls_issuer, gcp.public_zone, gcp.acme_zone) == ("acme", "acme-dev", "acme-dev")


def test_both_names_at_once_is_an_error() -> None:
    with pytest.raises(TypeError, match="not also its old name"):
        AwsNodePoolArgs(**AWS_POOL, desired_size=1, initial_nodes=1)


@pytest.mark.parametrize(
    ("module", "old_name", "new_name"),
    [
        ("lepton_infra.aws", "PrefixReaderBinder", "WorkloadIdentityBinder"),
        ("lepton_infra.aws.artifacts", "PrefixReaderBinder", "WorkloadIdentityBinder"),
        ("lepton_infra.aws.traffic", "AlbTraffic", "Traffic"),
        ("lepton_infra.aws.traffic", "AlbTrafficArgs", "TrafficArgs"),
        ("lepton_infra.gcp.traffic", "GkeTraffic", "Traffic"),
        ("lepton_infra.azure.traffic", "AksTraffic", "Traffic"),
    ],
)
def test_renamed_classes_stay_importable_for_a_release(module: str, old_name: str, new_name: str) -> None:
    loaded = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=new_name):
        assert getattr(loaded, old_name) is getattr(loaded, new_name)
    with pytest.raises(AttributeError):
        loaded.NoSuchName  # noqa: B018


def test_the_old_kms_module_re_exports_the_encryption_module() -> None:
    import sys

    sys.modules.pop("lepton_infra.aws.kms", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kms = importlib.import_module("lepton_infra.aws.kms")
    assert any("lepton_infra.aws.encryption" in str(w.message) for w in caught)
    from lepton_infra.aws import encryption

    assert kms.EncryptionKey is encryption.EncryptionKey and kms.key_policy is encryption.key_policy
