"""The component contract, checked by reflection over every component of the three clouds and the in-cluster
layer, in the spirit of aws-cdk's awslint (docs/architecture.md, "The component contract"):

- the type token is `lepton:<aws|gcp|azure|k8s>:<ClassName>`;
- the constructor is `(name, args, opts=None)` (a cloud's `Platform`: `(name, spec, opts=None)`), and its
  first statement hands the args to the component base, which checks them before registering anything;
- the args are a dataclass deriving from `ComponentArgs` with a `problems()` of their own, and every field
  has a docstring an editor shows, saying what its default does (`Default: ...`) when it has one;
- each cloud's `__init__` exports every component it has, and the same names for the same concept;
- in the six shipped plans every resource is a descendant of its cloud's `Platform`: a child created without
  `parent=self` would hang off the stack instead.

A new component joins these checks by existing: nothing to register.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import textwrap
import typing
from types import ModuleType

import pytest

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.plan.record import STACK_TYPE
from tests.conftest import SHIPPED_STACKS

# package -> the cloud segment of its type tokens
LAYERS = {"aws": "aws", "gcp": "gcp", "azure": "azure", "kubernetes": "k8s"}
CLOUDS = ("aws", "gcp", "azure")
# The concepts every cloud implements, under the same exported name (each component with its ...Args).
SHARED_COMPONENTS = (
    "ArtifactStore",
    "Cluster",
    "EncryptionKey",
    "Monitoring",
    "Network",
    "NodePool",
    "Traffic",
)
SHARED_OTHERS = ("Platform", "WorkloadIdentityBinder")
# What one cloud exports that the others have no component for, and why.
CLOUD_ONLY: dict[str, dict[str, str]] = {
    "aws": {
        "Addons": "EKS managed add-ons (GKE and AKS install their equivalents themselves)",
        "Autoscaler": "the cluster autoscaler EKS leaves to the user (GKE and AKS run their own)",
        "LoadBalancerController": "the AWS Load Balancer Controller (GKE and AKS ship their controllers)",
        "SharedFilesystem": "the shared filesystem (AWS FSx for Lustre, GCP Filestore), not built on Azure "
        "yet",
    },
    "gcp": {
        "BinaryAuthorizationPolicy": "the project's Binary Authorization policy (GKE only)",
        "HostDns": "hosts' records written up front from the Gateways' reserved addresses (aws/azure: "
        "Traffic writes them once the load balancer reports its address)",
        "NodeServiceAccount": "GKE nodes' own service account (EKS node role: Cluster; AKS kubelet identity)",
        "ProjectServices": "the Google APIs a project must enable",
        "SharedFilesystem": "the shared filesystem (AWS FSx for Lustre, GCP Filestore), not built on Azure "
        "yet",
        "WorkloadIdentity": "a GCP service account a Kubernetes one acts as (AWS IRSA makes only a role)",
        "gke_kubeconfig": "the kubeconfig of an existing GKE cluster",
    },
    "azure": {
        "WorkloadIdentity": "a user-assigned identity a Kubernetes service account acts as (AWS IRSA makes "
        "only a role)",
    },
}


# Kept importable for one release with a DeprecationWarning (docs/UPGRADE-0.2.md); they define nothing.
DEPRECATED_MODULES = {"lepton_infra.aws.kms"}


def _modules(package: str) -> list[ModuleType]:
    root = importlib.import_module(f"lepton_infra.{package}")
    names = [m.name for m in pkgutil.walk_packages(root.__path__, f"{root.__name__}.")]
    return [root] + [importlib.import_module(n) for n in names if n not in DEPRECATED_MODULES]


def _layer(cls: type) -> str:
    return cls.__module__.split(".")[1]


def _components() -> list[type[Component]]:
    for package in LAYERS:
        _modules(package)

    def below(cls: type) -> list[type]:
        return [s for sub in cls.__subclasses__() for s in (sub, *below(sub))]

    found = [c for c in below(Component) if _layer(c) in LAYERS]
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


COMPONENTS = _components()


def _parsed(obj: typing.Any) -> ast.stmt:
    return ast.parse(textwrap.dedent(inspect.getsource(obj))).body[0]


# Parsed here, at collection, before any test plans a stack: CPython 3.11.7's ast construction can fail
# with "SystemError: AST constructor recursion depth mismatch" while threads a plan left behind run
# (python/cpython#106905, fixed in 3.11.8).
INITS = {cls: _parsed(cls.__init__) for cls in COMPONENTS}


def _id(cls: type) -> str:
    return f"{_layer(cls)}.{cls.__name__}"


def _case(cls: type) -> typing.Any:
    return pytest.param(cls, id=_id(cls))


def _args_type(cls: type[Component]) -> type:
    hints = typing.get_type_hints(cls.__init__)
    return hints["spec" if cls.__name__ == "Platform" else "args"]


def test_every_layer_has_components() -> None:
    assert {_layer(c) for c in COMPONENTS} == set(LAYERS)
    assert len(COMPONENTS) >= 40


@pytest.mark.parametrize("cls", [_case(c) for c in COMPONENTS])
def test_token_is_layer_and_class_name(cls: type[Component]) -> None:
    assert f"lepton:{LAYERS[_layer(cls)]}:{cls.__name__}" == cls.TOKEN


@pytest.mark.parametrize("cls", [_case(c) for c in COMPONENTS])
def test_constructor_takes_name_args_opts_and_checks_first(cls: type[Component]) -> None:
    second = "spec" if cls.__name__ == "Platform" else "args"
    params = list(inspect.signature(cls.__init__).parameters.values())
    assert [p.name for p in params] == ["self", "name", second, "opts"]
    assert params[3].default is None and all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params)
    # The first statement hands the args to the component base, which checks them before registering.
    init = INITS[cls]
    assert isinstance(init, ast.FunctionDef)
    body = [s for s in init.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    assert ast.unparse(body[0]) == f"super().__init__(name, {second}, opts)"


def test_the_base_claims_no_name_attribute() -> None:
    """Pulumi's own name is `Resource._name`; a component may expose a cloud-side `name` of its own."""
    assert "name" not in Component.__init__.__code__.co_names
    assert not any("name" in vars(c) for c in COMPONENTS)


def _fields_and_docs(args: type) -> dict[str, tuple[bool, str | None]]:
    """field -> (has a default, its attribute docstring), read from the class source."""
    body = ARG_CLASSES[args].body  # type: ignore[attr-defined]
    docs: dict[str, tuple[bool, str | None]] = {}
    for i, stmt in enumerate(body):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            after = body[i + 1] if i + 1 < len(body) else None
            doc = (
                after.value.value
                if isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
                else None
            )
            docs[stmt.target.id] = (stmt.value is not None, doc)
    return docs


ARGS = sorted(
    {_args_type(c) for c in COMPONENTS if c.__name__ != "Platform"}, key=lambda a: (a.__module__, a.__name__)
)
ARG_CLASSES = {args: _parsed(args) for args in ARGS}


@pytest.mark.parametrize("args", [_case(a) for a in ARGS])
def test_args_are_a_checked_dataclass(args: type) -> None:
    assert dataclasses.is_dataclass(args) and issubclass(args, ComponentArgs)
    assert args.problems is not ComponentArgs.problems  # type: ignore[attr-defined]
    assert not getattr(args.problems, "__isabstractmethod__", False)  # type: ignore[attr-defined]


@pytest.mark.parametrize("args", [_case(a) for a in ARGS])
def test_every_args_field_is_documented_with_its_default(args: type) -> None:
    docs = _fields_and_docs(args)
    assert set(docs) == {f.name for f in dataclasses.fields(args)}
    undocumented = [name for name, (_, doc) in docs.items() if not (doc or "").strip()]
    assert undocumented == [], f"{args.__name__}: give each field a docstring (what it is, what it does)"
    silent = [name for name, (default, doc) in docs.items() if default and "Default" not in (doc or "")]
    assert silent == [], f"{args.__name__}: say what the default does ('Default: ...')"


def test_platform_args_are_the_checked_spec() -> None:
    from lepton_infra.spec import PlatformSpec

    platforms = [c for c in COMPONENTS if c.__name__ == "Platform"]
    assert {_layer(c) for c in platforms} == set(CLOUDS)
    assert all(_args_type(c) is PlatformSpec for c in platforms)
    assert issubclass(PlatformSpec, ComponentArgs)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_each_cloud_exports_every_component_and_the_shared_names(cloud: str) -> None:
    package = importlib.import_module(f"lepton_infra.{cloud}")
    exported = set(package.__all__)
    mine = [c for c in COMPONENTS if _layer(c) == cloud]
    hidden = sorted(
        c.__name__ for c in mine if c.__name__ not in exported or getattr(package, c.__name__) is not c
    )
    assert hidden == [], f"lepton_infra.{cloud} does not export these components"
    args_of = {c.__name__: _args_type(c).__name__ for c in mine if c.__name__ != "Platform"}
    expected = {
        *SHARED_COMPONENTS,
        *(f"{n}Args" for n in SHARED_COMPONENTS),
        *SHARED_OTHERS,
        *CLOUD_ONLY[cloud],
        *(args_of[n] for n in CLOUD_ONLY[cloud] if n in args_of),
    }
    assert exported == expected
    assert all(args_of[n] == f"{n}Args" for n in args_of), "an Args class is named after its component"


def test_the_in_cluster_layer_exports_every_component_with_its_args() -> None:
    package = importlib.import_module("lepton_infra.kubernetes")
    mine = [c for c in COMPONENTS if _layer(c) == "kubernetes"]
    missing = sorted(
        n
        for c in mine
        for n, obj in ((c.__name__, c), (f"{c.__name__}Args", _args_type(c)))
        if n not in package.__all__ or getattr(package, n) is not obj
    )
    assert missing == [], "lepton_infra.kubernetes does not export these"


def test_a_name_one_cloud_keeps_to_itself_is_not_a_shared_concept() -> None:
    only = [set(names) for names in CLOUD_ONLY.values()]
    assert not any(set(SHARED_COMPONENTS) & names for names in only)
    assert set.intersection(*only) == set(), "a concept on every cloud belongs in SHARED_COMPONENTS"


# Components only an opt-in spec field creates, and the variant plan holding them (JobSet, created by
# node_pools[].topology_aware, is planned in aws-train and azure-train).
OPT_IN_COMPONENTS: dict[str, str] = {}


def test_every_component_is_planned_in_a_shipped_stack(plan_stack, platform_dir) -> None:
    from tests.journeys.conftest import variant_graph

    planned = {r.type for stack in SHIPPED_STACKS for r in plan_stack(platform_dir, stack)}
    assert {c.TOKEN for c in COMPONENTS} - planned == set(OPT_IN_COMPONENTS)
    for token, variant in OPT_IN_COMPONENTS.items():
        assert token in {r.type for r in variant_graph(variant)}


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_resource_hangs_off_its_platform(plan_stack, platform_dir, stack: str) -> None:
    """A child created without `parent=self` hangs off the stack: its URN loses the component's type chain,
    and the caller's provider, aliases and protection no longer reach it."""
    graph = plan_stack(platform_dir, stack)
    [root] = graph.of_type(STACK_TYPE)
    on_the_stack = [(r.type, r.name) for r in graph if r.parent == root.urn]
    assert [t for t, _ in on_the_stack] == [f"lepton:{stack.split('-')[0]}:Platform"]
    parents = {graph.by_urn(r.parent).type for r in graph if r.parent and r.parent != root.urn}
    assert all(p.startswith("lepton:") for p in parents), sorted(parents)
