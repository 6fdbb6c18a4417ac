"""The offline runner's outputs: the report's `policy` section, a rich table, SARIF and JUnit files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from lepton_infra.policy.evaluate import PolicyOutcome, summarize
from lepton_infra.policy.model import Enforcement, ResourceRule

_STYLE = {"mandatory": "bold red", "advisory": "yellow"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def section(outcome: PolicyOutcome) -> dict[str, Any]:
    """The report's `policy` section (the report contract in docs/architecture.md), plus a renderer for the
    text report."""
    return {
        "status": "evaluated",
        "violations": [v.contract() for v in outcome.violations],
        "waived": [w.contract() for w in outcome.waived],
        "summary": summarize(outcome),
        "__render__": lambda console: render(outcome, console),
    }


def render(outcome: PolicyOutcome, console: Console) -> None:
    """Findings as short records, not a table: rule ids, resource names and URNs are long words that a
    table at 80 columns would break mid-name. Messages go in as `Text` (they quote user values)."""
    counts = summarize(outcome)
    if outcome.violations:
        console.print(Text("Policy violations", style="bold"))
        ordered = sorted(outcome.violations, key=lambda v: (v.enforcement != "mandatory", v.policy, v.urn))
        for v in ordered:
            console.print(
                Text.assemble(
                    "  ",
                    (v.enforcement, _STYLE.get(v.enforcement, "")),
                    f" {v.severity} ",
                    (v.policy, "bold"),
                    " on ",
                    v.urn.rsplit("::", 1)[-1],
                )
            )
            console.print(Text(f"    {v.message}"))
    if outcome.waived:
        console.print(Text("Waived (by policy config)", style="bold"))
        for w in outcome.waived:
            console.print(Text.assemble("  ", (w.policy, "bold"), " on ", w.urn.rsplit("::", 1)[-1]))
            console.print(Text(f"    {w.message}"))
            console.print(Text(f"    reason: {w.reason}", style="dim"))
    verdict = Text("FAIL", style="bold red") if counts["mandatory"] else Text("pass", style="bold green")
    console.print(
        Text.assemble(
            "Policy: ",
            verdict,
            f" — {counts['rules_enabled']} rules, {counts['mandatory']} "
            f"mandatory and {counts['advisory']} advisory violations, {counts['waived']} waived",
        )
    )


def _rule_entry(outcome: PolicyOutcome, rule_id: str) -> dict[str, Any]:
    rule = next(r for r in outcome.rules if r.id == rule_id)
    level = "error" if outcome.enforcement[rule.id] == Enforcement.MANDATORY else "warning"
    return {
        "id": rule.id,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.remediation},
        "defaultConfiguration": {"level": level},
        "properties": {
            "severity": rule.severity.value,
            "clouds": list(rule.clouds),
            "kind": "resource" if isinstance(rule, ResourceRule) else "stack",
        },
    }


def to_sarif(outcome: PolicyOutcome, artifact: str) -> dict[str, Any]:
    """SARIF 2.1.0 for code-scanning annotations; each result points at `artifact` (the stack file)."""
    used = sorted({v.policy for v in outcome.violations} | {w.policy for w in outcome.waived})
    index = {rule_id: i for i, rule_id in enumerate(used)}

    def result(policy: str, urn: str, message: str, level: str, reason: str | None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ruleId": policy,
            "ruleIndex": index[policy],
            "level": level,
            "message": {"text": message},
            "locations": [
                {
                    "physicalLocation": {"artifactLocation": {"uri": artifact}, "region": {"startLine": 1}},
                    "logicalLocations": [{"fullyQualifiedName": urn, "kind": "resource"}],
                }
            ],
        }
        if reason is not None:
            entry["suppressions"] = [{"kind": "external", "justification": reason}]
        return entry

    results = [
        result(v.policy, v.urn, v.message, "error" if v.enforcement == "mandatory" else "warning", None)
        for v in outcome.violations
    ]
    results += [result(w.policy, w.urn, w.message, "note", w.reason) for w in outcome.waived]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lepton-infra policy",
                        "rules": [_rule_entry(outcome, rule_id) for rule_id in used],
                    }
                },
                "results": results,
            }
        ],
    }


def to_junit(outcome: PolicyOutcome, suite_name: str) -> ET.Element:
    """One test case per rule: a failure for mandatory violations, skipped when disabled or never applicable;
    advisory and waived findings go to the case's system-out."""
    suite = ET.Element("testsuite", name=suite_name)
    failures = skipped = 0
    for rule in outcome.rules:
        case = ET.SubElement(suite, "testcase", classname=f"lepton.policy.{rule.clouds[0]}", name=rule.id)
        tally = outcome.tally[rule.id]
        found = outcome.by_policy(rule.id)
        level = outcome.enforcement[rule.id]
        mandatory = [v for v in found if v.enforcement == "mandatory"]
        if level == Enforcement.DISABLED or tally.checked == tally.not_applicable:
            ET.SubElement(
                case, "skipped", message="disabled" if level == Enforcement.DISABLED else "not applicable"
            )
            skipped += 1
        elif mandatory:
            failure = ET.SubElement(
                case, "failure", message=f"{len(mandatory)} mandatory violation(s)", type=rule.severity.value
            )
            failure.text = "\n".join(f"{v.urn}: {v.message}" for v in mandatory)
            failures += 1
        notes = [f"advisory {v.urn}: {v.message}" for v in found if v.enforcement != "mandatory"]
        notes += [
            f"waived {w.urn}: {w.message} (reason: {w.reason})" for w in outcome.waived if w.policy == rule.id
        ]
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    suite.set("tests", str(len(outcome.rules)))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    return suite


def write_policy_report(
    outcome: PolicyOutcome, kind: str, path: str | Path, *, artifact: str, suite: str
) -> None:
    target = Path(path)
    if kind == "sarif":
        target.write_text(json.dumps(to_sarif(outcome, artifact), indent=2) + "\n")
    elif kind == "junit":
        tree = ET.ElementTree(to_junit(outcome, suite))
        ET.indent(tree)
        tree.write(target, encoding="utf-8", xml_declaration=True)
    else:
        raise ValueError(f"unknown policy report format {kind!r}: use sarif or junit")
