"""The spec resolved once (spec/resolved.py): what every cloud's platform, its quota sums and the in-cluster
layer read, pinned for the shipped stacks with the values written out."""

from __future__ import annotations

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.profiles.aws.knobs import AwsKnobs
from lepton_infra.spec import ClusterSpec, PlatformSpec
from lepton_infra.spec.resolved import ResolvedPlatform, resolve
from tests.conftest import shipped_spec, spec_problems


def _resolved(stack: str) -> ResolvedPlatform:
    return resolve(PlatformSpec.from_dict(shipped_spec(stack)))


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        ("aws-dev", (False, False, 2, "single", "public")),
        ("aws-prod", (True, True, 3, "per-zone", "private")),
        ("gcp-dev", (False, False, 2, "single", "public")),
        ("gcp-prod", (True, True, 3, "per-zone", "private")),
        ("azure-dev", (False, False, 2, "single", "public")),
        ("azure-prod", (True, True, 3, "per-zone", "private")),
    ],
)
def test_environment_defaults_are_concrete(stack: str, expected: tuple) -> None:
    r = _resolved(stack)
    assert (r.prod, r.protect, r.zones, r.nat, r.endpoint) == expected


@pytest.mark.parametrize(
    ("stack", "pools"),
    [
        (
            "aws-prod",
            [
                ("system", ["m6i.xlarge"], 2),
                ("h100", ["p5.48xlarge"], 0),
                # An on-demand pool takes one type; EKS takes several for a spot pool: the cheapest three.
                ("l4", ["g6.xlarge"], 0),
                ("l4-spot", ["g6.xlarge"], 0),  # a spot pool's types share one shape
            ],
        ),
        (
            "gcp-prod",
            [
                ("system", ["n2-standard-4"], 2),
                ("h100", ["a3-highgpu-8g"], 0),
                ("l4", ["g2-standard-4"], 0),
                ("l4-spot", ["g2-standard-4"], 0),
            ],
        ),
        (
            "azure-prod",
            [
                ("system", ["Standard_D4s_v5"], 2),
                ("h100", ["Standard_ND96isr_H100_v5"], 0),
                ("t4", ["Standard_NC4as_T4_v3"], 0),
                ("t4spot", ["Standard_NC4as_T4_v3"], 0),
                ("a10spot", ["Standard_NV36ads_A10_v5"], 0),  # the LLM service's A10s
            ],
        ),
    ],
)
def test_each_pool_has_its_machines_and_initial_size(stack: str, pools: list) -> None:
    r = _resolved(stack)
    assert [(p.name, p.instance_types, p.initial_nodes) for p in r.pools] == pools
    assert r.system_pool.name == "system"


def test_the_chosen_clouds_knobs_are_decided() -> None:
    aws_dev, aws_prod = _resolved("aws-dev").aws, _resolved("aws-prod").aws
    assert aws_dev is not None and aws_prod is not None
    assert (aws_dev.interface_endpoints, aws_dev.log_retention_days, aws_dev.access_log_retention_days) == (
        False,
        30,
        30,
    )
    assert (aws_prod.interface_endpoints, aws_prod.log_retention_days) == (True, 365)
    gcp_dev, gcp_prod = _resolved("gcp-dev").gcp, _resolved("gcp-prod").gcp
    assert gcp_dev is not None and gcp_prod is not None
    assert (gcp_dev.release_channel, gcp_dev.binary_authorization, gcp_dev.dns_endpoint) == (
        "REGULAR",
        "dryrun",
        False,
    )
    assert (gcp_prod.binary_authorization, gcp_prod.dns_endpoint) == ("enforce", True)
    azure = _resolved("azure-prod").azure
    assert azure is not None
    assert (azure.system_pool.name, azure.system_pool.vm_size) == ("sys", "Standard_D4s_v5")
    assert (azure.system_pool.min_nodes, azure.system_pool.max_nodes) == (3, 5)
    # Only the spec's own cloud is resolved, as only its block may be set.
    assert _resolved("aws-prod").gcp is None and _resolved("gcp-prod").azure is None


def test_exposed_hosts_in_spec_order() -> None:
    assert [(e.service, e.host, e.exposure) for e in _resolved("aws-prod").exposed] == [
        ("sentiment", "sentiment.ai.acme.dev", "internal"),
        ("embeddings", "embeddings.ai.acme.dev", "internal"),
        ("chat", "chat.ai.acme.dev", "internal"),
    ]
    assert _resolved("gcp-dev").exposed == ()


_ASSEMBLED = {
    "name": "abc",
    "environment": "dev",
    "cloud": "aws",
    "region": "us-east-1",
    "node_pools": [{"name": "system", "min": 1}],
    "tags": {"team": "t", "cost-center": "1"},
}


def test_a_spec_assembled_from_models_gets_the_environment_defaults() -> None:
    """A block given as a model (`cluster=ClusterSpec(...)`) is filled like a mapping: its defaults are
    the table's, and the rules judge the filled values (a dev endpoint is public, so it needs networks)."""
    spec = PlatformSpec.from_dict(
        {**_ASSEMBLED, "cluster": ClusterSpec(authorized_networks=["203.0.113.0/24"]), "aws": AwsKnobs()}
    )
    assert (spec.cluster.endpoint, spec.network.nat) == ("public", "single")
    assert spec.aws is not None and (spec.aws.log_retention_days, spec.aws.interface_endpoints) == (30, False)
    resolved = resolve(spec)
    assert resolved.endpoint == "public" and resolved.aws is not None
    assert resolved.aws.access_log_retention_days == 30
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict({**_ASSEMBLED, "cluster": ClusterSpec()})
    assert err.value.paths == ["cluster.authorized_networks"]


def test_a_pool_whose_gpu_count_its_region_lacks_is_refused_not_a_traceback() -> None:
    """The spec chooses each pool's machine in the spec's region, as the resolution does: us-west-1 sells
    H100s only eight per node (p5.48xlarge; p5.4xlarge is not sold there, catalog [M1]), so one per node is
    refused at spec time instead of passing the rules and failing with NoMachine when the platform is
    built."""
    pools = [{"name": "system", "min": 1}, {"name": "h100", "gpu": {"type": "h100-80gb", "count": 1}}]
    raw = {**_ASSEMBLED, "cluster": {"authorized_networks": ["203.0.113.0/24"]}, "node_pools": pools}
    assert spec_problems({**raw, "region": "us-west-1"}) == {
        "node_pools[1].gpu": "no aws machine in us-west-1 has 1× h100-80gb; counts offered in us-west-1: "
        "[8] -- pick a machine the catalog lists"
    }
    assert resolve(PlatformSpec.from_dict({**raw, "region": "us-east-1"})).pools[1].instance_types == [
        "p5.4xlarge"
    ]
