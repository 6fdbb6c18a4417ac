"""Deploy-time estimate of a first `pulumi up`: critical path, total work and parallelism."""

from lepton_infra.deploy.critical_path import DeployEstimate, critical_path, estimate_deploy

__all__ = ["DeployEstimate", "critical_path", "estimate_deploy"]
