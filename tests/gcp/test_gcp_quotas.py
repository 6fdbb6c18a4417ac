"""Which vCPU quota each catalog machine draws on (issue 24 item 2): every machine series the GCP catalog
offers has its row in `gcp/quotas.py`, so a new series is looked up rather than counted on CPUS."""

from __future__ import annotations

from lepton_infra.catalog import catalog
from lepton_infra.gcp.quotas import CPU_QUOTAS, machine_series


def test_every_catalog_machine_series_names_its_vcpu_quota() -> None:
    series = {machine_series(m.name) for m in catalog("gcp").machines}
    assert series == {"n1", "n2", "a2", "a3", "g2"}
    assert series <= set(CPU_QUOTAS)


def test_only_e2_and_n1_draw_on_cpus() -> None:
    # Compute Engine "Allocation quotas" (CPU quota): E2 and N1 on CPUS, every other series its own.
    assert {s for s, (metric, _, _) in CPU_QUOTAS.items() if metric == "CPUS"} == {"e2", "n1"}
    assert {s: CPU_QUOTAS[s][0] for s in ("n2", "a2", "a3", "g2")} == {
        "n2": "N2_CPUS",
        "a2": "A2_CPUS",
        "a3": "A3_CPUS",
        "g2": "G2_CPUS",
    }
