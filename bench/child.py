"""One measured process: plan a stack, or run its floor. Prints a JSON line with time and peak RSS.

The floor imports the same SDK modules the stack's plan imported and registers the same number of bare
resources under the same engine and mocks: the cost no plan of that size can beat.
"""

from __future__ import annotations

import json
import resource
import sys
import time

START = time.perf_counter()


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plan(stack_dir: str, stack: str) -> dict:
    from lepton_infra.cli import build_report
    from lepton_infra.plan import plan_stack
    from lepton_infra.plan.engine import one_shot_process

    one_shot_process()  # as the CLI's main does

    report = build_report(plan_stack(stack_dir, stack))
    sdk_modules = sorted(
        m
        for m in sys.modules
        if m.startswith(("pulumi_", "pulumi."))
        and "." in m
        and m.split(".")[0] in {"pulumi_aws", "pulumi_gcp", "pulumi_kubernetes", "pulumi_azure_native"}
    )
    return {
        "resources": len(report.graph.managed),
        "modules": sdk_modules,
        "critical_path_minutes": report.deploy["critical_path_minutes"],
        "parallelism": report.deploy["parallelism"],
        "monthly_usd_idle": report.cost["monthly_usd_idle"],
        "monthly_usd_max": report.cost["monthly_usd_max"],
    }


def floor(modules: list[str], count: int) -> dict:
    import importlib

    import pulumi

    from lepton_infra.plan import plan_program
    from lepton_infra.plan.engine import one_shot_process

    one_shot_process()  # measured like the plan it is the floor of

    for name in modules:  # exactly the SDK modules the plan loaded (lazy submodules included)
        importlib.import_module(name)

    def program() -> None:
        for i in range(count):
            pulumi.CustomResource("bench:index:Bare", f"r{i}", {"index": i})

    graph = plan_program(program)
    return {"resources": len(graph.managed), "modules": modules}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "plan":
        result = plan(sys.argv[2], sys.argv[3])
    else:
        spec = json.loads(sys.argv[2])
        result = floor(spec["modules"], spec["count"])
    result.update({"seconds": time.perf_counter() - START, "peak_rss_mib": _peak_rss_mib()})
    print(json.dumps(result))
