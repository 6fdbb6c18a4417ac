"""EFA fabric rules: a node group launched with EFA interfaces is useful only where the cluster advertises
the devices to pods."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Finding, NotApplicable, Severity, StackView
from lepton_infra.policy.props import as_list, as_mapping
from lepton_infra.policy.registry import stack_rule
from lepton_infra.policy.rules.aws.tokens import AWS, HELM_RELEASE, LAUNCH_TEMPLATE

# The interface types that carry EFA devices (EC2 API LaunchTemplateInstanceNetworkInterfaceSpecification
# InterfaceType: `efa` also carries IP traffic, `efa-only` does not; read 2026-12-07).
EFA_INTERFACE_TYPES = ("efa", "efa-only")
EFA_PLUGIN_CHART = "aws-efa-k8s-device-plugin"


@stack_rule(
    id="lepton-aws-efa-device-plugin",
    title="Node groups launched with EFA interfaces run the EFA device plugin",
    severity=Severity.HIGH,
    clouds=AWS,
    description="A launch template with EFA interfaces (`interfaceType` efa or efa-only) pays for the fabric "
    "only if pods can ask for it: the EFA Kubernetes device plugin advertises `vpc.amazonaws.com/efa` on "
    'those nodes (EKS User Guide, "Run machine learning training on Amazon EKS with Elastic Fabric '
    'Adapter": the AMI carries the host parts, the plugin is installed separately). Without it a '
    "multi-node job's NCCL finds no EFA device and falls back to TCP sockets without failing.",
    remediation="Install the aws-efa-k8s-device-plugin chart (aws/eks-charts) in the stack, tolerating the "
    "GPU taint (a `fabric: auto` pool does this).",
    anchors=("pulumi-eks#1564",),
)
def efa_device_plugin(stack: StackView) -> Iterator[Finding]:
    templates = [
        t
        for t in stack.of_type(LAUNCH_TEMPLATE)
        if any(
            as_mapping(i).get("interfaceType") in EFA_INTERFACE_TYPES
            for i in as_list(t.get("networkInterfaces"))
        )
    ]
    if not templates:
        raise NotApplicable("no launch template with EFA interfaces")
    if any(r.get("chart") == EFA_PLUGIN_CHART for r in stack.of_type(HELM_RELEASE)):
        return
    for template in templates:
        yield Finding(
            f"launch template {template.name} launches EFA interfaces, and no {EFA_PLUGIN_CHART} release "
            "advertises them to pods: NCCL would run over TCP",
            template.urn,
        )
