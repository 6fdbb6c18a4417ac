"""`python -m lepton_infra.policy`: the rule catalogue as a Markdown table (docs/policies.md embeds it)."""

from __future__ import annotations

from lepton_infra.policy.model import ResourceRule
from lepton_infra.policy.rules import all_rules, rules_per_cloud

BEGIN, END = "<!-- rules:begin -->", "<!-- rules:end -->"


def rules_table() -> str:
    lines = [BEGIN, "| id | clouds | severity | default | kind | checks |", "|---|---|---|---|---|---|"]
    for rule in all_rules():
        kind = "resource" if isinstance(rule, ResourceRule) else "stack"
        text = " ".join(rule.description.split()).replace("|", "\\|")
        lines.append(
            f"| `{rule.id}` | {', '.join(rule.clouds)} | {rule.severity.value} | "
            f"{rule.enforcement.value} | {kind} | {text} |"
        )
    counts = ", ".join(f"{cloud} {n}" for cloud, n in rules_per_cloud().items())
    lines += ["", f"{len(all_rules())} rules; per cloud (shared rules counted in each): {counts}.", END]
    return "\n".join(lines)


if __name__ == "__main__":
    print(rules_table())
