"""The plain-Python centre: errors, naming, tagging, the component base and cloud dispatch.

Imports no provider SDK (pulumi itself only), so every layer can use it.
"""

from lepton_infra.core.errors import Problem, SpecError

__all__ = ["Problem", "SpecError"]
