"""The pod template of an inference service, as data: hardened security context, GPU scheduling,
probes, and resources on every container. Pure, so each security property is tested on its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lepton_infra.core.conventions import (
    GPU_RESOURCE,
    GPU_TAINT_EFFECT,
    GPU_TAINT_KEY,
    GPU_TAINT_VALUE,
    GPU_TYPE_LABEL,
    POOL_LABEL,
    SERVICE_LOGS_GB,
    SERVICE_SCRATCH_GB,
)

# A fixed non-root UID: `runAsNonRoot` alone rejects images whose USER is a name, not a number.
RUN_AS_UID = 10001
PORT_NAME = "http"
CONTAINER_NAME = "server"
# Scale-in and rollouts without dropped requests: a terminating pod leaves the Service's endpoints at once,
# but load balancers (ALB targets, GKE NEGs, nginx upstreams) learn it seconds later. The pod keeps serving
# that long before SIGTERM (`preStop` sleep), then gets DRAIN_SECONDS for its in-flight requests, which is
# also the load balancers' deregistration delay / connection draining (`RouteTarget.drain_seconds`).
ENDPOINT_PROPAGATION_SECONDS = 15
DRAIN_SECONDS = 60
TERMINATION_GRACE_SECONDS = ENDPOINT_PROPAGATION_SECONDS + DRAIN_SECONDS
# Where model weights are cached (`services[].model_cache_gb`); the usual cache variables point under it.
MODEL_CACHE_PATH = "/models"


@dataclass(frozen=True)
class PodShape:
    image: str
    port: int
    predict_path: str
    health_path: str
    cpu: str
    memory: str
    gpu_type: str | None
    gpu_count: int
    service_account: Any  # pulumi.Input[str]
    labels: Mapping[str, str]
    # Tolerations for taints the cloud itself puts on GPU nodes (`GpuFacts.cloud_taints`), and the reserved
    # pools' taint for a prod service kept running.
    cloud_tolerations: Sequence[Mapping[str, str]] = ()
    model_cache_gb: int = 20
    # Pools the scheduler should prefer (on-demand ones for a service kept running); empty: no preference.
    preferred_pools: Sequence[str] = ()
    # Pools the pods may run on only (on-demand ones for a prod service kept running); empty: any that fits.
    required_pools: Sequence[str] = ()
    priority_class: str | None = None
    # An inference engine's launch (kubernetes/serving/engine.py): its command, arguments and environment
    # replace the image's entrypoint and come beside the platform's variables. Empty: the image's own.
    command: Sequence[str] = ()
    args: Sequence[str] = ()
    extra_env: Sequence[Mapping[str, str]] = ()
    # A model's weights mounted read-only (`models[].cache: bucket-mount`): the pod's volume of the claim,
    # where the server mounts it, and the init container that waits for the weights to be there.
    weights_volume: Mapping[str, Any] | None = None
    weights_path: str = ""
    init_containers: Sequence[Mapping[str, Any]] = ()


def container_security_context() -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": RUN_AS_UID,
        "runAsGroup": RUN_AS_UID,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def pod_security_context() -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": RUN_AS_UID,
        "runAsGroup": RUN_AS_UID,
        "fsGroup": RUN_AS_UID,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def resources(cpu: str, memory: str, gpu_count: int, disk_gb: int | None = None) -> dict[str, Any]:
    """Requests equal limits (Guaranteed QoS): an inference pod is never the first one evicted, and a
    GPU is an integer resource whose request must equal its limit anyway. `disk_gb`: the node disk the
    pod writes (model cache, /tmp, logs) as `ephemeral-storage`, so it lands only on a node that has it."""
    amounts: dict[str, str] = {"cpu": cpu, "memory": memory}
    if disk_gb:
        amounts["ephemeral-storage"] = f"{disk_gb}Gi"
    if gpu_count:
        amounts[GPU_RESOURCE] = str(gpu_count)
    return {"requests": dict(amounts), "limits": dict(amounts)}


def preferred_pools_affinity(pools: Sequence[str]) -> dict[str, Any]:
    """Prefer nodes of these pools (soft: the scheduler falls back to any other that fits)."""
    return {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {
                "weight": 100,
                "preference": {
                    "matchExpressions": [{"key": POOL_LABEL, "operator": "In", "values": list(pools)}]
                },
            }
        ]
    }


def gpu_scheduling(gpu_type: str, cloud_tolerations: Sequence[Mapping[str, str]] = ()) -> dict[str, Any]:
    """Tolerate the platform's GPU taint (and the cloud's own taints on GPU nodes, e.g. AKS spot) and
    require a node of the requested GPU model."""
    return {
        "tolerations": [
            {"key": GPU_TAINT_KEY, "operator": "Equal", "value": GPU_TAINT_VALUE, "effect": GPU_TAINT_EFFECT},
            *(dict(t) for t in cloud_tolerations),
        ],
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": GPU_TYPE_LABEL, "operator": "In", "values": [gpu_type]}
                            ]
                        }
                    ]
                }
            }
        },
    }


def probes(health_path: str) -> dict[str, Any]:
    def http(period: int, failures: int) -> dict[str, Any]:
        return {
            "httpGet": {"path": health_path, "port": PORT_NAME},
            "periodSeconds": period,
            "timeoutSeconds": 5,
            "failureThreshold": failures,
        }

    return {
        # Loading a model can take minutes: the startup probe allows 15 minutes before liveness starts.
        "startupProbe": http(10, 90),
        "readinessProbe": http(10, 3),
        "livenessProbe": http(20, 3),
    }


def pull_policy(image: str) -> str:
    """A digest names fixed content, so a cached copy is the same image; a tag may have moved since the
    node pulled it, so every pod start asks the registry again (`services[].image` documents this)."""
    return "IfNotPresent" if "@sha256:" in image else "Always"


def pod_template_spec(shape: PodShape) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": CONTAINER_NAME,
        "image": shape.image,
        "imagePullPolicy": pull_policy(shape.image),
        "ports": [{"name": PORT_NAME, "containerPort": shape.port, "protocol": "TCP"}],
        "env": [
            {"name": "PORT", "value": str(shape.port)},
            {"name": "PREDICT_PATH", "value": shape.predict_path},
            # The root filesystem is read-only; $HOME is scratch space, model weights go to the cache.
            {"name": "HOME", "value": "/tmp"},
            {"name": "MODEL_CACHE_DIR", "value": MODEL_CACHE_PATH},
            {"name": "XDG_CACHE_HOME", "value": MODEL_CACHE_PATH},
            {"name": "HF_HOME", "value": f"{MODEL_CACHE_PATH}/huggingface"},
            *(dict(e) for e in shape.extra_env),
        ],
        "resources": resources(
            shape.cpu,
            shape.memory,
            shape.gpu_count if shape.gpu_type else 0,
            shape.model_cache_gb + SERVICE_SCRATCH_GB + SERVICE_LOGS_GB,
        ),
        "securityContext": container_security_context(),
        "volumeMounts": [
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "model-cache", "mountPath": MODEL_CACHE_PATH},
            {"name": "shm", "mountPath": "/dev/shm"},
        ],
        **probes(shape.health_path),
        # The kubelet's own sleep (no shell needed in the image).
        "lifecycle": {"preStop": {"sleep": {"seconds": ENDPOINT_PROPAGATION_SECONDS}}},
    }
    if shape.command:
        container["command"] = list(shape.command)
    if shape.args:
        container["args"] = list(shape.args)
    spec: dict[str, Any] = {
        "serviceAccountName": shape.service_account,
        # The cloud identity comes through its own projected token; no Kubernetes API token in the pod.
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "terminationGracePeriodSeconds": TERMINATION_GRACE_SECONDS,
        "securityContext": pod_security_context(),
        "containers": [container],
        "volumes": [
            {"name": "tmp", "emptyDir": {"sizeLimit": f"{SERVICE_SCRATCH_GB}Gi"}},
            # On the node's disk: the kubelet evicts the pod past the limit, so the limit is the spec's.
            {"name": "model-cache", "emptyDir": {"sizeLimit": f"{shape.model_cache_gb}Gi"}},
            # Frameworks (PyTorch workers, NCCL) need more shared memory than the runtime's 64 MiB.
            {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
        ],
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": dict(shape.labels)},
            }
        ],
    }
    if shape.weights_volume is not None:
        spec["volumes"].append(dict(shape.weights_volume))
        container["volumeMounts"].append(
            {"name": shape.weights_volume["name"], "mountPath": shape.weights_path, "readOnly": True}
        )
    if shape.init_containers:
        spec["initContainers"] = [dict(c) for c in shape.init_containers]
    if shape.priority_class:
        spec["priorityClassName"] = shape.priority_class
    if shape.gpu_type:
        spec.update(gpu_scheduling(shape.gpu_type, shape.cloud_tolerations))
    if shape.preferred_pools:
        spec.setdefault("affinity", {}).setdefault("nodeAffinity", {}).update(
            preferred_pools_affinity(shape.preferred_pools)
        )
    if shape.required_pools:
        require_pools(spec, shape.required_pools)
    return spec


def require_pools(spec: dict[str, Any], pools: Sequence[str]) -> None:
    """Only nodes of these pools: the pool expression joins every required node-selector term (terms are
    ORed, expressions within one ANDed), so with the GPU model's term a node must have both."""
    expression = {"key": POOL_LABEL, "operator": "In", "values": list(pools)}
    affinity = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {})
    required = affinity.setdefault(
        "requiredDuringSchedulingIgnoredDuringExecution", {"nodeSelectorTerms": [{}]}
    )
    for term in required["nodeSelectorTerms"]:
        term.setdefault("matchExpressions", []).append(dict(expression))
