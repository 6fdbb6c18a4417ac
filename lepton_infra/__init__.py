"""lepton-infra: a GPU-ready AI platform on AWS, GCP or Azure from one typed spec, built on Pulumi."""

__version__ = "0.1.0"
