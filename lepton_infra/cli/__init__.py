"""The `lepton-infra` command (`commands.py`), the checks on its options before a plan runs (`checks.py`)
and the analyses it fills a plan report with (`analysis.py`; the Kubernetes support section in
`version_report.py`)."""

from lepton_infra.cli.commands import app, build_report, main

__all__ = ["app", "build_report", "main"]
