"""URNs and aliases as the Pulumi engine makes them: the whole chain of parent types, none for the stack.

The reference is the SDK's own construction (`pulumi.resource.create_urn`, which the SDK uses to compute
aliases for engines without alias specs), evaluated inside the program, and the engine's rules read from
pkg/resource/deploy/step_generator.go (`generateURN`, `collapseAliasToUrn`)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
from pulumi.resource import create_urn

from lepton_infra.plan import plan_program
from lepton_infra.plan.record import STACK_TYPE


class Outer(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Outer", name, None, opts)
        self.inner = Inner(f"{name}-inner", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


class Inner(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Inner", name, None, opts)
        self.key = aws.kms.Key(f"{name}-key", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def nested_program() -> None:
    outer = Outer("outer")
    top = aws.s3.Bucket("top")
    pulumi.export("sdk_outer", create_urn("outer", "test:index:Outer"))
    pulumi.export("sdk_top", create_urn("top", "aws:s3/bucket:Bucket"))
    # The SDK builds a child's URN from its parent's URN: the chain carries every ancestor's type.
    pulumi.export("sdk_inner", create_urn("outer-inner", "test:index:Inner", outer))
    pulumi.export("sdk_key", create_urn("outer-inner-key", "aws:kms/key:Key", outer.inner))
    pulumi.export("top_urn", top.urn)


def test_urns_carry_the_whole_parent_type_chain_and_no_stack_prefix() -> None:
    graph = plan_program(nested_program, {"aws:region": "us-east-1"}, project="proj", stack="dev")
    key = graph.one("aws:kms/key:Key")
    assert key.urn == (
        "urn:pulumi:dev::proj::test:index:Outer$test:index:Inner$aws:kms/key:Key::outer-inner-key"
    )
    assert graph.one("test:index:Outer").urn == "urn:pulumi:dev::proj::test:index:Outer::outer"
    assert graph.one(STACK_TYPE).urn == "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"
    assert all(f"{STACK_TYPE}$" not in r.urn for r in graph)


def test_urns_match_the_sdks_own_construction() -> None:
    graph = plan_program(nested_program, {"aws:region": "us-east-1"}, project="proj", stack="dev")
    out = graph.outputs
    assert out["sdk_outer"] == graph.one("test:index:Outer").urn
    assert out["sdk_top"] == graph.one("aws:s3/bucket:Bucket").urn == out["top_urn"]
    assert out["sdk_inner"] == graph.one("test:index:Inner").urn
    assert out["sdk_key"] == graph.one("aws:kms/key:Key").urn


def test_a_resource_reads_back_the_engine_urn() -> None:
    """What the program sees as `resource.urn` is the URN the monitor recorded (one truth)."""
    graph = plan_program(nested_program, {"aws:region": "us-east-1"}, project="proj", stack="dev")
    assert graph.outputs["top_urn"] == "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::top"


def _before() -> None:
    legacy = pulumi.ComponentResource("test:index:Legacy", "pool", None)
    aws.kms.Key("pool-key", opts=pulumi.ResourceOptions(parent=legacy))
    Outer("moved")


def _after() -> None:
    outer = Outer("outer")
    # Renamed, retyped and moved under a parent: the alias names where it was.
    renamed = pulumi.ComponentResource(
        "test:index:Pool",
        "gpu",
        None,
        pulumi.ResourceOptions(
            parent=outer, aliases=[pulumi.Alias(name="pool", type_="test:index:Legacy", parent=None)]
        ),
    )
    aws.kms.Key("gpu-key", opts=pulumi.ResourceOptions(parent=renamed))
    # Same name and type, taken out of its parent: `Alias(parent=<resource>)`.
    aws.s3.Bucket("logs", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(parent=outer.inner)]))
    # Only the name changed: the parent defaults to the resource's own.
    aws.s3.Bucket(
        "outer-inner-data2",
        opts=pulumi.ResourceOptions(parent=outer.inner, aliases=[pulumi.Alias(name="outer-inner-data")]),
    )
    # A full URN string passes through untouched.
    aws.s3.Bucket(
        "raw", opts=pulumi.ResourceOptions(aliases=["urn:pulumi:dev::proj::aws:s3/bucket:Bucket::old"])
    )


def test_aliases_resolve_to_the_engines_urns() -> None:
    before = plan_program(_before, {"aws:region": "us-east-1"}, project="proj", stack="dev")
    after = plan_program(_after, {"aws:region": "us-east-1"}, project="proj", stack="dev")
    legacy = before.one("test:index:Legacy")
    assert after.one("test:index:Pool").aliases == [legacy.urn]
    assert legacy.urn == "urn:pulumi:dev::proj::test:index:Legacy::pool"
    inner_urn = after.one("test:index:Inner").urn
    logs = after.one("aws:s3/bucket:Bucket", "logs")
    assert (
        "urn:pulumi:dev::proj::test:index:Outer$test:index:Inner$aws:s3/bucket:Bucket::logs" in logs.aliases
    )
    # The provider's own type alias (Bucket was BucketV2) keeps the resource's parent: top level here.
    assert "urn:pulumi:dev::proj::aws:s3/bucketV2:BucketV2::logs" in logs.aliases
    assert inner_urn == "urn:pulumi:dev::proj::test:index:Outer$test:index:Inner::outer-inner"
    assert (
        "urn:pulumi:dev::proj::test:index:Outer$test:index:Inner$aws:s3/bucket:Bucket::outer-inner-data"
        in after.one("aws:s3/bucket:Bucket", "outer-inner-data2").aliases
    )
    assert (
        "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::old" in after.one("aws:s3/bucket:Bucket", "raw").aliases
    )


def _key_in_components() -> None:
    outer = Outer("outer")
    del outer  # Inner's key has no rotation: the KMS rotation rule fires on it


def test_waivers_and_sarif_use_the_engine_urns() -> None:
    from lepton_infra.policy.evaluate import evaluate_graph
    from lepton_infra.policy.reporting import to_sarif

    graph = plan_program(_key_in_components, {"aws:region": "us-east-1"}, project="proj", stack="dev")
    key_urn = "urn:pulumi:dev::proj::test:index:Outer$test:index:Inner$aws:kms/key:Key::outer-inner-key"
    rule = "lepton-aws-kms-key-rotation"
    flagged = evaluate_graph(graph, {})
    assert key_urn in {v.urn for v in flagged.by_policy(rule)}
    sarif = to_sarif(flagged, "Pulumi.dev.yaml")
    names = {
        loc["fullyQualifiedName"]
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == rule
        for loc in r["locations"][0]["logicalLocations"]
    }
    assert names == {key_urn}
    # A waiver written with the URN `pulumi stack --show-urns` prints matches exactly that resource.
    waived = evaluate_graph(graph, {rule: {"waivers": [{"resource": key_urn, "reason": "test key, SEC-1"}]}})
    assert not waived.by_policy(rule)
    assert [w.urn for w in waived.waived if w.policy == rule] == [key_urn]
