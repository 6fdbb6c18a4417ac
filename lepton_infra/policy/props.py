"""Reading resource inputs as the engine gives them: nested camelCase objects, strings for some
booleans and numbers, JSON strings for provider config, and values unknown during `pulumi preview`."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from typing import Any


class _Unknown:
    """A value `pulumi preview` cannot know yet (an output of another resource). The pack adapter puts
    it where the engine sent an unknown sentinel; the offline plan never has any."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return True  # a computed value was given: "is it set?" is yes


UNKNOWN: Any = _Unknown()
WORLD_CIDRS = frozenset({"0.0.0.0/0", "::/0"})


def dig(node: Any, path: str, default: Any = None) -> Any:
    """`dig(props, "vpcConfig.endpointPublicAccess")`; numeric parts index lists."""
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return default
    return default if node is None else node


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def is_set(value: Any) -> bool:
    """A non-empty value, or one only known after apply."""
    return value is UNKNOWN or value not in (None, "", [], {})


def as_bool(value: Any) -> bool | None:
    """Booleans as providers accept them (some inputs are strings: launch template `encrypted`)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def as_list(value: Any) -> list[Any]:
    if value is None or value is UNKNOWN:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def as_mapping(value: Any) -> Mapping[str, Any]:
    """Objects, or JSON strings of objects (provider inputs such as `defaultTags` arrive as JSON)."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value.startswith("{"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def is_world(cidr: Any) -> bool:
    """0.0.0.0/0 or ::/0 in any spelling ("0.0.0.0/0", "::/0", "0::0/0", "*", "Internet", "Any")."""
    if not isinstance(cidr, str):
        return False
    text = cidr.strip()
    if text in ("*", "Internet", "Any", "any", "internet"):
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def any_world(cidrs: Iterable[Any]) -> bool:
    """One of `cidrs` is the world, or together they are (`0.0.0.0/1` + `128.0.0.0/1`)."""
    listed = list(cidrs)
    if any(is_world(c) for c in listed):
        return True
    networks: dict[int, list[Any]] = {4: [], 6: []}
    for c in listed:
        try:
            net = ipaddress.ip_network(str(c).strip(), strict=False)
        except ValueError:
            continue
        networks[net.version].append(net)
    return any(
        any(n.prefixlen == 0 for n in ipaddress.collapse_addresses(nets))
        for nets in networks.values()
        if nets
    )


def shown(value: Any) -> str:
    """A value for a message: numbers as the user wrote them (the engine sends 22 as 22.0)."""
    if value is None:
        return "unset"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)
