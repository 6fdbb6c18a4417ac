"""The NCCL all-reduce proof for a fabric pool: a headless Service, a ConfigMap with the benchmark and an
Indexed Job of one pod per node, queued through the tenant's LocalQueue, each pod taking a whole node's GPUs
and fabric devices. Rank 0 prints the bus bandwidth per message size, as nccl-tests computes it
(busbw = algbw x 2(n-1)/n; NVIDIA/nccl-tests doc/PERFORMANCE.md), and fails the Job when the largest
message stays under what the machine's fabric should carry (catalog/fabric.py `expected_busbw_gbytes_per_s`).

Plain manifests (dicts) a user applies with kubectl after `up` (`lepton-infra nccl-test`), not part of the
plan: the test costs the pool's nodes for its minutes and should run when asked. It runs under the tenant
namespace's `restricted` Pod Security level (non-root, no capabilities)."""

from __future__ import annotations

from typing import Any

from lepton_infra.catalog import Machine
from lepton_infra.catalog.fabric import Fabric
from lepton_infra.core.conventions import GPU_RESOURCE, GPU_TAINT_EFFECT, GPU_TAINT_KEY, POOL_LABEL
from lepton_infra.kubernetes.jobs.queues import LOCAL_QUEUE, QUEUE_NAME_LABEL

NAME = "nccl-allreduce"
PORT = 29500
# NCCL's ring algorithm: between nodes its busbw is bounded by each GPU's share of the fabric, the figure
# the expectation is about. On 2 nodes NCCL may pick a tree or NVLS tree, which goes past the network
# bottleneck (NVIDIA/nccl-tests#196, maintainer's answer, read 2026-12-07).
_COMMON_ENV = {"NCCL_DEBUG": "INFO", "NCCL_DEBUG_SUBSYS": "INIT,NET", "NCCL_ALGO": "Ring"}
# libfabric's EFA provider, with GPUDirect RDMA (p5 supports it): NCCL's log then names the OFI plugin and
# the efa provider; without them it says `NET/Socket` (TCP).
_FABRIC_ENV = {"efa": {"FI_PROVIDER": "efa", "FI_EFA_USE_DEVICE_RDMA": "1"}}

BENCHMARK = """\
import os, sys, time
import torch
import torch.distributed as dist

dist.init_process_group("nccl")
rank, world = dist.get_rank(), dist.get_world_size()
torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
expected = float(os.environ["EXPECTED_BUSBW_GBPS"])
factor = 2 * (world - 1) / world
busbw = 0.0
for size in [2**k for k in range(20, 34, 2)]:  # 1 MiB .. 4 GiB (float32 elements)
    x = torch.ones(size // 4, dtype=torch.float32, device="cuda")
    for _ in range(5):
        dist.all_reduce(x)
    torch.cuda.synchronize()
    iters = 20
    start = time.perf_counter()
    for _ in range(iters):
        dist.all_reduce(x)
    torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / iters
    busbw = size / seconds / 1e9 * factor
    if rank == 0:
        print(f"{size:>12} B  busbw {busbw:8.2f} GB/s", flush=True)
if rank == 0:
    verdict = "PASS" if busbw >= expected else "FAIL"
    print(f"{verdict}: busbw {busbw:.1f} GB/s at the largest size, expected >= {expected}", flush=True)
dist.destroy_process_group()
sys.exit(0 if rank != 0 or busbw >= expected else 1)
"""


def nccl_test_manifests(
    *, tenant: str, pool: str, machine: Machine, fabric: Fabric, nodes: int, image: str
) -> list[dict[str, Any]]:
    """The Service, ConfigMap and Job that run the all-reduce over `nodes` nodes of `pool` in `tenant`'s
    namespace. `image`: PyTorch with NCCL and the fabric's NCCL plugin (EFA: aws-ofi-nccl and libfabric)."""
    labels = {"app.kubernetes.io/name": NAME}
    env = {
        **_COMMON_ENV,
        **_FABRIC_ENV.get(fabric.kind, {}),
        "EXPECTED_BUSBW_GBPS": str(fabric.expected_busbw_gbytes_per_s),
    }
    limits = {GPU_RESOURCE: str(machine.gpu_count)}
    if fabric.device_resource:
        limits[fabric.device_resource] = str(fabric.interfaces)
    command = [
        "torchrun",
        f"--nnodes={nodes}",
        f"--nproc-per-node={machine.gpu_count}",
        "--node-rank=$(JOB_COMPLETION_INDEX)",
        f"--master-addr={NAME}-0.{NAME}",
        f"--master-port={PORT}",
        "/benchmark/allreduce.py",
    ]
    container = {
        "name": "allreduce",
        "image": image,
        "command": command,
        "env": [{"name": k, "value": v} for k, v in env.items()],
        "ports": [{"containerPort": PORT, "name": "rendezvous"}],
        "resources": {"limits": limits, "requests": dict(limits)},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": True,
            "runAsUser": 1000,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [
            {"name": "benchmark", "mountPath": "/benchmark", "readOnly": True},
            {"name": "shm", "mountPath": "/dev/shm"},  # NCCL's intra-node buffers
        ],
    }
    pod_spec = {
        "subdomain": NAME,  # pods are `<job>-<index>.<service>`: rank 0 is the rendezvous
        "restartPolicy": "Never",
        "nodeSelector": {POOL_LABEL: pool},
        "tolerations": [{"key": GPU_TAINT_KEY, "operator": "Exists", "effect": GPU_TAINT_EFFECT}],
        "containers": [container],
        "volumes": [
            {"name": "benchmark", "configMap": {"name": NAME}},
            {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "64Gi"}},
        ],
    }
    meta = {"name": NAME, "namespace": tenant, "labels": labels}
    return [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta,
            "spec": {
                "clusterIP": "None",
                "selector": labels,
                "ports": [{"name": "rendezvous", "port": PORT}],
            },
        },
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"allreduce.py": BENCHMARK}},
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {**meta, "labels": {**labels, QUEUE_NAME_LABEL: LOCAL_QUEUE}},
            "spec": {
                "completionMode": "Indexed",
                "completions": nodes,
                "parallelism": nodes,
                "backoffLimit": 0,
                "ttlSecondsAfterFinished": 3600,
                "template": {"metadata": {"labels": labels}, "spec": pod_spec},
            },
        },
    ]
