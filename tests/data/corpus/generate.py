# ruff: noqa: E501  (one case per line reads better than wrapped tables)
"""Writes the malformed-input corpus: `python -m tests.data.corpus.generate` (from the repository root).

Every case is one file, read by tests/cli/test_corpus.py; its first lines say what it is and what the
CLI must answer:

    # case: services[0].cpu given a list
    # expect: 2 services[0].cpu          (exit code, then a text the output must hold)

- `stack/`: a `Pulumi.t.yaml`, planned with the platform's program (`__main__.py`);
- `project/`: a `Pulumi.yaml`, with the smallest valid stack beside it;
- `policy/`: a `--policy-config` file, with the shipped aws-dev stack.

The expectations come from the spec's contract (the types and rules its reference documents), never from
running the code; a case the CLI answers otherwise is a bug, or a case to correct here by hand. Files are
written once and committed: the corpus is data, this script only keeps it easy to extend.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from lepton_infra.spec.reference import MINIMAL_SPEC

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SHIPPED = REPO / "stacks" / "platform"


def _shipped(stack: str) -> dict[str, Any]:
    return yaml.safe_load((SHIPPED / f"Pulumi.{stack}.yaml").read_text())["config"]


# The reference's smallest spec (docs/spec-reference.md), with the provider's region.
MINIMAL = {"aws:region": "us-east-1", "lepton:platform": MINIMAL_SPEC}


def _path_text(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _set(config: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(config)
    node = out["lepton:platform"]
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, value) for every place in the spec, containers included."""
    out = [(path, node)] if path else []
    if isinstance(node, dict) and not (path and path[-1] in ("tags", "labels")):
        for key, value in node.items():
            out += _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _leaves(value, (*path, i))
    return out


# Fields whose value is a float (a fraction is fine there) and maps of free keys.
_FLOATS = {"monthly_usd", "target"}
_MAPS = {"tags", "labels", "tenant_admin_roles"}


def _type_mutations(path: tuple[Any, ...], value: Any) -> list[tuple[str, Any]]:
    """Values of the wrong kind for the place (what the spec's types refuse whatever the field)."""
    if isinstance(value, bool):
        return [("a word", "maybe"), ("a list", [True]), ("a mapping", {"a": 1}), ("the number 2", 2)]
    if isinstance(value, int):
        out = [("a word", "lots"), ("a list", [value]), ("a mapping", {"a": value}), ("a boolean", True)]
        if path[-1] not in _FLOATS:
            out.append(("a fraction", value + 0.5))
        return out
    if isinstance(value, str):
        return [("a list", [value]), ("a mapping", {"a": value}), ("a boolean", True), ("a number", 123)]
    if isinstance(value, list):
        return [("a word", "x"), ("a mapping", {"a": 1}), ("a number", 5)]
    if isinstance(value, dict) and path[-1] in _MAPS:
        return [("a list", ["a"]), ("a word", "x"), ("a nested mapping", {"k": {"a": 1}})]
    if isinstance(value, dict):
        return [
            ("a word", "x"),
            ("a list", [1]),
            ("a number", 5),
            ("an unknown field", {**value, "bogus": 1}),
        ]
    return []


def _header(case: str, code: int, needle: str) -> str:
    return f"# case: {case}\n# expect: {code} {needle}\n"


def _stack_text(config: dict[str, Any]) -> str:
    return yaml.safe_dump({"config": config}, sort_keys=False, allow_unicode=True, width=200)


def type_cases() -> list[tuple[str, str, str]]:
    """(name, case, file text) of every wrong-kind value at every place of the three dev stacks."""
    out = []
    for stack in ("aws-dev", "gcp-dev", "azure-dev"):
        config = _shipped(stack)
        for path, value in _leaves(config["lepton:platform"]):
            where = _path_text(path)
            if path[0] in ("tags",) and len(path) > 1:
                continue
            if stack != "aws-dev" and path[0] not in ("gcp", "azure", "node_pools", "tenants", "cloud"):
                continue  # the other places read the same on every cloud: aws-dev has them
            for what, bad in _type_mutations(path, value):
                needle = f"{where}.bogus" if what == "an unknown field" else where
                if "authorized_networks[" in where:  # a network not given as text names the list
                    needle = where.split("[")[0]
                text = _header(f"{stack}: {where} given {what}", 2, needle) + _stack_text(
                    _set(config, path, bad)
                )
                out.append((f"{stack}-{where}-{what}".replace(" ", "-"), f"{where} {what}", text))
    return out


def _sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


AWS_TEXT = (SHIPPED / "Pulumi.aws-dev.yaml").read_text()

# (name, case, expected exit, needle, stack-file text): the file's YAML itself is malformed or holds
# what Pulumi's reader would mangle.
YAML_CASES: list[tuple[str, str, int, str, str]] = [
    (
        "unclosed-flow-mapping",
        "an unclosed {",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "min: 1, max: 3}", "min: 1, max: 3"),
    ),
    (
        "unclosed-flow-list",
        "an unclosed [",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "[203.0.113.0/24]", "[203.0.113.0/24"),
    ),
    (
        "tab-indent",
        "a tab for indentation",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "    name: acme-ai", "\tname: acme-ai"),
    ),
    (
        "bad-indent",
        "a key indented off its mapping",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "    environment: dev", "       environment: dev"),
    ),
    ("duplicate-top-key", "config given twice", 2, "key given twice", AWS_TEXT + "config: {}\n"),
    (
        "duplicate-spec-key",
        "environment given twice",
        2,
        "key given twice",
        _sub(AWS_TEXT, "    environment: dev\n", "    environment: dev\n    environment: prod\n"),
    ),
    (
        "duplicate-flow-key",
        "min given twice in a pool",
        2,
        "key given twice",
        _sub(AWS_TEXT, "min: 1, max: 3}", "min: 1, max: 3, min: 2}"),
    ),
    (
        "undefined-alias",
        "an alias to no anchor",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "environment: dev", "environment: *env"),
    ),
    ("binary", "a !!binary value", 2, "!!binary", _sub(AWS_TEXT, "team: ml-platform", "team: !!binary bWw=")),
    ("set", "a !!set value", 2, "!!set", _sub(AWS_TEXT, "team: ml-platform", "team: !!set {a}")),
    (
        "python-tag",
        "a python object tag",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "team: ml-platform", "team: !!python/object:os.system x"),
    ),
    (
        "custom-tag",
        "an unknown tag",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "team: ml-platform", "team: !vault ml"),
    ),
    (
        "timestamp-tag",
        "a !!timestamp value",
        2,
        "!!timestamp",
        _sub(AWS_TEXT, "team: ml-platform", "team: !!timestamp 2025-01-01"),
    ),
    (
        "date-in-tags",
        "an unquoted date in tags",
        2,
        "an unquoted date",
        _sub(AWS_TEXT, 'cost-center: "1234"', 'cost-center: "1234", expires: 2025-12-31'),
    ),
    (
        "date-as-name",
        "an unquoted date as the name",
        2,
        "an unquoted date",
        _sub(AWS_TEXT, "name: acme-ai", "name: 2025-12-31"),
    ),
    (
        "datetime-as-region",
        "an unquoted date-time",
        2,
        "an unquoted date",
        _sub(AWS_TEXT, "aws:region: us-east-1", "aws:region: 2025-12-31T10:00:00Z"),
    ),
    (
        "date-spaced",
        "a date and time with a space",
        2,
        "an unquoted date",
        _sub(AWS_TEXT, "team: ml-platform", "team: 2025-12-31 10:00:00"),
    ),
    (
        "nan",
        "NaN as a budget",
        2,
        "infinity and NaN",
        _sub(AWS_TEXT, "monthly_usd: 5000", "monthly_usd: .nan"),
    ),
    (
        "inf",
        "infinity as a budget",
        2,
        "infinity and NaN",
        _sub(AWS_TEXT, "monthly_usd: 5000", "monthly_usd: .inf"),
    ),
    ("minus-inf", "minus infinity as a max", 2, "infinity and NaN", _sub(AWS_TEXT, "max: 3}", "max: -.inf}")),
    ("two-documents", "two YAML documents", 2, "malformed YAML", AWS_TEXT + "---\nconfig: {}\n"),
    ("scalar-document", "a scalar document", 2, "a stack file must be a mapping", "just text\n"),
    ("list-document", "a list document", 2, "a stack file must be a mapping", "- config\n- x\n"),
    ("nul-byte", "a NUL character", 2, "malformed YAML", _sub(AWS_TEXT, "acme-ai", "acme\x00ai")),
    (
        "colon-in-plain",
        "a colon and space inside a plain value",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "name: acme-ai", "name: acme: ai"),
    ),
    (
        "unterminated-quote",
        "an unterminated quote",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, 'cost-center: "1234"', 'cost-center: "1234'),
    ),
    (
        "deep-nesting",
        "nesting thousands of levels deep",
        2,
        "malformed YAML",
        "config: " + "[" * 3000 + "]" * 3000 + "\n",
    ),
    (
        "merge-of-scalar",
        "a merge key of a scalar",
        2,
        "malformed YAML",
        _sub(AWS_TEXT, "    name: acme-ai\n", "    <<: 5\n    name: acme-ai\n"),
    ),
    (
        "cost-center-octal",
        "cost-center 0123 (octal to YAML)",
        2,
        "write it quoted: '0123'",
        _sub(AWS_TEXT, 'cost-center: "1234"', "cost-center: 0123"),
    ),
    (
        "cost-center-exp",
        "cost-center 1e3 (a float to YAML 1.2)",
        2,
        "write it quoted: '1e3'",
        _sub(AWS_TEXT, 'cost-center: "1234"', "cost-center: 1e3"),
    ),
    (
        "cost-center-hex",
        "cost-center 0x1F",
        2,
        "write it quoted: '0x1F'",
        _sub(AWS_TEXT, 'cost-center: "1234"', "cost-center: 0x1F"),
    ),
    (
        "cost-center-underscore",
        "cost-center 1_234",
        2,
        "write it quoted: '1_234'",
        _sub(AWS_TEXT, 'cost-center: "1234"', "cost-center: 1_234"),
    ),
    (
        "cost-center-bool",
        "cost-center true",
        2,
        "tags.cost-center",
        _sub(AWS_TEXT, 'cost-center: "1234"', "cost-center: true"),
    ),
    (
        "version-float",
        "version 1.30 unquoted",
        2,
        "cluster.version",
        _sub(AWS_TEXT, 'version: "1.35"', "version: 1.30"),
    ),
    (
        "version-int",
        "version 1 unquoted",
        2,
        "cluster.version",
        _sub(AWS_TEXT, 'version: "1.35"', "version: 1"),
    ),
    (
        "region-number",
        "the provider region a number",
        2,
        "region",
        _sub(AWS_TEXT, "aws:region: us-east-1", "aws:region: 5"),
    ),
]

CONFIG_CASES: list[tuple[str, str, int, str, str]] = [
    ("config-list", "config a list", 2, "a stack's config must be a mapping", "config: [a, b]\n"),
    ("config-string", "config a word", 2, "a stack's config must be a mapping", "config: hello\n"),
    ("config-number", "config a number", 2, "a stack's config must be a mapping", "config: 5\n"),
    ("config-empty", "config empty: no platform", 2, "lepton:platform", "config: {}\n"),
    ("no-config", "no config at all", 2, "lepton:platform", "secretsprovider: passphrase\n"),
    ("empty-file", "an empty file", 2, "lepton:platform", ""),
    ("platform-list", "lepton:platform a list", 2, "must be a mapping", "config:\n  lepton:platform: [a]\n"),
    ("platform-string", "lepton:platform a word", 2, "lepton:platform", "config:\n  lepton:platform: acme\n"),
    ("platform-null", "lepton:platform null", 2, "lepton:platform", "config:\n  lepton:platform:\n"),
    ("platform-number", "lepton:platform a number", 2, "lepton:platform", "config:\n  lepton:platform: 5\n"),
    (
        "key-four-parts",
        "a config key a:b:c:d",
        2,
        "not a config key",
        _sub(AWS_TEXT, "  aws:region:", "  a:b:c:d: x\n  aws:region:"),
    ),
    (
        "key-empty-namespace",
        "a config key :x",
        2,
        "not a config key",
        _sub(AWS_TEXT, "  aws:region:", "  ':x': y\n  aws:region:"),
    ),
    (
        "key-three-parts",
        "a config key a:b:c",
        2,
        "not a config key",
        _sub(AWS_TEXT, "  aws:region:", "  a:b:c: x\n  aws:region:"),
    ),
    (
        "region-contradicts",
        "aws:region contradicts the spec",
        2,
        "aws:region",
        _sub(AWS_TEXT, "aws:region: us-east-1", "aws:region: eu-west-1"),
    ),
    (
        "policy-not-mapping",
        "lepton:policy a list",
        2,
        "lepton:policy",
        _sub(AWS_TEXT, "  aws:region:", "  lepton:policy: [a]\n  aws:region:"),
    ),
    (
        "policy-unknown-rule",
        "lepton:policy names no rule",
        2,
        "no-such-rule",
        _sub(AWS_TEXT, "  aws:region:", "  lepton:policy: {no-such-rule: advisory}\n  aws:region:"),
    ),
]


def _nets(count: int) -> list[str]:
    return [f"203.{i // 256}.{i % 256}.0/24" for i in range(count)]


A, G, Z = _shipped("aws-dev"), _shipped("gcp-dev"), _shipped("azure-dev")
AP = _shipped("aws-prod")

# (name, case, config, needle): specs every value of which has the right kind, refused by a rule the
# reference documents (field descriptions, spec/rules.py and the clouds' limits).
RULE_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("pool-min-above-max", "min above max", _set(A, ("node_pools", 0, "min"), 5), "node_pools[0].min"),
    ("pool-negative-min", "a negative min", _set(A, ("node_pools", 1, "min"), -1), "node_pools[1].min"),
    ("pool-max-zero", "max 0", _set(A, ("node_pools", 0, "max"), 0), "node_pools[0].max"),
    (
        "pool-desired-outside",
        "desired above max",
        _set(A, ("node_pools", 0, "desired"), 9),
        "node_pools[0].desired",
    ),
    ("pool-spot-min", "a spot pool with min 1", _set(A, ("node_pools", 1, "min"), 1), "node_pools[1].min"),
    (
        "pool-name-upper",
        "a pool name in capitals",
        _set(A, ("node_pools", 0, "name"), "System"),
        "node_pools[0].name",
    ),
    (
        "pool-name-underscore",
        "a pool name with _",
        _set(A, ("node_pools", 0, "name"), "sys_pool"),
        "node_pools[0].name",
    ),
    (
        "pool-name-long",
        "a pool name of 70 characters",
        _set(A, ("node_pools", 0, "name"), "p" * 70),
        "node_pools[0].name",
    ),
    (
        "pool-name-dup",
        "two pools named system",
        _set(A, ("node_pools", 1, "name"), "system"),
        "node_pools[1].name",
    ),
    (
        "pool-gpu-unknown",
        "an unknown GPU",
        _set(A, ("node_pools", 1, "gpu", "type"), "b300"),
        "node_pools[1].gpu.type",
    ),
    (
        "pool-gpu-count-3",
        "3 GPUs per node",
        _set(A, ("node_pools", 1, "gpu", "count"), 3),
        "node_pools[1].gpu",
    ),
    (
        "pool-gpu-count-0",
        "0 GPUs per node",
        _set(A, ("node_pools", 1, "gpu", "count"), 0),
        "node_pools[1].gpu.count",
    ),
    (
        "pool-gpu-count-17",
        "17 GPUs per node",
        _set(A, ("node_pools", 1, "gpu", "count"), 17),
        "node_pools[1].gpu.count",
    ),
    (
        "pool-cpu-class",
        "an unknown CPU class",
        _set(A, ("node_pools", 0, "cpu"), "standard-3"),
        "node_pools[0].cpu",
    ),
    (
        "pool-machine-type",
        "a machine type with another GPU",
        _set(A, ("node_pools", 1, "machine_type"), "p5.48xlarge"),
        "node_pools[1].machine_type",
    ),
    ("pool-disk-small", "a 10 GiB disk", _set(A, ("node_pools", 0, "disk_gb"), 10), "node_pools[0].disk_gb"),
    (
        "pool-label-reserved",
        "a kubernetes.io label",
        _set(A, ("node_pools", 0, "labels"), {"kubernetes.io/role": "x"}),
        "node_pools[0].labels",
    ),
    (
        "pool-label-bad",
        "a label key with a space",
        _set(A, ("node_pools", 0, "labels"), {"bad key": "x"}),
        "node_pools[0].labels",
    ),
    (
        "no-system-pool",
        "only a GPU pool",
        _set(A, ("node_pools",), [A["lepton:platform"]["node_pools"][1]]),
        "node_pools",
    ),
    ("no-pools", "no pools", _set(A, ("node_pools",), []), "node_pools"),
    ("name-short", "a two-letter platform name", _set(A, ("name",), "ai"), "name"),
    ("name-long", "a 25-letter platform name", _set(A, ("name",), "a" * 25), "name"),
    ("name-upper", "a platform name in capitals", _set(A, ("name",), "Acme-AI"), "name"),
    ("env-unknown", "environment production", _set(A, ("environment",), "production"), "environment"),
    ("cloud-unknown", "cloud oci", _set(A, ("cloud",), "oci"), "cloud"),
    ("region-unknown", "region mars-1", _set(A, ("region",), "mars-1"), "region"),
    ("cidr-public", "a public VPC range", _set(A, ("network", "cidr"), "8.8.0.0/16"), "network.cidr"),
    ("cidr-small", "a /24 VPC", _set(A, ("network", "cidr"), "10.1.0.0/24"), "network.cidr"),
    (
        "cidr-host-bits",
        "a range with host bits set",
        _set(A, ("network", "cidr"), "10.40.0.1/16"),
        "network.cidr",
    ),
    ("cidr-garbage", "a range that is no CIDR", _set(A, ("network", "cidr"), "10.40.0.0/33"), "network.cidr"),
    (
        "service-cidr-overlap",
        "services overlapping the VPC",
        _set(A, ("network", "service_cidr"), "10.40.0.0/20"),
        "network.service_cidr",
    ),
    ("zones-one", "one zone", _set(A, ("network", "zones"), 1), "network.zones"),
    ("zones-nine", "nine zones", _set(A, ("network", "zones"), 9), "network.zones"),
    ("nat-unknown", "nat every-zone", _set(A, ("network", "nat"), "every-zone"), "network.nat"),
    (
        "domain-upper",
        "a domain in capitals",
        _set(A, ("network", "domain"), "Dev.Acme.Dev"),
        "network.domain",
    ),
    ("domain-one-label", "a one-label domain", _set(A, ("network", "domain"), "acme"), "network.domain"),
    ("domain-apex", "an apex domain", _set(A, ("network", "domain"), "acme.dev"), "network.domain"),
    (
        "acme-no-email",
        "ACME without an e-mail",
        _set(A, ("network", "acme_email"), None),
        "network.acme_email",
    ),
    (
        "acme-bad-email",
        "ACME with a bad e-mail",
        _set(A, ("network", "acme_email"), "certs-at-acme"),
        "network.acme_email",
    ),
    (
        "issuer-unknown",
        "tls_issuer letsencrypt",
        _set(A, ("network", "tls_issuer"), "letsencrypt"),
        "network.tls_issuer",
    ),
    (
        "flow-days-2",
        "flow logs kept 2 days on AWS",
        _set(A, ("network", "flow_log_retention_days"), 2),
        "network.flow_log_retention_days",
    ),
    (
        "endpoint-open",
        "the API open to 0.0.0.0/0",
        _set(A, ("cluster", "authorized_networks"), ["0.0.0.0/0"]),
        "cluster.authorized_networks[0]",
    ),
    (
        "endpoint-halves",
        "the API open in two halves",
        _set(A, ("cluster", "authorized_networks"), ["0.0.0.0/1", "128.0.0.0/1"]),
        "cluster.authorized_networks",
    ),
    (
        "endpoint-quarters",
        "the API open in four quarters",
        _set(
            A, ("cluster", "authorized_networks"), ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]
        ),
        "cluster.authorized_networks",
    ),
    (
        "endpoint-none",
        "a public endpoint with no networks",
        _set(A, ("cluster", "authorized_networks"), []),
        "cluster.authorized_networks",
    ),
    (
        "endpoint-private-none",
        "a private EKS endpoint with no networks: only the nodes reach it",
        _set(A, ("cluster",), {"endpoint": "private"}),
        "cluster.authorized_networks",
    ),
    (
        "endpoint-private-unrouted",
        "a private EKS endpoint, its runner outside the VPC and no transit gateway",
        _set(A, ("cluster",), {"endpoint": "private", "authorized_networks": ["10.0.8.0/24"]}),
        "cluster.authorized_networks[0]",
    ),
    (
        "endpoint-41",
        "41 networks on EKS",
        _set(A, ("cluster", "authorized_networks"), _nets(41)),
        "cluster.authorized_networks",
    ),
    (
        "endpoint-gke-51",
        "51 networks on GKE",
        _set(G, ("cluster", "authorized_networks"), _nets(51)),
        "cluster.authorized_networks",
    ),
    (
        "endpoint-aks-2001",
        "2001 networks on AKS",
        _set(Z, ("cluster", "authorized_networks"), _nets(2001)),
        "cluster.authorized_networks",
    ),
    (
        "endpoint-number",
        "a network given as a number",
        _set(A, ("cluster", "authorized_networks"), [123]),
        "cluster.authorized_networks",
    ),
    (
        "endpoint-unknown",
        "endpoint internal",
        _set(A, ("cluster", "endpoint"), "internal"),
        "cluster.endpoint",
    ),
    ("version-old", "Kubernetes 1.20", _set(A, ("cluster", "version"), "1.20"), "cluster.version"),
    ("version-future", "Kubernetes 1.99", _set(A, ("cluster", "version"), "1.99"), "cluster.version"),
    ("version-patch", "a patch version 1.35.2", _set(A, ("cluster", "version"), "1.35.2"), "cluster.version"),
    ("support-unknown", "support premium", _set(A, ("cluster", "support"), "premium"), "cluster.support"),
    (
        "tenant-dup",
        "two tenants named research",
        _set(A, ("tenants",), [{"name": "research", "gpu_quota": 4}, {"name": "research"}]),
        "tenants[1].name",
    ),
    (
        "tenant-reserved",
        "a tenant named kube-system",
        _set(A, ("tenants", 0, "name"), "kube-system"),
        "tenants[0].name",
    ),
    (
        "tenant-reserved-2",
        "a tenant named monitoring",
        _set(A, ("tenants", 0, "name"), "monitoring"),
        "tenants[0].name",
    ),
    (
        "tenant-quota-over",
        "GPU quotas above the pools' capacity",
        _set(A, ("tenants", 0, "gpu_quota"), 99),
        "tenants[*].gpu_quota",
    ),
    ("tenant-pods-0", "a tenant with 0 pods", _set(A, ("tenants", 0, "pods"), 0), "tenants[0].pods"),
    (
        "tenant-pod-security",
        "pod_security privileged",
        _set(A, ("tenants", 0, "pod_security"), "privileged"),
        "tenants[0].pod_security",
    ),
    (
        "tenant-cpu-quota-unit",
        "a cpu quota in cores",
        _set(A, ("tenants", 0, "cpu_quota"), "4 cores"),
        "tenants[0].cpu_quota",
    ),
    (
        "tenant-admin-blank",
        "a blank admin group",
        _set(A, ("tenants", 0, "admins"), ["  "]),
        "tenants[0].admins",
    ),
    (
        "tenant-cpu-below",
        "a cpu quota below a service",
        _set(A, ("tenants", 0, "cpu_quota"), "1"),
        "services[0].cpu",
    ),
    (
        "tenant-memory-below",
        "a memory quota below a service",
        _set(A, ("tenants", 0, "memory_quota"), "1Gi"),
        "services[0].memory",
    ),
    (
        "tenant-gpu-below",
        "a GPU quota below a service",
        _set(A, ("tenants", 0, "gpu_quota"), 0),
        "services[0].gpu.count",
    ),
    (
        "service-tenant-unknown",
        "a service in no tenant",
        _set(A, ("services", 0, "tenant"), "nobody"),
        "services[0].tenant",
    ),
    (
        "service-dup",
        "two services named sentiment",
        _set(A, ("services",), A["lepton:platform"]["services"] * 2),
        "services[1].name",
    ),
    ("service-port-low", "port 80", _set(A, ("services", 0, "port"), 80), "services[0].port"),
    ("service-port-high", "port 70000", _set(A, ("services", 0, "port"), 70000), "services[0].port"),
    (
        "service-image-no-tag",
        "an image without a tag",
        _set(A, ("services", 0, "image"), "ghcr.io/acme/sentiment"),
        "services[0].image",
    ),
    (
        "service-image-latest",
        "a :latest image",
        _set(A, ("services", 0, "image"), "ghcr.io/acme/sentiment:latest"),
        "services[0].image",
    ),
    (
        "service-image-upper",
        "an image with capitals",
        _set(A, ("services", 0, "image"), "GHCR.io/Acme/s:1"),
        "services[0].image",
    ),
    (
        "service-image-short-digest",
        "a short digest",
        _set(A, ("services", 0, "image"), "ghcr.io/a/s@sha256:abc"),
        "services[0].image",
    ),
    (
        "service-path",
        "predict_path without /",
        _set(A, ("services", 0, "predict_path"), "predict"),
        "services[0].predict_path",
    ),
    (
        "service-health-path",
        "health_path with a space",
        _set(A, ("services", 0, "health_path"), "/health z"),
        "services[0].health_path",
    ),
    ("service-cpu-64", "64 CPUs on 16-vCPU nodes", _set(A, ("services", 0, "cpu"), "64"), "services[0].cpu"),
    (
        "service-memory-1ti",
        "1Ti on 64-GiB nodes",
        _set(A, ("services", 0, "memory"), "1Ti"),
        "services[0].memory",
    ),
    ("service-memory-0", "memory 0", _set(A, ("services", 0, "memory"), "0"), "services[0].memory"),
    ("service-cpu-0", "cpu 0m", _set(A, ("services", 0, "cpu"), "0m"), "services[0].cpu"),
    ("service-cpu-unit", "cpu 2 cores", _set(A, ("services", 0, "cpu"), "2 cores"), "services[0].cpu"),
    ("service-memory-unit", "memory 8GB", _set(A, ("services", 0, "memory"), "8GB"), "services[0].memory"),
    (
        "service-gpu-none-offered",
        "an H100 service with no H100 pool",
        _set(A, ("services", 0, "gpu", "type"), "h100-80gb"),
        "services[0].gpu.type",
    ),
    (
        "service-gpu-count-true",
        "gpu.count true",
        _set(A, ("services", 0, "gpu", "count"), True),
        "services[0].gpu.count",
    ),
    (
        "service-gpu-count-2",
        "2 GPUs on 1-GPU nodes",
        _set(A, ("services", 0, "gpu", "count"), 2),
        "services[0].gpu.count",
    ),
    (
        "service-replicas",
        "replicas min above max",
        _set(A, ("services", 0, "replicas"), {"min": 5, "max": 2}),
        "services[0].replicas.min",
    ),
    (
        "service-replicas-min-sum",
        "minimum replicas above the GPU quota",
        _set(A, ("services", 0, "replicas"), {"min": 5, "max": 5}),
        "tenants[0].gpu_quota",
    ),
    (
        "service-metric",
        "scaling on latency",
        _set(A, ("services", 0, "scaling"), {"metric": "latency"}),
        "services[0].scaling.metric",
    ),
    (
        "service-target-0",
        "scaling target 0",
        _set(A, ("services", 0, "scaling"), {"target": 0}),
        "services[0].scaling.target",
    ),
    (
        "service-expose",
        "expose everywhere",
        _set(A, ("services", 0, "expose"), "everywhere"),
        "services[0].expose",
    ),
    (
        "service-host-outside",
        "a host outside the domain",
        _set(A, ("services", 0, "host"), "api.example.com"),
        "services[0].host",
    ),
    (
        "service-host-wildcard",
        "a wildcard host",
        _set(A, ("services", 0, "host"), "*.dev.acme.dev"),
        "services[0].host",
    ),
    (
        "service-public-prod",
        "a public service in prod without the flag",
        _set(_set(AP, ("services", 0, "expose"), "public"), ("network", "public_services"), False),
        "services[0].expose",
    ),
    (
        "service-prod-tag",
        "a tag-only image in prod",
        _set(AP, ("services", 0, "image"), "ghcr.io/acme/sentiment:1.4"),
        "services[0].image",
    ),
    (
        "smtp-port",
        "an SMTP port 99999",
        _set(A, ("monitoring", "smtp_relay"), "smtp.acme.dev:99999"),
        "monitoring.smtp_relay",
    ),
    (
        "smtp-port-0",
        "an SMTP port 0",
        _set(A, ("monitoring", "smtp_relay"), "smtp.acme.dev:00"),
        "monitoring.smtp_relay",
    ),
    (
        "smtp-no-port",
        "an SMTP relay without a port",
        _set(A, ("monitoring", "smtp_relay"), "smtp.acme.dev"),
        "monitoring.smtp_relay",
    ),
    (
        "alert-email",
        "an alert e-mail without @",
        _set(A, ("monitoring", "alert_emails"), ["oncall"]),
        "monitoring.alert_emails[0]",
    ),
    (
        "retention-0",
        "metrics kept 0 days",
        _set(A, ("monitoring", "retention_days"), 0),
        "monitoring.retention_days",
    ),
    ("budget-0", "a budget of 0", _set(A, ("budget", "monthly_usd"), 0), "budget.monthly_usd"),
    ("budget-negative", "a negative budget", _set(A, ("budget", "monthly_usd"), -5), "budget.monthly_usd"),
    (
        "budget-override",
        "a price override for no machine",
        _set(A, ("budget", "price_overrides"), {"x9.huge": 1.0}),
        "budget.price_overrides.x9.huge",
    ),
    (
        "budget-override-negative",
        "a negative price override",
        _set(A, ("budget", "price_overrides"), {"g6.xlarge": -1}),
        "budget.price_overrides",
    ),
    ("tags-missing", "no cost-center tag", _set(A, ("tags",), {"team": "ml"}), "tags"),
    ("tags-empty", "no tags", _set(A, ("tags",), {}), "tags"),
    ("tags-reserved", "an environment tag", _set(A, ("tags", "environment"), "dev"), "tags.environment"),
    ("tags-aws-prefix", "an aws: tag", _set(A, ("tags", "aws:owner"), "x"), "tags.aws:owner"),
    ("tags-aws-chars", "a tag value with #", _set(A, ("tags", "team"), "ml#1"), "tags.team"),
    ("tags-gcp-upper", "a GCP label in capitals", _set(G, ("tags", "team"), "ML"), "tags.team"),
    ("tags-gcp-long", "a GCP label of 70 characters", _set(G, ("tags", "team"), "m" * 70), "tags.team"),
    (
        "tags-azure-prefix",
        "an azure tag named microsoft-x",
        _set(Z, ("tags", "microsoft-x"), "y"),
        "tags.microsoft-x",
    ),
    ("tags-empty-key", "a tag with an empty key", _set(A, ("tags", ""), "x"), "tags"),
    ("knobs-other-cloud", "gcp settings on AWS", _set(A, ("gcp",), {"project": "acme"}), "gcp"),
    ("gcp-no-knobs", "GCP without its settings", _set(G, ("gcp",), None), "gcp"),
    (
        "gcp-no-project",
        "GCP settings without a project",
        _set(G, ("gcp",), {"billing_account": "012345-6789AB-CDEF01"}),
        "gcp.project",
    ),
    (
        "gcp-billing",
        "a malformed billing account",
        _set(G, ("gcp", "billing_account"), "0123-45"),
        "gcp.billing_account",
    ),
    (
        "gcp-rbac",
        "an RBAC group of the wrong name",
        _set(G, ("gcp", "rbac_security_group"), "admins@acme.dev"),
        "gcp.rbac_security_group",
    ),
    ("azure-no-knobs", "Azure without its settings", _set(Z, ("azure",), None), "azure"),
    (
        "azure-subscription",
        "a malformed subscription id",
        _set(Z, ("azure", "subscription_id"), "not-a-guid"),
        "azure.subscription_id",
    ),
    (
        "azure-pool-name",
        "an AKS pool name with a hyphen",
        _set(Z, ("node_pools", 1, "name"), "t4-spot"),
        "node_pools[1].name",
    ),
    (
        "azure-admin-name",
        "an AKS admin group by name",
        _set(Z, ("tenants", 0, "admins"), ["research-admins"]),
        "tenants[0].admins",
    ),
    (
        "aws-zone-id",
        "a malformed Route 53 zone id",
        _set(A, ("aws", "dns_zone_id"), "zone-1"),
        "aws.dns_zone_id",
    ),
    (
        "aws-admin-roles",
        "a tenant admin role that is no ARN",
        _set(A, ("aws", "tenant_admin_roles"), {"research-admins": ["admin"]}),
        "aws.tenant_admin_roles",
    ),
    ("aws-unknown-knob", "an unknown AWS setting", _set(A, ("aws", "vpc_id"), "vpc-1"), "aws.vpc_id"),
    (
        "jobs-not-enabled",
        "tenant jobs without job queues",
        _set(A, ("tenants", 0, "jobs"), {"gpu_quota": {"l4-spot": 1}}),
        "tenants[0].jobs",
    ),
    (
        "jobs-pool-unknown",
        "a queue quota for no pool",
        _set(_set(A, ("jobs",), {"enabled": True}), ("tenants", 0, "jobs"), {"gpu_quota": {"h100": 1}}),
        "tenants[0].jobs.gpu_quota.h100",
    ),
    (
        "jobs-over-quota",
        "a queue quota above the tenant's",
        _set(_set(A, ("jobs",), {"enabled": True}), ("tenants", 0, "jobs"), {"gpu_quota": {"l4-spot": 9}}),
        "tenants[0].jobs.gpu_quota",
    ),
    ("protect-word", "protect maybe", _set(A, ("protect",), "maybe"), "protect"),
    ("unknown-top", "an unknown top-level field", _set(A, ("nodes",), []), "nodes"),
    (
        "typo-top",
        "node_pool for node_pools",
        _set(_set(A, ("node_pool",), []), ("node_pools",), A["lepton:platform"]["node_pools"]),
        "node_pool",
    ),
]

# (name, case, needle, Pulumi.yaml text): the project file; the stack beside it is MINIMAL.
PROJECT_CASES: list[tuple[str, str, str, str]] = [
    ("no-name", "no project name", "no project name", "runtime: python\n"),
    ("name-list", "a project name that is a list", "name", "name: [a]\nruntime: python\n"),
    (
        "runtime-nodejs",
        "runtime nodejs",
        "lepton-infra plans Python programs only",
        "name: p\nruntime: nodejs\n",
    ),
    (
        "runtime-go",
        "runtime go in its long form",
        "lepton-infra plans Python programs only",
        "name: p\nruntime: {name: go}\n",
    ),
    ("runtime-yaml", "runtime yaml", "lepton-infra plans Python programs only", "name: p\nruntime: yaml\n"),
    ("runtime-missing", "no runtime", "Pulumi.yaml has no runtime", "name: p\n"),
    ("runtime-number", "runtime 3", "lepton-infra plans Python programs only", "name: p\nruntime: 3\n"),
    (
        "main-missing",
        "main names no file",
        "the project's program does not exist",
        "name: p\nruntime: python\nmain: nowhere.py\n",
    ),
    (
        "stack-dir-missing",
        "stackConfigDir names no folder",
        "--stack",
        "name: p\nruntime: python\nstackConfigDir: nowhere\n",
    ),
    (
        "config-list",
        "project config a list",
        "project config must be a mapping",
        "name: p\nruntime: python\nconfig: [a]\n",
    ),
    (
        "config-type-unknown",
        "a config type float",
        "not a config type",
        "name: p\nruntime: python\nconfig:\n  x: {type: float, default: 1}\n",
    ),
    (
        "config-required",
        "a declared key the stack does not set",
        "declared in Pulumi.yaml without a default",
        "name: p\nruntime: python\nconfig:\n  x: {type: string}\n",
    ),
    (
        "config-wrong-type",
        "a default of the wrong type",
        "Pulumi.yaml declares it a integer",
        "name: p\nruntime: python\nconfig:\n  x: {type: integer, default: many}\n",
    ),
    (
        "config-value-extra",
        "value with a schema beside it",
        "`value` stands alone",
        "name: p\nruntime: python\nconfig:\n  x: {value: 1, type: integer}\n",
    ),
    (
        "config-object-bare",
        "an object value not under value:",
        "must be nested under `value:`",
        "name: p\nruntime: python\nconfig:\n  x: {a: 1}\n",
    ),
    (
        "duplicate-key",
        "runtime given twice",
        "key given twice",
        "name: p\nruntime: python\nruntime: python\n",
    ),
    ("malformed", "an unclosed list", "malformed YAML", "name: p\nruntime: [python\n"),
    ("scalar", "a scalar project file", "no project name", "python\n"),
    ("date-name", "an unquoted date as the name", "an unquoted date", "name: 2025-01-01\nruntime: python\n"),
]

# (name, case, needle, policy config text), planned with the shipped aws-dev stack.
POLICY_CASES: list[tuple[str, str, str, str]] = [
    ("unknown-rule", "a rule that does not exist", "no-such-rule", "no-such-rule: advisory\n"),
    (
        "bad-level",
        "a level that does not exist",
        "lepton-aws-ecr-cmk",
        "lepton-aws-ecr-cmk: fatal\n",
    ),
    ("level-bool", "a level that is a boolean", "lepton-aws-ecr-cmk", "lepton-aws-ecr-cmk: true\n"),
    ("level-number", "a level that is a number", "lepton-aws-ecr-cmk", "lepton-aws-ecr-cmk: 3\n"),
    ("all-bad", "all: loud", "all", "all: loud\n"),
    (
        "waiver-no-reason",
        "a waiver without a reason",
        "a waiver needs a reason",
        "lepton-aws-ecr-cmk:\n  enforcementLevel: mandatory\n  waivers: [{resource: x}]\n",
    ),
    (
        "waiver-empty-reason",
        "a waiver with a blank reason",
        "a waiver needs a reason",
        "lepton-aws-ecr-cmk:\n  waivers: [{resource: x, reason: '  '}]\n",
    ),
    (
        "waivers-mapping",
        "waivers a mapping",
        "waivers",
        "lepton-aws-ecr-cmk:\n  waivers: {resource: x}\n",
    ),
    (
        "waiver-date-reason",
        "a waiver reason that is a date",
        "an unquoted date",
        "lepton-aws-ecr-cmk:\n  waivers: [{resource: x, reason: 2026-01-01}]\n",
    ),
    ("list", "a list document", "must be a mapping of policy ids", "- lepton-aws-ecr-cmk\n"),
    ("scalar", "a scalar document", "write a JSON object", "advisory\n"),
    (
        "malformed",
        "an unclosed mapping",
        "malformed YAML",
        "lepton-aws-ecr-cmk: {enforcementLevel: advisory\n",
    ),
    (
        "duplicate",
        "a rule given twice",
        "key given twice",
        "lepton-aws-ecr-cmk: advisory\nlepton-aws-ecr-cmk: mandatory\n",
    ),
    ("nan", "NaN as a level", "infinity and NaN", "lepton-aws-ecr-cmk: .nan\n"),
    ("binary", "a !!binary level", "!!binary", "lepton-aws-ecr-cmk: !!binary YQ==\n"),
    (
        "nested-garbage",
        "a rule whose settings are a list",
        "lepton-aws-ecr-cmk",
        "lepton-aws-ecr-cmk: [advisory]\n",
    ),
    ("not-utf8", "a file in Latin-1", "not UTF-8", "lepton-aws-ecr-cmk: advisory # caf\udce9\n"),
]


def _valid_configs() -> list[tuple[str, str, dict[str, Any] | str]]:
    """(name, case, config or raw stack text) that must plan with exit 0."""
    m = MINIMAL
    out: list[tuple[str, str, dict[str, Any] | str]] = [
        ("minimal-aws", "the reference's minimal spec", m),
        ("minimal-staging", "staging", _set(m, ("environment",), "staging")),
        (
            "minimal-private",
            "a private endpoint, its runner inside the VPC",
            _set(m, ("cluster",), {"endpoint": "private", "authorized_networks": ["10.40.200.0/24"]}),
        ),
        ("minimal-owner", "owner for team", _set(m, ("tags",), {"owner": "ana", "cost-center": "1"})),
        ("tags-yes", "a tag value yes (text to YAML 1.2)", _set(m, ("tags", "enabled"), "yes")),
        ("tags-unicode", "a tag value with accents", _set(m, ("tags", "team"), "équipe ml")),
        ("tags-date-quoted", "a quoted date in tags", _set(m, ("tags", "expires"), "2025-12-31")),
        (
            "tags-many",
            "forty tags",
            _set(m, ("tags",), {"team": "ml", "cost-center": "1", **{f"t{i}": str(i) for i in range(38)}}),
        ),
        ("pool-cpu-8", "a standard-8 pool", _set(m, ("node_pools", 0, "cpu"), "standard-8")),
        (
            "pool-desired",
            "a desired size",
            _set(m, ("node_pools", 0), {"name": "system", "min": 1, "max": 4, "desired": 2}),
        ),
        ("pool-labels", "node labels", _set(m, ("node_pools", 0, "labels"), {"acme.dev/team": "ml"})),
        ("pool-disk", "a 500 GiB disk", _set(m, ("node_pools", 0, "disk_gb"), 500)),
        (
            "pool-gpu",
            "an L4 pool",
            _set(
                m,
                ("node_pools",),
                [*m["lepton:platform"]["node_pools"], {"name": "l4", "gpu": {"type": "l4"}, "max": 2}],
            ),
        ),
        (
            "pool-gpu-spot",
            "an L4 spot pool",
            _set(
                m,
                ("node_pools",),
                [
                    *m["lepton:platform"]["node_pools"],
                    {"name": "l4-spot", "gpu": {"type": "l4"}, "spot": True},
                ],
            ),
        ),
        (
            "pool-h100",
            "an H100 pool of 8 GPUs",
            _set(
                m,
                ("node_pools",),
                [
                    *m["lepton:platform"]["node_pools"],
                    {"name": "h100", "gpu": {"type": "h100-80gb", "count": 8}, "max": 1},
                ],
            ),
        ),
        (
            "two-system-pools",
            "two CPU pools",
            _set(m, ("node_pools",), [{"name": "system", "min": 1}, {"name": "batch", "cpu": "standard-16"}]),
        ),
        ("zones-3", "three zones", _set(m, ("network",), {"zones": 3})),
        (
            "cidr-172",
            "a 172.16 VPC",
            _set(m, ("network",), {"cidr": "172.16.0.0/16", "service_cidr": "10.100.0.0/16"}),
        ),
        ("nat-per-zone", "a NAT per zone", _set(m, ("network",), {"nat": "per-zone"})),
        (
            "networks-40",
            "40 authorized networks (the EKS cap)",
            _set(m, ("cluster", "authorized_networks"), _nets(40)),
        ),
        (
            "networks-two",
            "two authorized networks",
            _set(m, ("cluster", "authorized_networks"), ["203.0.113.0/24", "198.51.100.7/32"]),
        ),
        ("tenant", "a tenant", _set(m, ("tenants",), [{"name": "research"}])),
        ("tenants-3", "three tenants", _set(m, ("tenants",), [{"name": f"team-{i}"} for i in range(3)])),
        (
            "tenant-quotas",
            "tenant quotas",
            _set(
                m, ("tenants",), [{"name": "research", "cpu_quota": "8", "memory_quota": "32Gi", "pods": 20}]
            ),
        ),
        (
            "tenant-baseline",
            "a baseline tenant",
            _set(m, ("tenants",), [{"name": "research", "pod_security": "baseline"}]),
        ),
        (
            "cpu-service",
            "a CPU service",
            _set(
                _set(m, ("tenants",), [{"name": "research"}]),
                ("services",),
                [
                    {
                        "name": "echo",
                        "tenant": "research",
                        "image": "ghcr.io/acme/echo:1.0",
                        "cpu": "500m",
                        "memory": "512Mi",
                    }
                ],
            ),
        ),
        (
            "cpu-service-digest",
            "a CPU service by digest",
            _set(
                _set(m, ("tenants",), [{"name": "research"}]),
                ("services",),
                [{"name": "echo", "tenant": "research", "image": "ghcr.io/acme/echo@sha256:" + "a" * 64}],
            ),
        ),
        (
            "cpu-service-latest-stable",
            "an image tagged latest-stable",
            _set(
                _set(m, ("tenants",), [{"name": "research"}]),
                ("services",),
                [{"name": "echo", "tenant": "research", "image": "ghcr.io/acme/echo:latest-stable"}],
            ),
        ),
        (
            "cpu-service-min-1",
            "a CPU service with one replica always",
            _set(
                _set(m, ("tenants",), [{"name": "research"}]),
                ("services",),
                [
                    {
                        "name": "echo",
                        "tenant": "research",
                        "image": "ghcr.io/acme/echo:1.0",
                        "replicas": {"min": 1, "max": 2},
                    }
                ],
            ),
        ),
        (
            "service-paths",
            "custom service paths",
            _set(
                _set(m, ("tenants",), [{"name": "research"}]),
                ("services",),
                [
                    {
                        "name": "echo",
                        "tenant": "research",
                        "image": "ghcr.io/acme/echo:1.0",
                        "predict_path": "/v1/models/echo:predict",
                        "health_path": "/ready",
                    }
                ],
            ),
        ),
        (
            "monitoring",
            "alert e-mails and an authenticated SMTP relay",
            _set(
                m,
                ("monitoring",),
                {
                    "alert_emails": ["oncall@acme.dev"],
                    "smtp": {
                        "relay": "smtp.acme.dev:587",
                        "from": "alerts@acme.dev",
                        "username": "apikey",
                        "password": {"secret": "alertmanager-smtp", "key": "password"},
                    },
                },
            ),
        ),
        ("budget", "a budget", _set(m, ("budget",), {"monthly_usd": 1000})),
        (
            "budget-fraction",
            "a budget with cents",
            _set(m, ("budget",), {"monthly_usd": 999.99, "thresholds_percent": [50, 90]}),
        ),
        ("protect", "protect on in dev", _set(m, ("protect",), True)),
        (
            "jobs",
            "job queues",
            _set(_set(m, ("jobs",), {"enabled": True}), ("tenants",), [{"name": "research"}]),
        ),
        ("version-explicit", "an explicit version", _set(m, ("cluster", "version"), "1.35")),
        (
            "maintenance",
            "a maintenance window",
            _set(m, ("cluster", "maintenance"), {"day": "sunday", "start": "03:00"}),
        ),
        (
            "gcp-minimal",
            "the minimal spec on GCP",
            _set(
                _set(
                    _set(
                        {
                            **{k: v for k, v in m.items() if k != "aws:region"},
                            "gcp:project": "acme-ai-dev",
                            "gcp:region": "us-central1",
                        },
                        ("cloud",),
                        "gcp",
                    ),
                    ("region",),
                    "us-central1",
                ),
                ("gcp",),
                {"project": "acme-ai-dev"},
            ),
        ),
        (
            "gcp-networks-50",
            "50 networks on GKE (its cap)",
            _set(G, ("cluster", "authorized_networks"), _nets(50)),
        ),
        (
            "azure-minimal",
            "the minimal spec on Azure",
            _set(
                _set(
                    _set(
                        {
                            **{k: v for k, v in m.items() if k != "aws:region"},
                            "azure-native:location": "eastus",
                        },
                        ("cloud",),
                        "azure",
                    ),
                    ("region",),
                    "eastus",
                ),
                ("azure",),
                {"subscription_id": "7c4e2a9d-1b3f-4d6e-8a5c-2e9f0b1c3d4e"},
            ),
        ),
        (
            "azure-networks-201",
            "201 networks on AKS (VNet integration takes 2,000)",
            _set(Z, ("cluster", "authorized_networks"), _nets(201)),
        ),
    ]
    minimal_text = _stack_text(MINIMAL)
    out += [
        ("text-crlf", "CRLF line endings", minimal_text.replace("\n", "\r\n")),
        ("text-bom", "a UTF-8 byte-order mark", "\ufeff" + minimal_text),
        ("text-comments", "comments everywhere", "# a comment\n" + minimal_text.replace("\n", "  # note\n")),
        (
            "text-flow",
            "everything in flow style",
            yaml.safe_dump({"config": MINIMAL}, default_flow_style=True, width=10000),
        ),
        ("text-json", "the stack file as JSON", json.dumps({"config": MINIMAL}, indent=2) + "\n"),
        (
            "text-merge",
            "a merge key override",
            minimal_text.replace(
                "  - name: system\n    min: 1\n",
                "  - &sys\n    name: system\n    min: 1\n  - <<: *sys\n    name: batch\n",
            ),
        ),
        (
            "text-anchor",
            "an anchor reused",
            minimal_text.replace(
                "      team: ml-platform\n", "      team: &t ml-platform\n      owner: *t\n"
            ),
        ),
        (
            "text-quoted-numbers",
            "numbers quoted where text is meant",
            minimal_text.replace("cost-center: '1234'", 'cost-center: "0123"'),
        ),
        (
            "text-string-ints",
            "a pool size given as quoted digits",
            minimal_text.replace("min: 1", "min: '1'"),
        ),
        ("text-no-trailing-newline", "no newline at the end", minimal_text.rstrip("\n")),
    ]
    return out


def _write(folder: Path, name: str, text: str) -> None:
    """`text` as UTF-8; a lone surrogate (`\\udce9`) stands for a byte that is not UTF-8."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_bytes(text.encode("utf-8", errors="surrogateescape"))


def main() -> None:
    for kind in ("stack", "project", "policy"):
        for state in ("malformed", "valid"):
            for old in (HERE / kind / state).glob("*.yaml"):
                old.unlink()
    for name, _case, text in type_cases():
        _write(HERE / "stack" / "malformed", f"type-{name}", text)
    for name, case, code, needle, text in YAML_CASES + CONFIG_CASES:
        _write(HERE / "stack" / "malformed", f"yaml-{name}", _header(case, code, needle) + text)
    for name, case, config, needle in RULE_CASES:
        _write(HERE / "stack" / "malformed", f"rule-{name}", _header(case, 2, needle) + _stack_text(config))
    for name, case, needle, text in PROJECT_CASES:
        _write(HERE / "project" / "malformed", name, _header(case, 2, needle) + text)
    _write(
        HERE / "project" / "valid",
        "bom",
        "\ufeff" + _header("a UTF-8 byte-order mark", 0, "") + "name: p\nruntime: python\n",
    )
    _write(
        HERE / "project" / "valid",
        "runtime-long",
        _header("the runtime's long form", 0, "")
        + "name: p\nruntime:\n  name: python\n  options: {toolchain: pip}\n",
    )
    for name, case, needle, text in POLICY_CASES:
        _write(HERE / "policy" / "malformed", name, _header(case, 2, needle) + text)
    _write(
        HERE / "policy" / "valid",
        "levels",
        _header("levels and a waiver", 0, "")
        + "all: advisory\nlepton-aws-ecr-cmk:\n  enforcementLevel: mandatory\n  waivers: [{resource: 'acme-*', reason: 'demo data, SEC-1'}]\n",
    )
    _write(
        HERE / "policy" / "valid",
        "json",
        _header("JSON", 0, "") + '{"lepton-aws-ecr-cmk": "disabled"}\n',
    )
    for name, case, config in _valid_configs():
        text = config if isinstance(config, str) else _stack_text(config)
        header = _header(case, 0, "")
        body = header + text.removeprefix("\ufeff")
        _write(HERE / "stack" / "valid", name, "\ufeff" + body if text.startswith("\ufeff") else body)


if __name__ == "__main__":
    main()
