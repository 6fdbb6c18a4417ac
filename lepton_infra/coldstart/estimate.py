"""Per service, the time from zero replicas to a ready replica, as a sum of named terms, each with the figure
and source it comes from (figures.yaml):

- node: a new node of the pool the replica lands on (0 when the pool keeps a node: min >= 1);
- gpu: the fresh GPU node's driver and device plugin until GPUs are allocatable;
- image: the image pulled (compressed size over the pull throughput), or streamed where the pool streams it;
- weights: the model read into the engine (size over the cache's throughput; `weights_to_load`);
- engine: the engine's own start until the readiness probe passes.

The terms run one after another (each waits for the one before), so the estimate is their sum. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lepton_infra.coldstart.figures import Figure, figure, node_pool_type
from lepton_infra.coldstart.weights import WeightsToLoad, weights_to_load
from lepton_infra.deploy.critical_path import durations
from lepton_infra.spec.image_streaming import image_streams, streams_images
from lepton_infra.spec.reserved_pools import scale_to_zero_pools
from lepton_infra.spec.served_model import container_image
from lepton_infra.spec.service_rules import hosting_pools

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec

TERMS = ("node", "gpu", "image", "weights", "engine")


@dataclass(frozen=True)
class Term:
    term: str  # one of TERMS
    seconds: float
    source: str  # where the figure comes from
    detail: str  # the arithmetic, or why the term is 0

    def to_json(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "seconds": self.seconds,
            "detail": self.detail,
            "source": self.source,
        }


@dataclass(frozen=True)
class ColdStart:
    service: str
    pool: str
    node_kept: bool
    terms: tuple[Term, ...]

    @property
    def seconds(self) -> float:
        return round(sum(t.seconds for t in self.terms), 1)

    @property
    def dominant(self) -> str:
        """The longest term (the first of equals, in TERMS order)."""
        return max(self.terms, key=lambda t: t.seconds).term

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "pool": self.pool,
            "node_kept": self.node_kept,
            "seconds": self.seconds,
            "minutes": round(self.seconds / 60, 2),
            "dominant": self.dominant,
            "terms": [t.to_json() for t in self.terms],
        }


def landing_pool(spec: PlatformSpec, svc: ServiceSpec) -> NodePoolSpec:
    """The pool the first replica lands on: one that keeps a node if any (no node to wait for), else the first
    of its pools in spec order (prod scale-to-zero services: the pools no kept-running service holds)."""
    names = scale_to_zero_pools(spec, svc)
    pools = [p for p in spec.node_pools if p.name in names] if names else hosting_pools(spec, svc)
    return next((p for p in pools if p.min >= 1), pools[0])


def _term(term: str, fig: Figure, seconds: float, detail: str) -> Term:
    return Term(term=term, seconds=round(seconds, 1), source=fig.source, detail=detail)


def node_term(spec: PlatformSpec, pool: NodePoolSpec) -> Term:
    row_type = node_pool_type(spec.cloud)
    row = durations()["types"][row_type]
    source = f"lepton_infra/deploy/durations.yaml {row_type}: {row['source']}"
    if pool.min >= 1:
        return Term("node", 0.0, source, f"pool {pool.name} keeps {pool.min} node(s) (min >= 1)")
    minutes = float(row["minutes"])
    return Term("node", round(minutes * 60, 1), source, f"pool {pool.name} at min 0: {minutes:g} min")


def gpu_term(spec: PlatformSpec, svc: ServiceSpec, kept: bool) -> Term:
    fig = figure("gpu_ready_seconds", spec.cloud)
    if svc.gpu is None:
        return _term("gpu", fig, 0, "CPU service")
    if kept:
        return _term("gpu", fig, 0, "the kept node's GPUs are already allocatable")
    return _term("gpu", fig, fig.value, f"fresh GPU node: {fig.value:g} s")


def image_term(spec: PlatformSpec, svc: ServiceSpec, pool: NodePoolSpec) -> Term:
    image = container_image(svc)
    if streams_images(spec, pool) and image_streams(image):
        fig = figure("streamed_pull_seconds", spec.cloud)
        return _term("image", fig, fig.value, f"pool {pool.name} streams the image: {fig.value:g} s")
    rate = figure("pull_mb_per_s")
    if svc.image_size_gb is None and svc.engine is not None:
        engine_size = figure("engine_image_size_gb", svc.engine.kind)
        size = engine_size.value
        said = f"{size:g} GB ({svc.engine.kind} image: {engine_size.source})"
    elif svc.image_size_gb is None:
        size = figure("default_image_size_gb").value
        said = f"{size:g} GB (default: {figure('default_image_size_gb').source})"
    else:
        size = svc.image_size_gb
        said = f"{size:g} GB (services[].image_size_gb)"
    return _term("image", rate, size * 1000 / rate.value, f"{said} / {rate.value:g} MB/s")


def weights_term(spec: PlatformSpec, weights: WeightsToLoad | None, kept: bool) -> Term:
    if weights is None:
        return Term("weights", 0.0, "weights_to_load: None", "no model declared (services[].model)")
    # A fresh node's NVMe cache is empty: its first read comes from the bucket. A hub download happens at
    # every replica start, kept node or not.
    kind = weights.cache_kind if kept or weights.cache_kind == "hub" else "bucket"
    fig = figure("weights_mb_per_s", spec.cloud, kind)
    seconds = weights.size_bytes / (fig.value * 1e6)
    gib = weights.size_bytes / 2**30
    filled = "" if kind == weights.cache_kind else f" (the {weights.cache_kind} cache is empty on a new node)"
    return _term("weights", fig, seconds, f"{gib:g} GiB from the {kind}{filled} / {fig.value:g} MB/s")


def engine_term(weights: WeightsToLoad | None) -> Term:
    kind = "container" if weights is None else "vllm"
    fig = figure("engine_start_seconds", kind)
    return _term("engine", fig, fig.value, f"{kind}: {fig.value:g} s")


def cold_start(spec: PlatformSpec, svc: ServiceSpec) -> ColdStart:
    pool = landing_pool(spec, svc)
    kept = pool.min >= 1
    weights = weights_to_load(spec, svc)
    terms = (
        node_term(spec, pool),
        gpu_term(spec, svc, kept),
        image_term(spec, svc, pool),
        weights_term(spec, weights, kept),
        engine_term(weights),
    )
    return ColdStart(service=svc.name, pool=pool.name, node_kept=kept, terms=terms)


def cold_starts(spec: PlatformSpec) -> list[ColdStart]:
    """Every service's estimate, in spec order."""
    return [cold_start(spec, svc) for svc in spec.services]
