"""GCP components (`lepton:gcp:*`): the GPU platform on GKE."""
