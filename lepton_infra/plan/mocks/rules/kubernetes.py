"""Plausible Kubernetes outputs: metadata as the API server would return it."""

from __future__ import annotations

from typing import Any

from lepton_infra.plan.mocks.registry import MockContext, outputs_for, outputs_for_prefix, short_hash


@outputs_for_prefix("kubernetes:")
def generic(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(inputs.get("metadata") or {})
    metadata.setdefault("name", f"{name}-{short_hash(name, length=8)}")
    metadata.setdefault("uid", short_hash(meta["type"], name, length=32))
    metadata.setdefault("resourceVersion", "1")
    namespace = metadata.get("namespace")
    rid = f"{namespace}/{metadata['name']}" if namespace else metadata["name"]
    return {"__id__": rid, "metadata": metadata, "status": {}}


@outputs_for("kubernetes:helm.sh/v3:Release")
def helm_release(name, inputs, ctx, meta):
    release = inputs.get("name") or f"{name}-{short_hash(name, length=8)}"
    namespace = inputs.get("namespace") or "default"
    return {
        "__id__": f"{namespace}/{release}",
        "name": release,
        "status": {
            "name": release,
            "namespace": namespace,
            "status": "deployed",
            "revision": 1,
            "chart": inputs.get("chart"),
            "version": inputs.get("version"),
        },
    }


ALB_SCHEME = "alb.ingress.kubernetes.io/scheme"
ALB_GROUP = "alb.ingress.kubernetes.io/group.name"


@outputs_for("kubernetes:networking.k8s.io/v1:Ingress")
def ingress(name, inputs, ctx, meta):
    """The status Pulumi waits for before an Ingress counts as created: the load balancer's address as its
    controller writes it. An ALB (class `alb`) has a DNS name per IngressGroup (`[internal-]k8s-<group>-
    <hash>-<id>.<region>.elb.amazonaws.com`); any other controller publishes its Service's IP, the same for
    every Ingress of one class."""
    out = generic(name, inputs, ctx, meta)
    spec = inputs.get("spec") or {}
    annotations = (inputs.get("metadata") or {}).get("annotations") or {}
    class_name = str(spec.get("ingressClassName") or "")
    if class_name == "alb":
        group = str(annotations.get(ALB_GROUP) or name)
        prefix = "internal-" if annotations.get(ALB_SCHEME, "internal") == "internal" else ""
        entry = {
            "hostname": f"{prefix}k8s-{group[:8]}-{short_hash(group, length=10)}-"
            f"{int(short_hash(group, 'id', length=8), 16) % 10**10}.{ctx.aws_region}.elb.amazonaws.com"
        }
    else:
        octets = bytes.fromhex(short_hash(class_name, length=4))
        # A class serving the internet gets a public address (documentation range), any other a private one.
        entry = {
            "ip": f"198.51.100.{octets[0] % 250 + 1}"
            if "public" in class_name
            else f"10.{200 + octets[0] % 50}.{octets[1]}.10"
        }
    out["status"] = {"loadBalancer": {"ingress": [entry]}}
    return out
