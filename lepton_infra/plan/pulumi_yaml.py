"""Read a stack's YAML the way Pulumi reads it, so a plan gets the values `pulumi up` would.

Pulumi reads Pulumi.yaml and Pulumi.<stack>.yaml with gopkg.in/yaml.v3 (v3.0.1, pinned in
pulumi/pulumi sdk/go.mod; sdk/go/common/encoding/marshal.go and workspace/loaders.go at v3.259, read
2026-12-07), whose plain scalars follow YAML 1.2 with a few quirks (go-yaml v3.0.1 resolve.go), not the
YAML 1.1 of PyYAML's safe loader:
- booleans are only true/True/TRUE and false/False/FALSE (`yes`, `on`, `y` are text);
- an integer is what Go's `strconv.ParseInt(s, 0, 64)` takes once `_` are removed: decimal, `0x` hex,
  `0o` and `0b`, and a leading `0` is octal (`0123` is 83); `1:30` is text (YAML 1.1 read it as 90);
- a float is `[-+]?(.digits|digits(.digits?)?)([eE][-+]?digits)?` (`1e3` is 1000; PyYAML's YAML 1.1
  wants a dot and reads `1e3` as text), and `.inf`, `.nan` and their case variants;
- a date (`2025-12-31`, or with a time) is a timestamp, which Pulumi passes on as Go's `time.String()`
  ("2025-12-31 00:00:00 +0000 UTC", sdk/go/common/resource/config/object.go): never what was meant, so
  it is refused with the quoting that keeps what was written;
- `<<` merge keys work, and the keys written in a mapping override the merged ones.

On top, as Pulumi's reader does not: a key given twice in one mapping is refused (YAML keeps the last one
silently: a second `environment: prod` turned a dev stack into prod), and so are values config cannot
carry (infinity and NaN, which JSON has no number for; `!!binary`; `!!set`).

Numbers remember how they were written (`WrittenInt`, `WrittenFloat`), so a message can quote `0123`
rather than the 83 YAML read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from lepton_infra.core.errors import Problem, SpecError, format_path, one_problem, quoting_fix


class WrittenInt(int):
    """An integer that remembers the text it was written as (`0123`, `0x1F`, `1_000`)."""

    written: str


class WrittenFloat(float):
    """A float that remembers the text it was written as (`1e3`, `1.30`)."""

    written: str


class _Refused(Exception):
    def __init__(self, node: yaml.Node, value: str, why: str, fix: str) -> None:
        super().__init__(why)
        self.line, self.column = node.start_mark.line + 1, node.start_mark.column + 1
        self.value, self.why, self.fix = value, why, fix


class _DuplicateKey(Exception):
    def __init__(self, key: Any, first_line: int, line: int, column: int) -> None:
        super().__init__(key)
        self.key, self.first_line, self.line, self.column = key, first_line, line, column


_PLAIN_NUMBER = "tag:lepton.ai,2026:plain-number"  # a plain scalar starting like a number: decided below
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_TIMESTAMP = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
    r"(?:(?:[Tt](?P<t>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})))"
    r"|(?: (?P<s>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)))?"
)
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_INT64 = 2**63


def _go_int(text: str) -> int | None:
    """`strconv.ParseInt(text, 0, 64)` (or ParseUint for the unsigned top half), else None."""
    if not _GO_INT.fullmatch(text):
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits[:1] != "0" or len(digits) == 1:
        base, body = 10, digits
    elif digits[1].lower() in ("x", "o", "b"):
        base, body = {"x": 16, "o": 8, "b": 2}[digits[1].lower()], digits[2:]
    else:
        base, body = 8, digits  # Go reads a leading 0 as octal (0123 is 83)
    value = sign * int(body, base)
    return value if -_INT64 <= value < 2 * _INT64 else None


def _is_timestamp(text: str) -> bool:
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return False
    try:
        datetime.strptime(match["date"], "%Y-%m-%d")
    except ValueError:
        return False  # time.Parse refuses month 13 and the like: the value stays text
    return True


def _go_time_text(text: str) -> str:
    """How Go's `time.Time.String()` shows the timestamp (exactly for a date alone)."""
    match = _TIMESTAMP.fullmatch(text)
    if match is not None and not (match["t"] or match["s"]):
        day = datetime.strptime(match["date"], "%Y-%m-%d").date()
        return f"`{day.isoformat()} 00:00:00 +0000 UTC`"
    return "`YYYY-MM-DD hh:mm:ss +zzzz ZONE`"


class _PulumiLoader(yaml.SafeLoader):
    """PyYAML's safe loader with yaml.v3's plain scalars and a refusal of keys given twice."""

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012  (replaced, not shared)


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
    (_PLAIN_NUMBER, r"^[-+.0-9]", "-+.0123456789"),
):
    _PulumiLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _plain_number(loader: _PulumiLoader, node: yaml.ScalarNode) -> Any:
    """yaml.v3's `resolve` for a plain scalar whose first character is a digit, a sign or a dot."""
    text = str(loader.construct_scalar(node))
    if text in _SPECIAL_FLOATS:
        raise _Refused(
            node,
            text,
            "infinity and NaN cannot be passed in Pulumi config (JSON has no such number)",
            "give a finite number",
        )
    if text[:1] != "." and _is_timestamp(text):
        raise _Refused(
            node,
            text,
            f"an unquoted date: YAML reads it as a timestamp, and Pulumi hands the program Go's "
            f"rendering of it ({_go_time_text(text)}), not this text",
            quoting_fix(text),
        )
    plain = text.replace("_", "") if text[:1] != "." else text
    if text[:1] != ".":
        if (as_int := _go_int(plain)) is not None:
            number: WrittenInt | WrittenFloat = WrittenInt(as_int)
            number.written = text
            return number
        if not _YAML_STYLE_FLOAT.fullmatch(plain):
            return text
    else:
        try:
            float(plain)
        except ValueError:
            return text
        if not re.fullmatch(r"\.[0-9]+([eE][-+]?[0-9]+)?", plain):
            return text  # Go's ParseFloat takes no `_` and no other form after a leading dot
    number = WrittenFloat(float(plain))
    number.written = text
    return number


def _refuse_tag(what: str) -> Any:
    def construct(loader: _PulumiLoader, node: yaml.Node) -> Any:
        raise _Refused(
            node,
            str(getattr(node, "value", "")) if isinstance(node, yaml.ScalarNode) else what,
            f"{what} cannot be passed in Pulumi config",
            "write text, a number, a boolean, a list or a mapping",
        )

    return construct


def _construct_mapping(loader: _PulumiLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    """Keys written twice are refused; keys that come from a `<<` merge may be overridden by the keys
    written in the mapping itself (that is what a merge is for)."""
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[arg-type]
        line = key_node.start_mark.line + 1
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key (`? [a, b]`): let the constructor say so
            continue
        if first is not None:
            raise _DuplicateKey(key, first, line, key_node.start_mark.column + 1)
        seen[key] = line
    loader.flatten_mapping(node)  # merged keys first, the mapping's own after: the own ones win
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_PulumiLoader.add_constructor(_PLAIN_NUMBER, _plain_number)
_PulumiLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_PulumiLoader.add_constructor("tag:yaml.org,2002:timestamp", _refuse_tag("a !!timestamp"))
_PulumiLoader.add_constructor("tag:yaml.org,2002:binary", _refuse_tag("!!binary data"))
_PulumiLoader.add_constructor("tag:yaml.org,2002:set", _refuse_tag("a !!set"))


def parse(text: str, source: str) -> Any:
    """The YAML document in `text` as Pulumi reads it, or a `SpecError` naming `source`, the line and
    what is wrong."""
    try:
        return yaml.load(text, Loader=_PulumiLoader)  # a SafeLoader subclass
    except _DuplicateKey as dup:
        raise SpecError(
            [
                Problem(
                    f"line {dup.line}, column {dup.column}",
                    dup.key,
                    f"key given twice in one mapping (first on line {dup.first_line}); YAML would "
                    "keep only the last",
                    "remove one of them",
                )
            ],
            source,
        ) from None
    except _Refused as refused:
        raise SpecError(
            [
                Problem(
                    f"line {refused.line}, column {refused.column}", refused.value, refused.why, refused.fix
                )
            ],
            source,
        ) from None
    except (yaml.YAMLError, RecursionError) as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = getattr(err, "problem", None) or (
            "nested too deeply" if isinstance(err, RecursionError) else str(err)
        )
        raise one_problem(
            where,
            Path(source).name,
            f"malformed YAML: {' '.join(str(problem).split())}",
            "fix the YAML syntax (indentation, colons, quotes)",
            source,
        ) from None


def read(path: Path) -> Any:
    """A Pulumi YAML file, or a `SpecError` naming the file, line and what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise one_problem(
            path.name,
            str(path),
            f"cannot be read: {err.strerror}",
            "check the path and its permissions",
            str(path),
        ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # Pulumi strips a UTF-8 byte-order mark (workspace/loaders.go readFileStripUTF8BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise one_problem(
            f"line {line}",
            path.name,
            f"not UTF-8 text (byte {err.object[err.start]:#x} at offset {err.start})",
            "save the file as UTF-8",
            str(path),
        ) from None
    return parse(text, str(path))


def as_pulumi_passes_it(value: Any) -> Any:
    """`value` with every float that has no fraction made an int: Pulumi hands config objects to a
    program as Go's encoding/json writes them, where 1e3 is `1000`, which the program reads as an int."""
    if isinstance(value, dict):
        return {key: as_pulumi_passes_it(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_pulumi_passes_it(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def written_numbers(value: Any, loc: tuple[int | str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(path, text as written) for every number in `value` written otherwise than the program will see
    it (`0123` is 83, `1e3` is 1000): paths as spec problems name them (`tags.cost-center`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from written_numbers(item, (*loc, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from written_numbers(item, (*loc, i))
    elif isinstance(value, WrittenInt | WrittenFloat) and value.written != str(as_pulumi_passes_it(value)):
        yield format_path(loc), value.written
