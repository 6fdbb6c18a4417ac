"""Which autoscaler a service gets: decided from the spec alone, so the spec can tell which charts
(KEDA, its HTTP add-on) a platform will install before anything is created. Pure."""

from __future__ import annotations

from typing import Literal

Autoscaler = Literal["hpa", "keda", "keda-http"]


def autoscaler_for(min_replicas: int, metric: str = "requests_per_second") -> Autoscaler:
    """An HPA cannot go below one replica; scale to zero needs KEDA. On request rate, KEDA's HTTP add-on:
    a Prometheus trigger on the service's own request counter never fires at zero replicas (nothing
    serves, nothing counts), whereas the add-on's interceptor receives and counts the first request,
    holds it, and wakes the service. A queue's length is published by the queue, so it works at zero."""
    if min_replicas > 0:
        return "hpa"
    return "keda-http" if metric == "requests_per_second" else "keda"
