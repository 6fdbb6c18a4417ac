"""Reading the package's own YAML tables (versions, prices, permissions, catalog, durations).

With libyaml's parser when PyYAML was built with it (the wheels on PyPI are): the same safe
constructors, several times faster than the pure-Python parser; the permission tables alone are
70 KB read on every plan. plan/ keeps its own loaders (stack files, and the replacement table `diff`
reads once): it imports nothing else of the package (tests/unit/test_walls.py).
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_table(text: str) -> Any:
    """The document in `text`, parsed as `yaml.safe_load` parses it."""
    return yaml.load(text, Loader=_LOADER)
