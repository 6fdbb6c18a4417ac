"""The cold-start estimate: per service, from zero replicas to ready, term by term with each figure's source
(figures.yaml). Pure: reads the spec, the catalog and the deploy model's durations, no provider SDK."""

from lepton_infra.coldstart.estimate import ColdStart, Term, cold_starts
from lepton_infra.coldstart.weights import WeightsToLoad, weights_to_load

__all__ = ["ColdStart", "Term", "WeightsToLoad", "cold_starts", "weights_to_load"]
