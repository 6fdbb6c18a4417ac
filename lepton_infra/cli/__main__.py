"""`python -m lepton_infra.cli`: the `lepton-infra` command."""

from lepton_infra.cli.commands import main

main()
