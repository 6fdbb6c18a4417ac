"""A cluster handle for the in-cluster layer's tests: a real `pulumi_kubernetes.Provider` from a literal
kubeconfig (kept secret), a node-pool stand-in the workloads must wait for, and an identity binder that
creates a real (mocked) resource and records every call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import yaml

from lepton_infra.core.cluster_handle import ClusterHandle, GpuFacts, ModelStoreFacts
from lepton_infra.core.identity import BoundIdentity
from lepton_infra.spec import PlatformSpec

REPO = Path(__file__).resolve().parents[2]
STACK_DIR = REPO / "stacks" / "platform"
SHIPPED_STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in STACK_DIR.glob("Pulumi.*-*.yaml"))
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
IDENTITY_POD_LABEL = {"azure.workload.identity/use": "true"}

KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: "https://10.40.0.10", certificate-authority-data: "LS0tLS1CRUdJTg=="}
contexts:
- name: test
  context: {cluster: test, user: test}
current-context: test
users:
- name: test
  user: {token: "offline-token"}
"""


TEST_PRIVATE_CA = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"
)


def load_spec(stack: str = "aws-prod", **overrides: Any) -> PlatformSpec:
    raw = raw_spec(stack)
    raw.update(overrides)
    if "services" in overrides and "tenants" not in overrides:
        _queue_on_freed_pools(raw)
    if raw.get("cloud") == "aws" and (raw.get("network") or {}).get("domain"):
        # Exposure on the AWS spec these layer tests borrow: the AWS profile wants the certificates' source
        # (a zone for acme, an ACM Private CA for private-ca); the hand-made IngressFacts decide the rest.
        raw["aws"] = {
            "dns_zone_id": "Z0123456789ABCDEFGHIJ",
            "private_ca_arn": TEST_PRIVATE_CA,
            **raw.get("aws", {}),
        }
    return PlatformSpec.from_dict(raw)


def _queue_on_freed_pools(raw: dict[str, Any]) -> None:
    """A prod stack's on-demand GPU pools hold its kept-running services and are no job flavor; a test
    replacing the services may free them, and a freed GPU pool is a flavor that needs queue quota
    (spec/jobs_rules.py): the last tenant with jobs gets 1 GPU on each pool no queue holds."""
    tenants = [t for t in raw.get("tenants") or [] if t.get("jobs")]
    if not tenants or raw.get("environment") != "prod":
        return
    kept = {
        (s.get("gpu") or {}).get("type") for s in raw["services"] if (s.get("replicas") or {}).get("min", 0)
    }
    held = {pool for t in tenants for pool in t["jobs"].get("gpu_quota") or {}}
    last = tenants[-1]
    for pool in raw["node_pools"]:
        gpu = pool.get("gpu")
        if gpu and not pool.get("spot") and gpu["type"] not in kept and pool["name"] not in held:
            last["jobs"] = {**last["jobs"], "gpu_quota": {**last["jobs"]["gpu_quota"], pool["name"]: 1}}


def shipped_spec(stack: str = "aws-prod") -> dict[str, Any]:
    """The shipped stack's spec as written."""
    doc = yaml.safe_load((STACK_DIR / f"Pulumi.{stack}.yaml").read_text())
    return dict(doc["config"]["lepton:platform"])


def raw_spec(stack: str = "aws-prod") -> dict[str, Any]:
    """The shipped stack's spec without its exposure (`network.domain` and TLS): the hand-made handles
    here offer no load balancer; tests of exposure give one (traffic_facts.py) and set the domain."""
    raw = shipped_spec(stack)
    network = {
        k: v
        for k, v in (raw.get("network") or {}).items()
        if k not in ("domain", "tls_issuer", "acme_email", "public_services")
    }
    raw["network"] = network
    raw["services"] = [
        {k: v for k, v in s.items() if k not in ("expose", "host")} for s in raw.get("services", [])
    ]
    return raw


class IdentityRole(pulumi.CustomResource):
    """Stands in for the cloud role a real binder creates (IAM role, GCP service account)."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        super().__init__("test:identity:Role", name, props, opts)


class NodePool(pulumi.CustomResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:nodes:Pool", name, {"name": name})


@dataclass
class RecordingBinder:
    calls: list[dict[str, str]] = field(default_factory=list)
    pod_labels: dict[str, str] = field(default_factory=dict)

    def __call__(
        self,
        name: str,
        namespace: str,
        service_account: str,
        bucket_prefix: str,
        opts: pulumi.ResourceOptions,
    ) -> BoundIdentity:
        self.calls.append(
            {
                "name": name,
                "namespace": namespace,
                "service_account": service_account,
                "bucket_prefix": bucket_prefix,
            }
        )
        role = IdentityRole(
            name,
            {"trust": f"system:serviceaccount:{namespace}:{service_account}", "bucketPrefix": bucket_prefix},
            opts,
        )
        arn = role.id.apply(lambda rid: f"arn:aws:iam::123456789012:role/{rid}")
        return BoundIdentity(
            annotations={ROLE_ARN_ANNOTATION: arn},
            labels={"lepton.ai/identity": "bound"},
            pod_labels=dict(self.pod_labels),
        )


def make_handle(
    binder: RecordingBinder,
    facts: GpuFacts | None = None,
    version: str = "1.35",
    metrics_server_installed: bool = False,
    **handle_facts: Any,
) -> ClusterHandle:
    """`handle_facts`: other ClusterHandle fields; NetworkPolicy enforcement is on unless a test says
    otherwise (every cloud layer enforces it; a cluster that does not is refused with tenants). `version`
    is the shipped stacks' `cluster.version`: the components refuse a minor their pinned charts do not
    support (the KEDA HTTP add-on 0.15.0 starts at 1.34)."""
    kubeconfig = pulumi.Output.secret(KUBECONFIG)
    provider = k8s.Provider("cluster-k8s", kubeconfig=kubeconfig)
    return ClusterHandle(
        cloud="test",
        name=pulumi.Output.from_input("acme-ai"),
        kubernetes_version=version,
        kubeconfig=kubeconfig,
        provider=provider,
        gpu=facts or GpuFacts(driver_installed=True, device_plugin_installed=False),
        bind_identity=binder,
        storage_class="fast-ssd",
        workload_dependencies=[NodePool("system-pool"), NodePool("gpu-pools")],
        scale_up_dependencies=[NodePool("cluster-autoscaler")],
        storage_dependencies=[NodePool("storage-class")],
        metrics_server_installed=metrics_server_installed,
        **{
            "network_policy_enforced": True,
            # aws-prod serves its model from the bucket mount (`models[].cache: bucket-mount`).
            "model_store": ModelStoreFacts(driver="s3.csi.aws.com", bind_writer=RecordingBinder()),
            "model_bucket": "acme-ai-models",
            "region": "us-east-1",
            **handle_facts,
        },
    )


# Every custom resource without an explicit provider fails, as under `pulumi up` with this setting:
# proves the handle's provider reaches every Kubernetes object.
STRICT_PROVIDERS = {"pulumi:disable-default-providers": ["kubernetes"]}
