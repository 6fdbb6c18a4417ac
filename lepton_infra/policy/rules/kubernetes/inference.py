"""Rules for model serving: no secret written as a plain environment value, and an inference engine's
container bounded on every resource it can exhaust (GPU, memory, the node disk its model cache fills)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import as_list, as_mapping, is_set, is_unknown
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.kubernetes.objects import containers, pod_spec
from lepton_infra.policy.rules.kubernetes.tokens import K8S, WORKLOADS

# Environment variable names that carry credentials: Hugging Face's HF_TOKEN / HUGGING_FACE_HUB_TOKEN,
# cloud keys (AWS_SECRET_ACCESS_KEY, AZURE_CLIENT_SECRET), API keys, passwords.
SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)", re.I)
# Image repositories of the inference engines `services[].engine` runs (spec/engines.py), and of the
# engines' common upstream images a tenant might deploy by hand.
ENGINE_REPOSITORIES = ("docker.io/vllm/vllm-openai", "vllm/vllm-openai")
ENGINE_LIMITS = ("memory", "nvidia.com/gpu", "ephemeral-storage")


@resource_rule(
    id="lepton-k8s-no-plaintext-secret-env",
    title="No secret as a plain environment value",
    severity=Severity.HIGH,
    types=WORKLOADS,
    clouds=K8S,
    description="No container has an environment variable whose name says it holds a credential (TOKEN, "
    "SECRET, PASSWORD, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL) with a literal `value`: it would be in "
    "the manifest, the Pulumi state and every `kubectl get -o yaml`. A Hugging Face token in `HF_TOKEN` is "
    "the usual case.",
    remediation="Mount the secret from the cloud's secret store (Secrets Store CSI driver) or take it "
    "from a Secret (`valueFrom.secretKeyRef`), never a literal value.",
    anchors=("checkov:CKV_K8S_35",),
)
def no_plaintext_secret_env(r: ResourceView) -> Iterator[str]:
    for where, c in containers(pod_spec(r)):
        for item in as_list(c.get("env")):
            env = as_mapping(item)
            name = env.get("name")
            if isinstance(name, str) and SECRET_NAME.search(name) and is_set(env.get("value")):
                yield f"{where} sets {name} to a literal value"


def _runs_an_engine(image: object, command: object = None) -> bool:
    """The container runs the engine: its image, with the image's entrypoint (the server) or a command that
    names vllm. The same image running something else (the model hydration Job's Hub download, a replica's
    init container waiting for the weights) uses no GPU and is not the engine."""
    if not isinstance(image, str):
        return False
    if isinstance(command, list) and command and not any("vllm" in str(part) for part in command):
        return False
    name = image.split("@", 1)[0]
    head, _, last = name.rpartition("/")
    repository = f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]
    return repository in ENGINE_REPOSITORIES


@resource_rule(
    id="lepton-k8s-engine-resource-limits",
    title="An inference engine's container has GPU, memory and disk limits",
    severity=Severity.MEDIUM,
    types=WORKLOADS,
    clouds=K8S,
    description="A container running an inference engine (vLLM's image, through its entrypoint or a "
    "command naming vllm) sets `resources.limits.memory`, "
    "`limits.nvidia.com/gpu` and `limits.ephemeral-storage`: without them it may take a node's memory while "
    "loading weights, run on no GPU (or every GPU of the node), and fill the node's disk with its model "
    "cache until the kubelet evicts its neighbours.",
    remediation="Serve models through `services[].engine` (the platform sets all three), or set them on "
    "the container.",
)
def engine_resource_limits(r: ResourceView) -> Iterator[str]:
    for where, c in containers(pod_spec(r)):
        if not _runs_an_engine(c.get("image"), c.get("command")) or is_unknown(c.get("resources")):
            continue
        limits = as_mapping(as_mapping(c.get("resources")).get("limits"))
        for key in ENGINE_LIMITS:
            if not is_set(limits.get(key)):
                yield f"{where} runs {c.get('image')} without resources.limits.{key}"
