"""Public components check their plain-valued args before registering anything: a bad argument is a
`ComponentArgsError` (a RunError: no traceback) naming the property path, and the plan holds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from lepton_infra.aws.kms import EncryptionKey, EncryptionKeyArgs
from lepton_infra.aws.node_pool import NodePool as AwsNodePool
from lepton_infra.aws.node_pool import NodePoolArgs as AwsNodePoolArgs
from lepton_infra.core.errors import ComponentArgsError
from lepton_infra.gcp.node_pool import NodePool as GcpNodePool
from lepton_infra.gcp.node_pool import NodePoolArgs as GcpNodePoolArgs
from lepton_infra.kubernetes import InferenceService, InferenceServiceArgs, Tenant, TenantArgs
from lepton_infra.plan import plan_program
from lepton_infra.plan.record import STACK_TYPE


def refused(program: Callable[[], Any]) -> ComponentArgsError:
    with pytest.raises(ComponentArgsError) as err:
        plan_program(program)
    recorded = err.value.recorded_resources  # type: ignore[attr-defined]
    assert [r.type for r in recorded if r.type != STACK_TYPE] == []  # not even the component itself
    assert isinstance(err.value, pulumi.RunError)
    return err.value


def aws_pool(**changes: Any) -> AwsNodePoolArgs:
    base: dict[str, Any] = dict(cluster_name="c", pool="gpu", node_role_arn="arn:aws:iam::1:role/n",
                                subnet_ids=["s-1"], security_group_ids=["sg-1"], kms_key_arn="k",
                                instance_types=["g6.xlarge"], gpu_type="l4", gpu_count=1)
    return AwsNodePoolArgs(**{**base, **changes})


def test_aws_node_pool_refuses_inverted_bounds_and_unknown_gpu() -> None:
    err = refused(lambda: AwsNodePool("bad", aws_pool(min_size=5, max_size=2, gpu_type="h100-80g")))
    assert err.paths == ["min_size", "gpu_type"]
    assert "did you mean 'h100-80gb'?" in str(err)
    assert "lepton:aws:NodePool 'bad'" in str(err)


def test_aws_node_pool_refuses_empty_instance_types_and_bad_names() -> None:
    err = refused(lambda: AwsNodePool("bad", aws_pool(instance_types=[], pool="GPU_pool", disk_gb=5)))
    assert set(err.paths) == {"instance_types", "pool", "disk_gb"}


def test_aws_node_pool_skips_outputs() -> None:
    graph = plan_program(lambda: AwsNodePool("ok", aws_pool(cluster_name=pulumi.Output.from_input("c"))))
    assert graph.of_type("aws:eks/nodeGroup:NodeGroup")


def test_aws_kms_deletion_window_is_7_to_30_days() -> None:
    err = refused(lambda: EncryptionKey("k", EncryptionKeyArgs(alias="a", region="us-east-1",
                                                               deletion_window_days=3)))
    assert err.paths == ["deletion_window_days"]


def test_gcp_node_pool_refuses_unknown_gpu_and_bad_pool_name() -> None:
    err = refused(lambda: GcpNodePool("bad", GcpNodePoolArgs(
        project="p", cluster="c", location="us-central1", pool_name="Pool_1", boot_disk_kms_key="k",
        gpu_type="h100", min_nodes=-1)))
    assert set(err.paths) == {"pool_name", "min_nodes", "gpu_type"}


def service(**changes: Any) -> InferenceServiceArgs:
    base: dict[str, Any] = dict(name="chat", tenant="research", namespace="research", service_account="w",
                                image="ghcr.io/acme/chat:1.0")
    return InferenceServiceArgs(**{**base, **changes})


def test_inference_service_refuses_negative_replicas_and_more() -> None:
    err = refused(lambda: InferenceService("chat", service(min_replicas=-3, image="nginx", port=80,
                                                           scaling_metric="rps", predict_path="predict")))
    assert err.paths == ["image", "port", "predict_path", "min_replicas", "scaling_metric"]
    text = str(err)
    assert "explicit tag or digest" in text and "use one of: requests_per_second, queue_length" in text


def test_inference_service_refuses_inverted_replicas() -> None:
    err = refused(lambda: InferenceService("chat", service(min_replicas=5, max_replicas=2)))
    assert err.paths == ["min_replicas"]


def _no_binder(*_args: Any, **_kw: Any) -> Any:
    raise AssertionError("a refused tenant binds no identity")


def test_tenant_refuses_reserved_names_negative_quota_and_privileged() -> None:
    err = refused(lambda: Tenant("t", TenantArgs(name="kube-system", kubernetes_version="1.33",
                                                 bind_identity=_no_binder, gpu_quota=-1,
                                                 pod_security="privileged", admin_groups=["", "ml"])))
    assert err.paths == ["name", "gpu_quota", "pod_security", "admin_groups[0]"]
