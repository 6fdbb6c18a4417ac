"""The input readers every rule relies on."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from lepton_infra.policy.pack import plain
from lepton_infra.policy.props import UNKNOWN, as_bool, as_int, as_mapping, dig, is_set, is_world, shown


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0", "0::0/0", "*", "Internet", "Any", " 0.0.0.0/0 "])
def test_world(cidr: str) -> None:
    assert is_world(cidr)


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "0.0.0.0/1", "203.0.113.0/24", "VirtualNetwork", None, 5])
def test_not_world(cidr: object) -> None:
    assert not is_world(cidr)


def test_readers() -> None:
    props = {"a": {"b": [{"c": "x"}]}, "n": None}
    assert dig(props, "a.b.0.c") == "x" and dig(props, "a.b.1.c", "d") == "d" and dig(props, "n", 3) == 3
    assert as_bool("true") is True and as_bool("False") is False and as_bool("yes") is None
    assert as_int(2.0) == 2 and as_int("3") == 3 and as_int(True) is None
    assert as_mapping('{"tags": {"a": "b"}}') == {"tags": {"a": "b"}} and as_mapping("{oops") == {}
    assert is_set(UNKNOWN) and not is_set("") and not is_set([])
    assert shown(22.0) == "22" and shown(None) == "unset" and shown("x") == "'x'"


def test_plain_unwraps_the_preview_proxy() -> None:
    proxied = unknown_checking_proxy(
        {"a": [{"k": UNKNOWN_STRING_VALUE}], "b": UNKNOWN_BOOLEAN_VALUE, "c": "v"}
    )
    assert plain(proxied) == {"a": [{"k": UNKNOWN}], "b": UNKNOWN, "c": "v"}
