"""The lepton policy pack. Building `PolicyPack` starts the analyzer's gRPC server and blocks, so this
file does nothing else and nothing may import it: the rules live in `lepton_infra.policy`."""

import sys
from pathlib import Path

try:
    import lepton_infra.policy  # noqa: F401 - an installed lepton-infra wheel wins
except ModuleNotFoundError:
    # The pack runs from the repository: its rules are the repository's.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import PolicyPack

from lepton_infra.policy.pack import pack_arguments

PolicyPack(**pack_arguments())
