"""`ModelHydration`: a model revision copied once from the Hugging Face Hub into its tenant's prefix of the
model bucket, and the two volumes of that prefix (kubernetes/serving/model_mount.py): the replicas' read-only
one, and the hydration Job's writable one.

The Job (CPU only, in the tenant's namespace, queued through Kueue when jobs are on) runs the engine's own
pinned image, which carries the Hub client: vLLM 0.11.0 requires transformers>=4.55.2, which requires
huggingface-hub>=0.34.0,<1.0 (PyPI metadata of both, read 2026-12-08), whose `snapshot_download(repo_id,
revision=, local_dir=)` downloads one revision into a directory. It downloads into an emptyDir first and then
copies each file into the bucket mount in one sequential write (what Mountpoint supports: it writes new
files sequentially and does not rename into place), and writes the readiness marker last. A rerun finds the
marker and does nothing. Replicas wait for the marker in an init container before the engine starts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.identity import IdentityBinder
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.jobs.queues import LOCAL_QUEUE, QUEUE_NAME_LABEL
from lepton_infra.kubernetes.meta import TENANT_LABEL, common_labels
from lepton_infra.kubernetes.serving.model_mount import READY_MARKER, ModelMount, model_prefix
from lepton_infra.kubernetes.serving.workload import container_security_context, pod_security_context

HYDRATOR_SERVICE_ACCOUNT = "model-hydrator"
# Where the replicas mount the weights (the engine's `--model`), and the Job its writable volume.
WEIGHTS_PATH = "/weights"
BUCKET_PATH = "/bucket"
SCRATCH_PATH = "/scratch"
# The Job's size: a download and a file copy, network- and disk-bound. Requests equal limits.
HYDRATE_CPU = "2"
HYDRATE_MEMORY = "4Gi"
# A failed download or copy is retried this many times (each rerun starts over: the scratch is new).
HYDRATE_RETRIES = 4
# How often a replica's init container looks for the marker.
WAIT_POLL_SECONDS = 15

# Run by `python3 -c` in the engine's image; parameters come from the environment.
HYDRATE_SCRIPT = """\
import os, pathlib, shutil
from huggingface_hub import snapshot_download
target = pathlib.Path(os.environ["TARGET"])
marker = target / os.environ["READY_MARKER"]
if marker.exists():
    raise SystemExit(0)
local = os.environ["SCRATCH"] + "/model"
revision = os.environ["MODEL_REVISION"]
source = pathlib.Path(snapshot_download(os.environ["MODEL_SOURCE"], revision=revision, local_dir=local))
files = [p for p in source.rglob("*") if p.is_file() and ".cache" not in p.relative_to(source).parts]
for path in sorted(files):
    out = target / path.relative_to(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, out)
marker.write_text(revision + "\\n")
"""


def wait_for_weights_container(image: str) -> dict[str, Any]:
    """A replica's init container: wait until the hydration Job's marker is in the mounted prefix."""
    return {
        "name": "wait-for-weights",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": [
            "sh",
            "-c",
            f"until [ -f {WEIGHTS_PATH}/{READY_MARKER} ]; do "
            f'echo "waiting for {READY_MARKER}"; sleep {WAIT_POLL_SECONDS}; done',
        ],
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "50m", "memory": "64Mi"},
        },
        "securityContext": container_security_context(),
        "volumeMounts": [{"name": "weights", "mountPath": WEIGHTS_PATH, "readOnly": True}],
    }


def weights_volume(claim: str) -> dict[str, Any]:
    """A replica's volume of the model's read-only claim (`ModelMount.claim_name`), named as the init
    container mounts it."""
    return {"name": "weights", "persistentVolumeClaim": {"claimName": claim, "readOnly": True}}


def hydration_job_spec(
    writable: ModelMount, image: str, source: str, queued: bool, labels: dict[str, str]
) -> dict[str, Any]:
    """The Job's spec: download `source` at the mount's revision, copy it into the mount, marker last."""
    env = [
        {"name": "MODEL_SOURCE", "value": source},
        {"name": "MODEL_REVISION", "value": writable.revision},
        {"name": "TARGET", "value": BUCKET_PATH},
        {"name": "SCRATCH", "value": SCRATCH_PATH},
        {"name": "READY_MARKER", "value": READY_MARKER},
        {"name": "HOME", "value": "/tmp"},
        {"name": "HF_HOME", "value": f"{SCRATCH_PATH}/huggingface"},
        {"name": "HF_HUB_DISABLE_TELEMETRY", "value": "1"},
        # No Xet chunk cache beside the download (kubernetes/serving/engine.py says why).
        {"name": "HF_XET_CHUNK_CACHE_SIZE_BYTES", "value": "0"},
    ]
    amounts = {
        "cpu": HYDRATE_CPU,
        "memory": HYDRATE_MEMORY,
        "ephemeral-storage": f"{writable.cache_gib + 1}Gi",
    }
    return {
        "backoffLimit": HYDRATE_RETRIES,
        # Kueue unsuspends it when the tenant's queue admits it (its webhook suspends a labelled Job).
        "template": {
            "metadata": {"labels": {**labels, **({QUEUE_NAME_LABEL: LOCAL_QUEUE} if queued else {})}},
            "spec": {
                "serviceAccountName": HYDRATOR_SERVICE_ACCOUNT,
                "automountServiceAccountToken": False,
                "enableServiceLinks": False,
                "restartPolicy": "Never",
                "securityContext": pod_security_context(),
                "containers": [
                    {
                        "name": "hydrate",
                        "image": image,
                        "imagePullPolicy": "IfNotPresent",
                        "command": ["python3", "-c", HYDRATE_SCRIPT],
                        "env": env,
                        "resources": {"requests": dict(amounts), "limits": dict(amounts)},
                        "securityContext": container_security_context(),
                        "volumeMounts": [
                            {"name": "bucket", "mountPath": BUCKET_PATH},
                            {"name": "scratch", "mountPath": SCRATCH_PATH},
                            {"name": "tmp", "mountPath": "/tmp"},
                        ],
                    }
                ],
                "volumes": [
                    writable.pod_volume("bucket"),
                    {"name": "scratch", "emptyDir": {"sizeLimit": f"{writable.cache_gib}Gi"}},
                    {"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}},
                ],
            },
        },
    }


@dataclass
class ModelHydrationArgs(ComponentArgs):
    tenant: str
    """The tenant whose prefix holds the copy (`tenants/<tenant>/models/...`), whose namespace runs the
    Job."""
    namespace: pulumi.Input[str]
    """The tenant's namespace (`Tenant.namespace_name`)."""
    model: str
    """The model's name (`models[].name`): its directory under the tenant's `models/` prefix."""
    revision: str
    """The Hub commit copied (a full 40-hex hash, spec/model_rules.py): the directory under the model's."""
    source: str
    """The Hub repository id (`models[].source`)."""
    image: str
    """The engine's pinned image (spec/engines.py), which carries the Hub client and a shell."""
    bucket: pulumi.Input[str]
    """The model bucket's name (`ClusterHandle.model_bucket`)."""
    region: str
    """The bucket's region (`ClusterHandle.region`)."""
    driver: str
    """The bucket mount's CSI driver (`ModelStoreFacts.driver`)."""
    bind_writer: IdentityBinder
    """Gives the Job's service account the right to write the tenant's models' prefix
    (`ModelStoreFacts.bind_writer`)."""
    cache_gib: int
    """The weights plus headroom (`served_model.cache_gib`): the replicas' node-local cache and the Job's
    scratch."""
    queued: bool = False
    """Queue the Job through the tenant's Kueue LocalQueue (`jobs.enabled`). Default: False, runs at once."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What the volumes and the Job need first (the CSI driver, the namespace). Default: none."""
    job_depends_on: Sequence[pulumi.Resource] = ()
    """What only the Job needs first (Kueue, whose webhook must see a queued Job): the replicas wait for
    the volumes, not for these. Default: none."""

    def problems(self) -> Iterator[Problem]:
        if self.cache_gib < 1:
            yield Problem(
                "cache_gib", self.cache_gib, "no room for the weights", "pass the model's cache size"
            )


class ModelHydration(Component):
    TOKEN = "lepton:k8s:ModelHydration"

    def __init__(
        self, name: str, args: ModelHydrationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        labels = {**common_labels(f"model-{args.model}", "model-store"), TENANT_LABEL: args.tenant}

        def mount(writable: bool) -> ModelMount:
            return ModelMount(
                tenant=args.tenant,
                namespace=args.namespace,
                model=args.model,
                revision=args.revision,
                bucket=args.bucket,
                region=args.region,
                driver=args.driver,
                cache_gib=args.cache_gib,
                writable=writable,
            )

        self.serving_mount, self.writable_mount = mount(False), mount(True)
        needs = list(args.depends_on)
        claims: list[pulumi.Resource] = []
        for volume, suffix in ((self.serving_mount, "ro"), (self.writable_mount, "rw")):
            pv = k8s.core.v1.PersistentVolume(
                child_name(name, f"pv-{suffix}"),
                metadata=cast(Any, {**volume.persistent_volume()["metadata"], "labels": labels}),
                spec=cast(Any, volume.persistent_volume()["spec"]),
                opts=self.child_opts(depends_on=needs),
            )
            claim = volume.persistent_volume_claim()
            claims.append(
                k8s.core.v1.PersistentVolumeClaim(
                    child_name(name, f"pvc-{suffix}"),
                    metadata=cast(Any, {**claim["metadata"], "labels": labels}),
                    spec=cast(Any, claim["spec"]),
                    # Binds to its PV (named in `volumeName`, which names the claim back) once the PV exists.
                    opts=self.child_opts(depends_on=[*needs, pv]),
                )
            )
        self.serving_claim = claims[0]
        identity = args.bind_writer(
            child_name(name, "writer"),
            args.tenant,
            HYDRATOR_SERVICE_ACCOUNT,
            f"tenants/{args.tenant}/models/",
            self.child_opts(),
        )
        account = k8s.core.v1.ServiceAccount(
            child_name(name, "hydrator-sa"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=HYDRATOR_SERVICE_ACCOUNT,
                namespace=args.namespace,
                labels={**labels, **identity.labels},
                annotations=dict(identity.annotations),
            ),
            automount_service_account_token=False,
            opts=self.child_opts(depends_on=needs),
        )
        self.job = k8s.batch.v1.Job(
            child_name(name, "job"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=f"hydrate-{args.model}",
                namespace=args.namespace,
                labels=labels,
                # `up` does not wait for the download: the replicas wait for its marker themselves.
                annotations={"pulumi.com/skipAwait": "true"},
            ),
            spec=cast(
                Any,
                hydration_job_spec(
                    self.writable_mount,
                    args.image,
                    args.source,
                    args.queued,
                    {**labels, **identity.pod_labels},
                ),
            ),
            opts=self.child_opts(depends_on=[*needs, *args.job_depends_on, account, claims[1]]),
        )
        self.finish(
            {
                "prefix": model_prefix(args.tenant, args.model, args.revision),
                "claim": self.serving_mount.claim_name,
                "job": self.job.metadata.name,
            }
        )
