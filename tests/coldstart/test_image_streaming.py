"""Image streaming per pool (issue 30 item 4): on GKE a GPU pool hosting a service whose image GKE streams
(Artifact Registry, public Docker Hub) streams by default, with the pool's gcfsConfig, the Container File
System API and Service Usage Consumer on the node identity in the recorded plan, and the cold-start image
term drops to the streamed figure; the shipped GKE stacks (ghcr.io images) stream nothing. The
prerequisites are refused at spec time, naming the field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from lepton_infra.coldstart.section import cold_start_section
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.conftest import shipped_spec, spec_problems

POOL = "gcp:container/nodePool:NodePool"
SERVICE = "gcp:projects/service:Service"
IAM = "gcp:projects/iAMMember:IAMMember"
AR_IMAGE = (
    "us-central1-docker.pkg.dev/acme-ai-prod/acme/sentiment:1.4"
    "@sha256:a99a1825213dcccfeb4927e235bbcc8828c622f9542e027d169c9518eaa735cf"
)


def _gcp_prod_with_ar_sentiment() -> PlannedGraph:
    raw = copy.deepcopy(shipped_spec("gcp-prod"))
    raw["services"][0]["image"] = AR_IMAGE  # sentiment: l4 GPUs

    def program() -> None:
        import pulumi

        from lepton_infra.platform import build

        for key, value in build(PlatformSpec.from_dict(raw)).outputs.items():
            pulumi.export(key, value)

    return plan_program(
        program,
        {
            "lepton:platform": raw,
            "gcp:project": raw["gcp"]["project"],
            "gcp:region": raw["region"],
            "pulumi:disable-default-providers": ["*"],
        },
        project="lepton-platform",
        stack="gcp-prod",
    )


def _gcfs(graph: PlannedGraph) -> dict[str, Any]:
    return {
        r.inputs["name"]: (r.inputs.get("nodeConfig") or {}).get("gcfsConfig") for r in graph.of_type(POOL)
    }


def test_shipped_gke_stacks_stream_only_the_engine_pools(plan_stack, platform_dir: Path) -> None:
    """gcp-dev's images are on ghcr.io (not streamed): nothing streams. gcp-prod's chat runs vLLM's image
    from Docker Hub, which GKE streams: both L4 pools that can host it stream, and only they."""
    dev = plan_stack(platform_dir, "gcp-dev")
    assert set(_gcfs(dev).values()) == {None}
    assert "containerfilesystem.googleapis.com" not in {r.inputs["service"] for r in dev.of_type(SERVICE)}
    assert "roles/serviceusage.serviceUsageConsumer" not in {r.inputs["role"] for r in dev.of_type(IAM)}
    prod = plan_stack(platform_dir, "gcp-prod")
    assert _gcfs(prod) == {
        "h100": None,
        "l4": {"enabled": True},
        "l4-spot": {"enabled": True},
        "system": None,
    }
    assert "containerfilesystem.googleapis.com" in {r.inputs["service"] for r in prod.of_type(SERVICE)}
    assert "roles/serviceusage.serviceUsageConsumer" in {r.inputs["role"] for r in prod.of_type(IAM)}


def test_a_gke_gpu_pool_hosting_an_artifact_registry_image_streams() -> None:
    graph = _gcp_prod_with_ar_sentiment()
    # sentiment's l4 GPUs: both l4 pools host it; h100 hosts no service, system is a CPU pool.
    assert _gcfs(graph) == {
        "system": None,
        "h100": None,
        "l4": {"enabled": True},
        "l4-spot": {"enabled": True},
    }
    assert "containerfilesystem.googleapis.com" in {r.inputs["service"] for r in graph.of_type(SERVICE)}
    # GKE streams only on Container-Optimized OS with containerd: every streaming pool runs it.
    streaming = [
        r for r in graph.of_type(POOL) if (r.inputs["nodeConfig"].get("gcfsConfig") or {}).get("enabled")
    ]
    assert {r.inputs["nodeConfig"]["imageType"] for r in streaming} == {"COS_CONTAINERD"}
    # GKE's requirement for private nodes: Private Google Access on their subnet reaches streaming.
    subnets = graph.of_type("gcp:compute/subnetwork:Subnetwork")
    (subnet,) = [s for s in subnets if s.inputs.get("purpose") != "REGIONAL_MANAGED_PROXY"]  # the nodes'
    assert subnet.inputs["privateIpGoogleAccess"] is True
    streaming_role = [
        r for r in graph.of_type(IAM) if r.inputs["role"] == "roles/serviceusage.serviceUsageConsumer"
    ]
    assert len(streaming_role) == 1
    assert streaming_role[0].inputs["member"].startswith("serviceAccount:")
    section = cold_start_section(graph)
    assert section is not None
    (sentiment,) = [s for s in section["services"] if s["service"] == "sentiment"]
    image = sentiment["terms"][2]
    assert (image["term"], image["seconds"]) == ("image", 2.0)  # "a couple of seconds" (GKE blog)
    assert sentiment["seconds"] == 342.0  # 240 + 90 + 2 + 0 + 10
    (embeddings,) = [s for s in section["services"] if s["service"] == "embeddings"]
    assert embeddings["terms"][2]["seconds"] == 85.8  # ghcr.io: pulled whole on the streaming pool


def test_streaming_refused_on_eks_and_aks() -> None:
    for stack in ("aws-prod", "azure-prod"):
        raw = shipped_spec(stack)
        raw["node_pools"][2]["image_streaming"] = True
        problems = spec_problems(raw)
        assert list(problems) == ["node_pools[2].image_streaming"], (stack, problems)
    aws = shipped_spec("aws-prod")
    aws["node_pools"][2]["image_streaming"] = True
    assert "FastImagePull" in spec_problems(aws)["node_pools[2].image_streaming"]
    azure = shipped_spec("azure-prod")
    azure["node_pools"][2]["image_streaming"] = True
    assert "2025-09-01" in spec_problems(azure)["node_pools[2].image_streaming"]


def test_streaming_on_gke_refused_for_an_image_gke_does_not_stream() -> None:
    raw = shipped_spec("gcp-prod")
    raw["node_pools"][3]["image_streaming"] = True  # l4-spot hosts sentiment, a ghcr.io image
    problems = spec_problems(raw)
    assert list(problems) == ["node_pools[3].image_streaming"]
    assert "services[0].image" in problems["node_pools[3].image_streaming"]
    raw["services"][0]["image"] = AR_IMAGE
    raw["services"][1]["image"] = AR_IMAGE.replace("sentiment", "embeddings")
    assert spec_problems(raw) == {}


def test_streaming_off_is_accepted_everywhere() -> None:
    for stack in ("aws-prod", "gcp-prod", "azure-prod"):
        raw = shipped_spec(stack)
        raw["node_pools"][2]["image_streaming"] = False
        assert spec_problems(raw) == {}, stack
