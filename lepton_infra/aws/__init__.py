"""AWS components (`lepton:aws:*`): the GPU platform on EKS."""
