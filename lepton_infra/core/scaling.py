"""Which autoscaler a service gets: decided from the spec alone, so the spec can tell which charts
(KEDA, its HTTP add-on) a platform will install before anything is created. Pure."""

from __future__ import annotations

from typing import Literal

Autoscaler = Literal["keda", "keda-http"]


def autoscaler_for(min_replicas: int, metric: str = "requests_per_second") -> Autoscaler:
    """Every service scales on its `scaling.metric` through KEDA (a plain HPA scales on CPU only, which a
    GPU-bound server never fills). At zero replicas on request rate, KEDA's HTTP add-on: a Prometheus
    trigger on the service's own request counter never fires at zero replicas (nothing serves, nothing
    counts), whereas the add-on's interceptor receives and counts the first request, holds it, and wakes
    the service. From one replica up, the service counts its own requests; a queue's length is published
    by the queue, so it works at zero too: a ScaledObject with a Prometheus trigger (and, with replicas
    kept running, a CPU trigger beside it)."""
    if min_replicas == 0 and metric == "requests_per_second":
        return "keda-http"
    return "keda"
