"""The cloud capacity quota a platform needs with every node pool at its max: what to request before the
first scale-up (a fresh account's GPU quota is small, often 0, and the autoscaler then fails quietly at
scale-up time). Each cloud computes its own (aws/, gcp/, azure/ `quotas.py`); the stack exports them as
`quota_to_request`, which `lepton-infra plan` prints and puts in its JSON. No provider SDK here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuotaNeed:
    quota: str  # the cloud's name for it, as its console shows it
    code: str  # AWS quota code, GCP Cloud Quotas quota id, Azure usage name
    amount: int
    unit: str  # "vCPUs", "GPUs", "GB"
    region: str
    pools: tuple[str, ...]  # the spec's pools that draw on it
    dimensions: Mapping[str, str] = field(default_factory=dict)  # GCP: e.g. {"gpu_family": "NVIDIA_H100"}
    # The code was read in the cloud's own listings, so a request resource may name it (see docs per cloud).
    requestable: bool = False

    def output(self) -> dict[str, object]:
        out: dict[str, object] = {
            "quota": self.quota,
            "code": self.code,
            "amount": self.amount,
            "unit": self.unit,
            "region": self.region,
            "pools": list(self.pools),
        }
        if self.dimensions:
            out["dimensions"] = dict(self.dimensions)
        return out


def merged(needs: Iterable[QuotaNeed]) -> list[QuotaNeed]:
    """One entry per quota (code and dimensions), amounts and pools summed, in a stable order."""
    by_key: dict[tuple[str, tuple[tuple[str, str], ...]], QuotaNeed] = {}
    for need in needs:
        key = (need.code, tuple(sorted(need.dimensions.items())))
        seen = by_key.get(key)
        by_key[key] = (
            need
            if seen is None
            else QuotaNeed(
                seen.quota,
                seen.code,
                seen.amount + need.amount,
                seen.unit,
                seen.region,
                (*seen.pools, *need.pools),
                seen.dimensions,
                seen.requestable,
            )
        )
    return sorted(by_key.values(), key=lambda n: (n.unit, n.quota))
